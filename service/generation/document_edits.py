"""Small, exact edits to a composition document: the hf-variables defaults and the root's
`data-*` attributes. Everything else in the document is left byte for byte as it was, so
an edited draft diffs cleanly against the one before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from sandbox import declared_variables

_VARS_BLOCK_RE = re.compile(
    r"""(<script\b[^>]*\bid\s*=\s*["']?hf-variables["']?[^>]*>)(.*?)(</script\s*>)""",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG_RE = re.compile(r"<html\b([^>]*)>", re.IGNORECASE)


def variables_json(values: Mapping[str, str]) -> str:
    """The JSON text of an hf-variables block; '<' is escaped so no value can close the script."""
    text = json.dumps(dict(values), indent=2, ensure_ascii=False)
    return text.replace("<", "\\u003c")


def set_variable_defaults(html: str, values: Mapping[str, str]) -> str:
    """Set defaults in the hf-variables block (existing order kept, new names appended).

    Adds a block at the end of <head> (or before <body>) when the document has none.
    """
    merged = declared_variables(html)
    merged.update({k: str(v) for k, v in values.items()})
    block = variables_json(merged)
    m = _VARS_BLOCK_RE.search(html)
    if m:
        return html[: m.start(2)] + "\n" + block + "\n" + html[m.end(2) :]
    tag = f'<script type="application/json" id="hf-variables">\n{block}\n</script>\n'
    for anchor in ("</head>", "<body"):
        i = html.lower().find(anchor)
        if i >= 0:
            return html[:i] + tag + html[i:]
    raise ValueError("the document has no <head> or <body> to hold the hf-variables block")


def set_root_attributes(html: str, attrs: Mapping[str, str]) -> str:
    """Set (or add) attributes on the root <html> tag, e.g. {'data-duration': '6'}."""
    m = _HTML_TAG_RE.search(html)
    if not m:
        raise ValueError("the document has no <html> root element")
    inner = m.group(1)
    for name, value in attrs.items():
        pattern = re.compile(rf"""(\s{re.escape(name)}\s*=\s*)(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
        if pattern.search(inner):
            inner = pattern.sub(lambda mm, v=value: f'{mm.group(1)}"{v}"', inner, count=1)
        else:
            inner = f'{inner.rstrip()} {name}="{value}"'
    return html[: m.start(1)] + inner + html[m.end(1) :]


def format_seconds(value: float) -> str:
    """6.0 → '6', 2.5 → '2.5' (how data-duration is written)."""
    return f"{value:.3f}".rstrip("0").rstrip(".")
