"""One JSON GET to a media search API, its failures turned into one-line reasons."""

from __future__ import annotations

from typing import Any

import httpx

from service.settings import Settings

from ..prepared import Unavailable


async def get_json(
    url: str, *, params: dict[str, str | int], headers: dict[str, str], settings: Settings
) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=settings.fetch_timeout) as client:
            response = await client.get(url, params=params, headers=headers)
    except httpx.HTTPError as exc:
        raise Unavailable(f"unreachable ({str(exc) or type(exc).__name__})") from exc
    if response.status_code in (401, 403):
        raise Unavailable(f"the API key was refused (HTTP {response.status_code})")
    if response.status_code != 200:
        raise Unavailable(f"the API answered HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError as exc:
        raise Unavailable("the API answered something that is not JSON") from exc
    if not isinstance(body, dict):
        raise Unavailable("the API answered JSON of an unexpected shape")
    return body
