"""What a URL would make the browser do: nothing, load an inline resource, or reach out.

The sandbox serves only the document, `data:`/`blob:` URLs and caller-supplied assets,
so an absolute URL to anywhere else can never load and a relative one loads only when
the caller supplies that file.
"""

from __future__ import annotations

import re
from typing import Literal

UrlKind = Literal["empty", "inline", "fragment", "relative", "external", "script", "other"]

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_INLINE_SCHEMES = {"data", "blob", "about"}
_NON_LOADING_SCHEMES = {"mailto", "tel", "sms"}
_URL_IN_TEXT_RE = re.compile(r"^(?:(?:https?|wss?|ftp|file):|//[^/\s])", re.IGNORECASE)


def classify_url(raw: str) -> UrlKind:
    """Classify a URL as the browser would resolve it (tabs and newlines inside are dropped)."""
    url = re.sub(r"[\t\n\r]", "", raw).strip(" \f\x00")
    if not url:
        return "empty"
    if url.startswith("#"):
        return "fragment"
    if url[:2] in ("//", "\\\\", "/\\", "\\/"):
        return "external"
    m = _SCHEME_RE.match(url)
    if not m:
        return "relative"
    scheme = m.group(1).lower()
    if scheme in _INLINE_SCHEMES:
        return "inline"
    if scheme == "javascript":
        return "script"
    if scheme in _NON_LOADING_SCHEMES:
        return "other"
    return "external"


def is_url_text(text: str) -> bool:
    """Whether a script string is itself an absolute network URL (not prose that mentions one)."""
    return bool(_URL_IN_TEXT_RE.match(text)) and not re.search(r"\s", text.strip())


def srcset_urls(value: str) -> list[str]:
    """The candidate URLs of a `srcset` (the HTML spec's parse, which keeps commas in data: URLs)."""
    urls: list[str] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while i < n and (depth or value[i] != ","):
                depth += {"(": 1, ")": -1}.get(value[i], 0)
                i += 1
        if url:
            urls.append(url)
    return urls


def short(url: str, limit: int = 80) -> str:
    """A URL cut to a readable length for a message (data: URLs can be huge)."""
    url = url.strip()
    return url if len(url) <= limit else url[: limit - 1] + "…"


def is_external_url_text(text: str) -> bool:
    """A script string that is an absolute URL outside the document (`https://…`, `//host/…`)."""
    return is_url_text(text) and classify_url(text) == "external"
