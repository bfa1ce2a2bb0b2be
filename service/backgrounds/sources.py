"""The bytes behind a background `src`: an http(s) URL through the SSRF guard, or a local file.

Local files are for the command line only (`base_dir` is the folder they are resolved in;
the API passes None) and must resolve inside `base_dir` — no `..`, no absolute path or
symlink leading elsewhere. Either way the bytes are sniffed, never trusted by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from service.safe_fetch import (
    IMAGE_TYPES,
    SNIFF_BYTES,
    VIDEO_TYPES,
    FetchError,
    accepted_media_type,
    fetch_url,
)
from service.settings import Settings

from .prepared import Unavailable

PICTURE_TYPES = IMAGE_TYPES | VIDEO_TYPES
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
"""A URL scheme (two letters at least, so a Windows drive letter is not one)."""


@dataclass(frozen=True)
class Source:
    data: bytes
    media_type: str
    """Sniffed from the bytes."""


def is_url(src: str) -> bool:
    return bool(_SCHEME.match(src))


async def load_source(src: str, *, base_dir: Path | None, settings: Settings) -> Source:
    """The image or video `src` names, or Unavailable saying why not (one line, naming `src`)."""
    if is_url(src):  # any scheme: the guard refuses all but http(s) with a clear reason
        try:
            fetched = await fetch_url(src, settings=settings, accept=PICTURE_TYPES)
        except FetchError as exc:
            raise Unavailable(str(exc)) from exc
        return Source(fetched.data, fetched.content_type)
    return read_local(src, base_dir=base_dir, max_bytes=settings.fetch_max_bytes)


def read_local(src: str, *, base_dir: Path | None, max_bytes: int) -> Source:
    """A picture file at `src` inside `base_dir` (None: no local files allowed)."""
    if base_dir is None:
        raise Unavailable(f"{src}: local files are read only from the command line; give an http(s) URL")
    root = base_dir.resolve()
    path = (root / src).resolve()
    if not path.is_relative_to(root):
        raise Unavailable(f"{src}: outside {root}; local backgrounds must be in that folder")
    if not path.is_file():
        raise Unavailable(f"{src}: no such file in {root}")
    if path.stat().st_size > max_bytes:
        raise Unavailable(f"{src}: over the size limit of {max_bytes} bytes (SEEKREEL_FETCH_MAX_BYTES)")
    data = path.read_bytes()
    try:
        return Source(data, accepted_media_type(data[:SNIFF_BYTES], PICTURE_TYPES))
    except FetchError as exc:
        raise Unavailable(f"{src}: {exc}") from exc
