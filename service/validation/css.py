"""The URLs a stylesheet would load: `url()`, `@import "…"`, and `image-set("…")` candidates.

A small CSS tokenizer rather than a regex, so URLs inside comments are skipped, quoted
and unquoted forms are both read, and `@namespace url(…)` (an identifier, never
fetched) is not mistaken for a load.
"""

from __future__ import annotations

import re

_IDENT_RE = re.compile(
    r"-?(?:[a-zA-Z_\x80-\uffff]|\\[0-9a-fA-F]{1,6}\s?|\\.)(?:[\w\-\x80-\uffff]|\\[0-9a-fA-F]{1,6}\s?|\\.)*"
)
_ESCAPE_RE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|\n|(.))", re.DOTALL)
_IMAGE_SET = {"image-set", "-webkit-image-set"}


def css_urls(css: str) -> list[tuple[int, str]]:
    """(offset, url) for every resource the stylesheet text would load, in order."""
    found: list[tuple[int, str]] = []
    functions: list[str] = []
    after_import = False
    i, n = 0, len(css)
    while i < n:
        ch = css[i]
        if css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif ch in "\"'":
            end, value = _string(css, i)
            if after_import or (functions and functions[-1] in _IMAGE_SET):
                found.append((i, value))
            after_import = False
            i = end
        elif ch == "@":
            m = _IDENT_RE.match(css, i + 1)
            name = _unescape(m.group(0)).lower() if m else ""
            i = m.end() if m else i + 1
            if name == "namespace":
                end = css.find(";", i)
                i = n if end < 0 else end + 1
            after_import = name == "import"
        elif (m := _IDENT_RE.match(css, i)) and not (i and (css[i - 1].isalnum() or css[i - 1] in "-_")):
            name = _unescape(m.group(0)).lower()
            i = m.end()
            if i < n and css[i] == "(":
                if name == "url":
                    i, value = _url_body(css, i + 1)
                    found.append((m.start(), value))
                    after_import = False
                else:
                    functions.append(name)
                    i += 1
        else:
            if ch == "(":
                functions.append("")
            elif ch == ")" and functions:
                functions.pop()
            elif ch in ";{}":
                after_import = False
                functions.clear()
            i += 1
    return found


def _string(css: str, start: int) -> tuple[int, str]:
    """End offset and unescaped value of the CSS string starting at `start`."""
    quote, i, n = css[start], start + 1, len(css)
    while i < n and css[i] != quote and css[i] != "\n":
        i += 2 if css[i] == "\\" else 1
    return min(i + 1, n), _unescape(css[start + 1 : min(i, n)])


def _url_body(css: str, i: int) -> tuple[int, str]:
    """Parse after `url(`: a quoted string or a bare URL up to `)`."""
    n = len(css)
    while i < n and css[i].isspace():
        i += 1
    if i < n and css[i] in "\"'":
        i, value = _string(css, i)
    else:
        start = i
        while i < n and css[i] != ")":
            i += 2 if css[i] == "\\" else 1
        value = _unescape(css[start:i].strip())
    close = css.find(")", i)
    return (n if close < 0 else close + 1), value


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(1):
            code = int(m.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return m.group(2) or ""

    return _ESCAPE_RE.sub(one, text)
