"""`search` backgrounds: media found by keywords — GIPHY, Pexels, or offline a local folder.

Providers are tried in the order of `SEEKREEL_MEDIA_SEARCH_PROVIDERS`; each gives its
candidates best first (a URL, fetched later through the SSRF guard, or a file in the media
folder). A provider that cannot search (no key, the API failed, nothing found) says why
instead, and the caller reports every reason when nothing at all could be had.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

from service.settings import Settings

from ..prepared import Unavailable
from .candidates import Candidate, Miss
from .giphy import find_giphy
from .local_folder import find_local
from .pexels import find_pexels

Finder = Callable[[str, str, Settings], Awaitable[list[Candidate]]]
"""(query, aspect, settings) → candidates best first ([] when nothing matched); Unavailable when it cannot search."""

PROVIDERS: dict[str, tuple[str, Finder]] = {
    "giphy": ("GIPHY", find_giphy),
    "pexels": ("Pexels", find_pexels),
    "local": ("local media folder", find_local),
}


async def search_media(query: str, *, aspect: str, settings: Settings) -> AsyncIterator[Candidate | Miss]:
    """Every provider's candidates in order, and a Miss for each provider that had none."""
    for name in filter(None, (n.strip().lower() for n in settings.media_search_providers.split(","))):
        if name not in PROVIDERS:
            yield Miss(name, f"unknown provider (use {', '.join(PROVIDERS)})")
            continue
        label, find = PROVIDERS[name]
        try:
            found = await find(query, aspect, settings)
        except Unavailable as exc:
            yield Miss(label, str(exc))
            continue
        if not found:
            yield Miss(label, "nothing found")
        for candidate in found:
            yield candidate


__all__ = ["PROVIDERS", "Candidate", "Miss", "search_media"]
