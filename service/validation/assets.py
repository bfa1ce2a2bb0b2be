"""Which URLs an element makes the browser fetch, and what each one deserves as a finding.

Shared by the document check and by script strings that hold markup (`innerHTML = '<img
src=…>'`), so both judge URLs the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from sandbox import TEXT_FAMILIES

from .codes import finding
from .css import css_urls
from .findings import Finding
from .urls import classify_url, short, srcset_urls

Role = Literal["load", "link", "target"]
"""load: fetched while rendering; link: followed only on a click; target: a navigation or
form-submission target (never needed by a video, harmless when relative)."""

_CSS_URL_ATTRS = {
    "style", "fill", "stroke", "filter", "clip-path", "mask", "marker-start", "marker-mid",
    "marker-end", "cursor",
}  # fmt: skip
_SRCSET_ATTRS = {"srcset", "imagesrcset"}
_LINK_TAGS = {"a", "area"}


@dataclass(frozen=True)
class UrlRef:
    url: str
    where: str
    """How it is referenced, for the message: 'src', 'srcset', 'style url()' …"""
    attr: str | None = None
    """The attribute it came from (for its line), or None for element content."""
    offset: int = 0
    """Offset inside the attribute value or element text."""
    role: Role = "load"


def element_urls(tag: Tag, resolve: Callable[[str], str] = str) -> list[UrlRef]:
    """Every URL in the tag's attributes that the browser could fetch or follow.

    `resolve` maps each attribute value first (placeholders → their values)."""
    refs: list[UrlRef] = []
    for name, raw in tag.attrs.items():
        if not isinstance(raw, str):
            continue
        value, attr = resolve(raw), name.lower()
        if attr in ("src", "poster", "background") or (attr == "data" and tag.name == "object"):
            refs.append(UrlRef(value, f"<{tag.name}> {attr}", attr))
        elif attr in ("href", "xlink:href"):
            role: Role = "link" if tag.name in _LINK_TAGS else "target" if tag.name == "base" else "load"
            refs.append(UrlRef(value, f"<{tag.name}> {attr}", attr, role=role))
        elif attr in ("action", "formaction"):
            refs.append(UrlRef(value, f"<{tag.name}> {attr}", attr, role="target"))
        elif attr in _SRCSET_ATTRS:
            refs.extend(UrlRef(u, f"<{tag.name}> {attr}", attr, value.find(u)) for u in srcset_urls(value))
        elif attr in _CSS_URL_ATTRS and "(" in value:
            refs.extend(
                UrlRef(u, f'a url() in <{tag.name} {attr}="…">', attr, off) for off, u in css_urls(value)
            )
        elif attr == "srcdoc" and tag.name == "iframe":
            refs.extend(UrlRef(r.url, f"iframe srcdoc {r.where}", attr) for r in markup_urls(value))
    return refs


def markup_urls(html: str) -> list[UrlRef]:
    """URLs an HTML fragment would fetch: element attributes and its <style> blocks."""
    try:
        soup = BeautifulSoup(html, "html.parser", multi_valued_attributes=None)
    except Exception:  # a fragment the parser rejects loads nothing we can name
        return []
    refs: list[UrlRef] = []
    for tag in soup.find_all(True):
        refs.extend(element_urls(tag))
        if tag.name == "style":
            refs.extend(UrlRef(u, "<style> url()", None, off) for off, u in css_urls(tag.get_text()))
    return refs


def instead_of(url: str) -> str:
    """What to do instead of loading this URL (fonts and scripts have better answers than data: URLs)."""
    try:
        path = urlsplit(url.strip()).path.lower()
    except ValueError:
        path = url.lower()
    if "fonts." in url.lower() or path.endswith((".woff", ".woff2", ".ttf", ".otf")):
        names = ", ".join(f"'{name}'" for name in TEXT_FAMILIES)
        return f"use a bundled font by name instead (font-family: {names})"
    if path.endswith((".js", ".mjs")):
        return "put the code in an inline <script> instead"
    return "inline it as a data: URL (or draw it with CSS/SVG), or supply it as an asset"


def url_finding(url: str, where: str, role: Role, line: int | None) -> Finding | None:
    """The finding a URL deserves in its role, or None when it is fine (data:, blob:, #fragment …)."""
    kind = classify_url(url)
    if kind == "external":
        if role == "link":
            return finding(
                "external-link",
                f"the link {short(url)} ({where}) goes nowhere in a video; remove it or make it plain text",
                line,
            )
        return finding(
            "external-url",
            f"{where} refers to {short(url)}, which can never load (the renderer has no network); {instead_of(url)}",
            line,
        )
    if kind == "relative" and role == "load":
        return finding(
            "relative-url",
            f"{where} refers to the relative URL {short(url)}, which renders only when the caller "
            "supplies that file as an asset; inline it as a data: URL to be self-contained",
            line,
        )
    return None
