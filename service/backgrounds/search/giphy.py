"""GIPHY's search endpoint (`GET {base}/gifs/search?api_key&q&limit&rating&lang`)."""

from __future__ import annotations

from service.settings import Settings

from ..prepared import Unavailable
from .candidates import Candidate
from .web_api import get_json

RESULTS = 3


async def find_giphy(query: str, aspect: str, settings: Settings) -> list[Candidate]:
    if not settings.giphy_api_key:
        raise Unavailable("no key set (SEEKREEL_GIPHY_API_KEY)")
    body = await get_json(
        f"{settings.giphy_api_url.rstrip('/')}/gifs/search",
        params={
            "api_key": settings.giphy_api_key,
            "q": query,
            "limit": RESULTS,
            "rating": settings.giphy_rating,
            "lang": "en",
        },
        headers={},
        settings=settings,
    )
    found = []
    for item in body.get("data") or []:
        url = ((item.get("images") or {}).get("original") or {}).get("url")
        if url:
            found.append(Candidate("GIPHY", url=url, credit="GIF via GIPHY"))
    return found
