"""Find the HTML document in a model's answer, however it was wrapped.

Models fence the document (```html, ```, ~~~), or paste it bare, with prose before and
after, sometimes show a snippet before the real thing, think aloud in <think> blocks, run
out of tokens halfway, or answer in JSON. We pick the last complete document; when there
is none, the result is a `Finding` (`no-html` or `truncated-html`) that the repair loop
can send back to the model like any validator finding.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from service.validation import Finding

NO_HTML = "no-html"
TRUNCATED_HTML = "truncated-html"

_THINK_RE = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.IGNORECASE | re.DOTALL)
_FENCE_OPEN_RE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([^\n`]*)$")
_DOCTYPE_RE = re.compile(r"<!doctype\s+html\b[^>]*>", re.IGNORECASE)
_HTML_OPEN_RE = re.compile(r"<html\b", re.IGNORECASE)
_HTML_CLOSE_RE = re.compile(r"</html\s*>", re.IGNORECASE)
_BODY_CLOSE_RE = re.compile(r"</body\s*>", re.IGNORECASE)
_LINE_END_RE = re.compile(r"[ \t]*(?:\n|$)")
_TAG_RE = re.compile(r"<(body|head|div|style|script|svg|section|main|h1|p|span)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Extraction:
    """The document (None when there is no usable one) and, if so, why not."""

    html: str | None
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class _Doc:
    text: str
    complete: bool


def extract_html(answer: str | None, *, hit_output_limit: bool = False) -> Extraction:
    """The last complete HTML document in `answer`, or a `no-html`/`truncated-html` finding.

    `hit_output_limit` (the provider said the answer stopped at its token limit) only
    sharpens the message of a truncated answer.
    """
    text = strip_reasoning(answer)
    docs = [doc for body in fenced_bodies(text) for doc in _documents_in(body)]
    complete = [d for d in docs if d.complete]
    if not complete:
        docs = _documents_in(text)
        complete = [d for d in docs if d.complete]
    if complete:
        return Extraction(html=complete[-1].text.strip() + "\n")
    if docs:
        cut = " at the model's output limit" if hit_output_limit else ""
        return Extraction(
            html=None,
            findings=[
                _finding(
                    TRUNCATED_HTML,
                    f"the answer stops before </html>: the document is cut off{cut}; answer with the whole "
                    "document, shorter if needed, from <!doctype html> to </html>",
                )
            ],
        )
    if _TAG_RE.search(text):
        message = (
            "the answer has an HTML fragment but no complete document (<html> … </html>); answer with "
            "the whole document in one ```html block, from <!doctype html> to </html>"
        )
    elif not text.strip():
        message = "the answer was empty; answer with one complete HTML document in a ```html block"
    else:
        message = (
            "the answer contains no HTML document; answer with one complete document in a ```html "
            "block, from <!doctype html> to </html>"
        )
    return Extraction(html=None, findings=[_finding(NO_HTML, message)])


def _finding(code: str, message: str) -> Finding:
    return Finding(code=code, severity="error", message=message, line=None)


def strip_reasoning(answer: str | None) -> str:
    """The answer with normalised line ends and without <think>…</think> blocks."""
    return _THINK_RE.sub("", (answer or "").replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))


def fenced_bodies(text: str) -> list[str]:
    """Bodies of ``` / ~~~ fenced blocks, in order; an unclosed last fence runs to the end."""
    bodies: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = _FENCE_OPEN_RE.match(lines[i])
        if not m:
            i += 1
            continue
        fence = m.group(1)
        close = re.compile(rf"^[ \t]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        bodies.append("\n".join(lines[i + 1 : j]))
        i = j + 1
    return bodies


def _documents(text: str) -> list[_Doc]:
    """Every document in `text`: from a doctype (or a bare <html>) to its </html>.

    A document ends at the last `</html>` that closes a line before the next document
    starts (so "… inside </html>." in trailing prose does not count), else at the last
    `</html>`, else — the model forgot it — at the last `</body>`. With none of them it is
    incomplete (truncated).
    """
    starts = _starts(text)
    docs: list[_Doc] = []
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else len(text)
        segment = text[start:stop]
        closes = list(_HTML_CLOSE_RE.finditer(segment))
        at_line_end = [m for m in closes if _LINE_END_RE.match(segment, m.end())]
        candidates = at_line_end or closes or list(_BODY_CLOSE_RE.finditer(segment))
        end_match = candidates[-1] if candidates else None
        if end_match is None:
            docs.append(_Doc(segment, complete=False))
        else:
            docs.append(_Doc(segment[: end_match.end()], complete=True))
    return docs


def _starts(text: str) -> list[int]:
    """Where documents start: a doctype, or an `<html` tag that no doctype introduces.

    Inside a document that has not closed yet, a doctype or `<html` in the middle of a line
    (a script string such as '<html>', a mention in prose) does not start a new one; at the
    start of a line it does (the earlier one was a mention, or was cut off).
    """
    marks = [(m.start(), "doctype") for m in _DOCTYPE_RE.finditer(text)]
    marks += [(m.start(), "html") for m in _HTML_OPEN_RE.finditer(text)]
    starts: list[int] = []
    awaiting_html = False  # the last start was a doctype whose <html> tag has not come yet
    for pos, kind in sorted(marks):
        if starts and kind == "html" and awaiting_html:
            awaiting_html = False
            continue
        at_line_start = not text[text.rfind("\n", 0, pos) + 1 : pos].strip()
        closed = bool(starts) and _HTML_CLOSE_RE.search(text, starts[-1], pos) is not None
        if not starts or closed or at_line_start:
            starts.append(pos)
            awaiting_html = kind == "doctype"
    return starts


def _documents_in(segment: str) -> list[_Doc]:
    """Documents in a fence body or the whole answer; a JSON answer ({"html": "…"}) is decoded first."""
    stripped = segment.strip()
    if stripped.startswith(("{", "[", '"')):
        try:
            data = json.loads(stripped)
        except ValueError:
            pass
        else:
            return [doc for s in _strings(data) for doc in _documents(s)]
    return _documents(segment)


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []
