"""Why a URL was not fetched. Every message is one line naming the URL, so callers can prefix a scene."""

from __future__ import annotations


class FetchError(Exception):
    """A URL could not be fetched; `str()` says which and why."""


class FetchRefused(FetchError):
    """Refused: the scheme, the address, too many redirects, too large, not the wanted kind, a
    local path outside its folder or naming no file. The source must change."""


class FetchFailed(FetchError):
    """Allowed, but it did not work: the name does not resolve, no connection, a timeout, an HTTP
    error. The same source may work later."""
