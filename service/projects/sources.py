"""The URLs a storyboard makes the server fetch, checked before anything is queued.

Over HTTP a storyboard may only name http(s) URLs that the SSRF guard would fetch: a local
path would read the server's own files, a private address would reach its network. The
refusal names the field, so the caller knows which scene to fix.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from .engine import SourceRefused, StoryEngine


def source_fields(storyboard: Mapping[str, Any], *, first_scene: int = 0) -> Iterator[tuple[str, str]]:
    """(label, url) of every fetched source: scene backgrounds' `src` and the music's `src`."""
    for offset, scene in enumerate(storyboard.get("scenes") or []):
        background = scene.get("background") if isinstance(scene, Mapping) else None
        if isinstance(background, Mapping) and isinstance(background.get("src"), str):
            index = first_scene + offset
            yield f"scene {index + 1} (scenes[{index}].background.src)", background["src"]
    music = storyboard.get("music")
    if isinstance(music, Mapping) and isinstance(music.get("src"), str):
        yield "music.src", music["src"]


async def check_sources(engine: StoryEngine, storyboard: Mapping[str, Any], *, first_scene: int = 0) -> None:
    """SourceRefused naming the field of the first source that is not a fetchable http(s) URL."""
    for label, url in source_fields(storyboard, first_scene=first_scene):
        await check_url(engine, label, url)


async def check_url(engine: StoryEngine, label: str, url: str) -> None:
    """SourceRefused (naming `label`) unless `url` is http(s) and the SSRF guard would reach it."""
    if urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        raise SourceRefused(f"{label}: {url!r} is not an http(s) URL; the API fetches nothing else")
    try:
        await engine.check_source(url)
    except SourceRefused as exc:
        raise SourceRefused(f"{label}: {exc}") from None
