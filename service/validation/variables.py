"""`{{$NAME}}` placeholders and the hf-variables defaults block (docs/composition.md#variables).

A placeholder without a value is an error (the renderer refuses it rather than render a
blank); spellings that are not placeholders at all (`{{ $title }}`) would show up
literally in the video, so they are flagged too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from bs4 import BeautifulSoup, Tag

from sandbox import PLACEHOLDER_RE, is_placeholder_name

from .codes import finding
from .findings import Finding
from .script_checks import is_js_type
from .source import Source

Span = tuple[int, int]
_LOOSE_RE = re.compile(r"\{\{\s*\$?\s*([A-Za-z_][\w]*)\s*\}\}")


def check_variables(
    src: Source,
    soup: BeautifulSoup,
    variables: Mapping[str, object] | None,
    *,
    script_spans: list[Span],
    raw_spans: list[Span],
) -> list[Finding]:
    """`script_spans`: executable script contents; `raw_spans`: every script and style content."""
    out: list[Finding] = []
    block = soup.find("script", attrs={"id": "hf-variables"})
    defaults: dict[str, object] = {}
    block_span: Span = (0, 0)
    if isinstance(block, Tag):
        start = src.tag_end(block) or 0
        block_span = (start, start + len(block.get_text()))
        defaults = _defaults(block, src, start, out)
    known = set(defaults) | set(variables or {})
    seen: set[str] = set()
    for m in PLACEHOLDER_RE.finditer(src.text):
        name = m.group(1)
        if _inside(m.start(), [block_span]) or name in seen:
            continue
        seen.add(name)
        if name not in known:
            out.append(
                finding(
                    "missing-variable",
                    f"{{{{${name}}}}} has no value: add a default to the hf-variables block, "
                    f'e.g. {{"{name}": "…"}}, or pass it with the request',
                    src.line_of(m.start()),
                )
            )
    out.extend(_in_scripts(src, script_spans))
    out.extend(_malformed(src, [*raw_spans, block_span]))
    return out


def _defaults(block: Tag, src: Source, start: int, out: list[Finding]) -> dict[str, object]:
    line = src.line_of(start)
    if is_js_type(str(block.get("type") or "")):
        out.append(
            finding(
                "invalid-variables",
                'the hf-variables <script> needs type="application/json"; as it is, the browser runs '
                "the JSON as code and fails",
                src.line_of(src.tag_start(block) or start),
            )
        )
    try:
        data = json.loads(block.get_text())
    except ValueError as exc:
        where = line + exc.lineno - 1 if isinstance(exc, json.JSONDecodeError) else line
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        out.append(
            finding(
                "invalid-variables",
                f"the hf-variables block is not valid JSON ({msg}); write one object of "
                '"NAME": "default value" pairs with double quotes and no trailing comma',
                where,
            )
        )
        return {}
    if not isinstance(data, dict):
        out.append(
            finding(
                "invalid-variables",
                'the hf-variables block must be one JSON object of "NAME": "default value" pairs',
                line,
            )
        )
        return {}
    for name in data:
        if not is_placeholder_name(name):
            out.append(
                finding(
                    "invalid-variable-name",
                    f'"{name}" in the hf-variables block can never be used: names are upper-case letters, '
                    f"digits and _ starting with a letter (e.g. {_suggest(name)})",
                    line,
                )
            )
    return data


def _in_scripts(src: Source, spans: list[Span]) -> list[Finding]:
    out: list[Finding] = []
    for start, end in spans:
        names = list(dict.fromkeys(m.group(1) for m in PLACEHOLDER_RE.finditer(src.text, start, end)))
        if names:
            first = PLACEHOLDER_RE.search(src.text, start, end)
            assert first is not None
            listed = ", ".join(f"{{{{${n}}}}}" for n in names)
            out.append(
                finding(
                    "placeholder-in-script",
                    f"{listed} inside a script is replaced with HTML-escaped text (& becomes &amp;), "
                    "which breaks in code; put it in an element and read the element's textContent",
                    src.line_of(first.start()),
                )
            )
    return out


def _malformed(src: Source, skip: list[Span]) -> list[Finding]:
    out: list[Finding] = []
    for m in _LOOSE_RE.finditer(src.text):
        if PLACEHOLDER_RE.fullmatch(m.group(0)) or _inside(m.start(), skip):
            continue
        out.append(
            finding(
                "malformed-placeholder",
                f"{m.group(0)} is not a placeholder and would show literally; write {{{{${_suggest(m.group(1))}}}}}",
                src.line_of(m.start()),
            )
        )
    return out


def _suggest(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", name).upper().lstrip("_0123456789")
    return cleaned or "TITLE"


def _inside(pos: int, spans: list[Span]) -> bool:
    return any(start <= pos < end for start, end in spans)
