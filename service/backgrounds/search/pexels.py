"""Pexels search: photos (`GET {base}/v1/search`) or videos (`GET {base}/videos/search`), key in `Authorization`."""

from __future__ import annotations

from typing import Any

from service.settings import Settings

from ..prepared import Unavailable
from .candidates import Candidate
from .web_api import get_json

RESULTS = 3
ORIENTATION = {"16:9": "landscape", "9:16": "portrait", "4:5": "portrait", "1:1": "square"}
MAX_VIDEO_WIDTH = 1920
"""Pexels lists each video in several sizes; the largest up to this is taken (bigger only costs)."""


async def find_pexels(query: str, aspect: str, settings: Settings) -> list[Candidate]:
    if not settings.pexels_api_key:
        raise Unavailable("no key set (SEEKREEL_PEXELS_API_KEY)")
    videos = settings.pexels_media == "videos"
    body = await get_json(
        f"{settings.pexels_api_url.rstrip('/')}/{'videos' if videos else 'v1'}/search",
        params={"query": query, "per_page": RESULTS, "orientation": ORIENTATION.get(aspect, "landscape")},
        headers={"Authorization": settings.pexels_api_key},
        settings=settings,
    )
    if videos:
        return [c for c in map(_video, body.get("videos") or []) if c is not None]
    return [c for c in map(_photo, body.get("photos") or []) if c is not None]


def _photo(item: dict[str, Any]) -> Candidate | None:
    url = (item.get("src") or {}).get("large2x")
    by = item.get("photographer")
    return (
        Candidate("Pexels", url=url, credit=f"Photo by {by} on Pexels" if by else "Photo from Pexels")
        if url
        else None
    )


def _video(item: dict[str, Any]) -> Candidate | None:
    files = [
        f
        for f in item.get("video_files") or []
        if f.get("file_type") == "video/mp4" and f.get("link") and (f.get("width") or 0) <= MAX_VIDEO_WIDTH
    ]
    if not files:
        return None
    best = max(files, key=lambda f: f.get("width") or 0)
    by = (item.get("user") or {}).get("name")
    return Candidate(
        "Pexels", url=best["link"], credit=f"Video by {by} on Pexels" if by else "Video from Pexels"
    )
