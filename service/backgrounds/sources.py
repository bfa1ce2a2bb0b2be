"""The bytes behind a background: `src` (an http(s) URL through the SSRF guard, or a local file
from the command line) or a file the offline search found in the media folder — each read by
`service.safe_fetch`, so the folder jail, the byte cap and the sniffing are the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from service.safe_fetch import IMAGE_TYPES, VIDEO_TYPES, FetchError, FetchFailed, fetch_source, read_local
from service.settings import Settings

from .prepared import Unavailable, Unreachable

PICTURE_TYPES = IMAGE_TYPES | VIDEO_TYPES


@dataclass(frozen=True)
class Source:
    data: bytes
    media_type: str
    """Sniffed from the bytes."""


async def load_source(src: str, *, base_dir: Path | None, settings: Settings) -> Source:
    """The image or video `src` names (`base_dir` resolves a local path; None → URLs only), or
    Unavailable saying why not (one line, naming `src`)."""
    try:
        fetched = await fetch_source(src, base_dir=base_dir, settings=settings, accept=PICTURE_TYPES)
    except FetchFailed as exc:
        raise Unreachable(str(exc)) from exc
    except FetchError as exc:
        raise Unavailable(str(exc)) from exc
    return Source(fetched.data, fetched.content_type)


def load_media_file(path: Path, *, settings: Settings) -> Source:
    """A file of the local media folder (SEEKREEL_MEDIA_DIR), found by the offline search."""
    try:
        fetched = read_local(
            str(path), base_dir=settings.media_dir, max_bytes=settings.fetch_max_bytes, accept=PICTURE_TYPES
        )
    except FetchError as exc:
        raise Unavailable(str(exc)) from exc
    return Source(fetched.data, fetched.content_type)
