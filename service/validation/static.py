"""The static half of validation (docs/validation.md): everything that can be judged without a browser.

One pass over the parsed document gathers what each check needs — the root element, the
scripts (with inline handlers and javascript: URLs), the stylesheets, every URL-bearing
attribute — and the checks in root, variables, scripts and assets turn that into findings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping

from bs4 import BeautifulSoup, Comment, Doctype, ProcessingInstruction, Tag
from bs4.element import NavigableString

from sandbox import PLACEHOLDER_RE, CompositionError, declared_variables, parse_composition

from .assets import element_urls, url_finding
from .codes import finding
from .css import css_urls
from .findings import Finding
from .jscode import Script
from .limits import ValidationLimits
from .root import check_root
from .script_checks import ScriptReport, check_scripts, is_js_type
from .source import Source, normalize
from .variables import check_variables

_URL_JSON_TYPES = {"importmap", "speculationrules"}
_COMPOSITION_CODES = {
    "missing-root", "missing-duration", "invalid-duration", "duration-out-of-range", "invalid-aspect",
    "invalid-fps", "invalid-size", "missing-variable", "invalid-variables",
}  # fmt: skip


def check_static(
    html: str, variables: Mapping[str, object] | None, limits: ValidationLimits
) -> list[Finding]:
    out: list[Finding] = []
    size = len(html.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        out.append(
            finding(
                "too-large",
                f"the document is {size:,} bytes, over the {limits.max_bytes:,}-byte limit; "
                "shorten it (inline images as small SVG, drop unused CSS)",
            )
        )
    src = Source(normalize(html))
    soup = _parse(src.text, out)
    if soup is None:
        return out
    tags = soup.find_all(True)
    if len(tags) > limits.max_elements:
        out.append(
            finding(
                "too-many-elements",
                f"the document has {len(tags):,} elements, over the limit of {limits.max_elements:,}; "
                "draw repeated shapes with fewer elements (one SVG path, CSS gradients, a canvas)",
            )
        )
    out.extend(_doctype(soup))
    out.extend(check_root(soup.find("html"), src, limits))

    scripts, script_spans, raw_spans = _scripts(soup, src, out)
    report = check_scripts(scripts)
    out.extend(report.findings)
    out.extend(_seek_listener(report))
    out.extend(_urls(tags, src, variables))
    out.extend(_meta_refresh(tags, src))
    out.extend(check_variables(src, soup, variables, script_spans=script_spans, raw_spans=raw_spans))
    if not any(f.code in _COMPOSITION_CODES for f in out):
        out.extend(_renderer_agrees(html, variables, limits))
    return out


def _parse(text: str, out: list[Finding]) -> BeautifulSoup | None:
    if not text.strip():
        out.append(finding("parse-error", "the document is empty; write one complete HTML document"))
        return None
    try:
        soup = BeautifulSoup(text, "html.parser", multi_valued_attributes=None)
    except Exception as exc:  # the parser's own complaint is the most useful thing to pass on
        out.append(finding("parse-error", f"the document cannot be parsed as HTML ({exc}); fix the markup"))
        return None
    if soup.find(True) is None:
        out.append(
            finding("parse-error", "the document has no HTML elements; write one complete HTML document")
        )
        return None
    return soup


def _doctype(soup: BeautifulSoup) -> list[Finding]:
    for node in soup.contents:
        if isinstance(node, Doctype):
            if str(node).strip().lower() == "html":
                return []
            break
        if isinstance(node, Tag) or (
            isinstance(node, NavigableString)
            and not isinstance(node, Comment | ProcessingInstruction)
            and node.strip()
        ):
            break  # content before the doctype puts the browser in quirks mode
    return [finding("missing-doctype", "the document must start with <!doctype html> (on the first line)", 1)]


def _scripts(
    soup: BeautifulSoup, src: Source, out: list[Finding]
) -> tuple[list[Script], list[tuple[int, int]], list[tuple[int, int]]]:
    """Every piece of JavaScript the page would run, plus the spans of script and style contents."""
    scripts: list[Script] = []
    script_spans: list[tuple[int, int]] = []
    raw_spans: list[tuple[int, int]] = []
    for tag in soup.find_all(["script", "style"]):
        start = src.tag_end(tag)
        if start is None:
            continue
        text = tag.get_text()
        raw_spans.append((start, start + len(text)))
        if tag.name == "style":
            continue
        kind = str(tag.get("type") or "").split(";")[0].strip().lower()
        if is_js_type(kind):
            scripts.append(Script(text, src.line_of(start)))
            script_spans.append((start, start + len(text)))
        elif kind in _URL_JSON_TYPES:
            out.extend(_json_urls(text, kind, src.line_of(start)))
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            if not isinstance(value, str):
                continue
            if name.lower().startswith("on") and len(name) > 2:
                scripts.append(Script(value, src.attr_line(tag, name) or 1))
            elif value.strip().lower().startswith("javascript:"):
                body = value.strip()[len("javascript:") :]
                scripts.append(Script(body, src.attr_line(tag, name) or 1))
    return scripts, script_spans, raw_spans


def _json_urls(text: str, kind: str, line: int) -> list[Finding]:
    """An import map or speculation rules block names URLs the browser fetches."""
    try:
        data = json.loads(text)
    except ValueError:
        return []  # the browser ignores a block it cannot parse
    out: list[Finding] = []
    for value in _json_strings(data):
        if re.match(r"^(?:[a-zA-Z][\w+.-]*:|//)", value) and (
            f := url_finding(value, f'<script type="{kind}">', "target", line)
        ):
            out.append(f)
    return out


def _json_strings(data: object) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _json_strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _json_strings(value)


def _seek_listener(report: ScriptReport) -> list[Finding]:
    out = [
        finding(
            "seek-listener-target",
            f"hf-seek is dispatched on window, so `{receiver}.addEventListener('hf-seek', …)` never "
            "fires; use window.addEventListener('hf-seek', e => render(e.detail.time))",
            line,
        )
        for line, receiver in report.wrong_targets
    ]
    if not report.seek_listener and not report.wrong_targets:
        out.append(
            finding(
                "missing-seek-listener",
                "no script listens for hf-seek, so the picture cannot follow the clock; add "
                "window.addEventListener('hf-seek', e => render(e.detail.time)) and draw from that time",
            )
        )
    return out


def _urls(tags: list[Tag], src: Source, variables: Mapping[str, object] | None) -> list[Finding]:
    values = _known_values(src.text, variables)

    def resolve(text: str) -> str:
        return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)

    out: list[Finding | None] = []
    for tag in tags:
        if tag.find_parent("noscript"):
            continue  # scripts run, so <noscript> content is never rendered
        if tag.name == "style":
            start = src.tag_end(tag) or 0
            for off, url in css_urls(resolve(tag.get_text())):
                out.append(url_finding(url, "a <style> url()", "load", src.line_of(start + off)))
        for ref in element_urls(tag, resolve):
            if "{{$" in ref.url:
                continue  # its value is unknown here (missing-variable says so)
            line = src.attr_line(tag, ref.attr) if ref.attr else src.line_of(src.tag_start(tag) or 0)
            if line is not None and ref.attr:
                line += resolve(str(tag.get(ref.attr, "")))[: ref.offset].count("\n")
            out.append(url_finding(ref.url, ref.where, ref.role, line))
    return [f for f in out if f is not None]


def _known_values(html: str, variables: Mapping[str, object] | None) -> dict[str, str]:
    """Placeholder values known statically, read as the renderer reads them: defaults, then the request's."""
    try:
        values = declared_variables(html)
    except CompositionError:
        values = {}  # invalid-variables reports it
    values.update({k: str(v) for k, v in (variables or {}).items()})
    return values


def _meta_refresh(tags: list[Tag], src: Source) -> list[Finding]:
    return [
        finding(
            "meta-refresh",
            '<meta http-equiv="refresh"> reloads or leaves the page mid-render; remove it',
            src.attr_line(tag, "http-equiv"),
        )
        for tag in tags
        if tag.name == "meta" and str(tag.get("http-equiv", "")).strip().lower() == "refresh"
    ]


def _renderer_agrees(
    html: str, variables: Mapping[str, object] | None, limits: ValidationLimits
) -> list[Finding]:
    """The renderer has the last word on the composition contract: ask it, so nothing we pass fails there."""
    try:
        parse_composition(html, variables=variables, max_duration=limits.max_duration)
    except CompositionError as exc:
        return [finding("composition-error", f"the renderer rejects this composition: {exc}")]
    return []
