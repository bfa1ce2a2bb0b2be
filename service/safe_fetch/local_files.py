"""Media a user names by path instead of URL (the command line only), read under the same
rules as a fetched URL: inside one folder, within the byte cap, sniffed rather than trusted by
name — and `fetch_source`, the one place that tells a URL from a path.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Collection
from pathlib import Path

from service.byte_sizes import size_text
from service.settings import Settings

from .errors import FetchRefused
from .fetch import Fetched, fetch_url
from .sniff import SNIFF_BYTES, accepted_media_type

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")
"""A URL scheme: two characters at least, so a Windows drive letter (`C:`) is not one."""


def url_scheme(src: str) -> str | None:
    """The scheme `src` starts with, lower-cased ('http', 'ftp', 'data', …); None for a path."""
    found = _SCHEME.match(src.strip())
    return found.group(1).lower() if found else None


async def fetch_source(
    src: str, *, base_dir: Path | None, settings: Settings, accept: Collection[str]
) -> Fetched:
    """A URL through `fetch_url` (any scheme: it refuses all but http(s) with the reason), else
    a local file under `base_dir` through `read_local`."""
    if url_scheme(src) is not None:
        return await fetch_url(src, settings=settings, accept=accept)
    return await asyncio.to_thread(
        read_local, src, base_dir=base_dir, max_bytes=settings.fetch_max_bytes, accept=accept
    )


def read_local(src: str, *, base_dir: Path | None, max_bytes: int, accept: Collection[str]) -> Fetched:
    """The file `src` names inside `base_dir` (None: no local files, as for the API) — never
    through `..`, an absolute path or a symlink leading out of it."""
    if base_dir is None:
        raise FetchRefused(f"{src}: local files are read only from the command line; give an http(s) URL")
    root = base_dir.resolve()
    path = (root / Path(src).expanduser()).resolve()
    if not path.is_relative_to(root):
        raise FetchRefused(f"{src}: outside {root}; local files must be in that folder")
    if not path.is_file():  # a mistake in the storyboard, not a failure worth trying again
        raise FetchRefused(f"{src}: no such file in {root}")
    size = path.stat().st_size
    if size > max_bytes:
        raise FetchRefused(f"{src}: {size_text(size)} is over the {size_text(max_bytes)} limit")
    data = path.read_bytes()
    try:
        content_type = accepted_media_type(data[:SNIFF_BYTES], accept)
    except FetchRefused as exc:
        raise FetchRefused(f"{src}: {exc}") from exc
    return Fetched(url=src, final_url=str(path), content_type=content_type, data=data)
