"""What the document's JavaScript would do that a composition must not: read the wall clock,
reach the network, navigate away — and whether it listens for `hf-seek` at all.

The checks run on tokens (see jslex), so text inside strings, template literals, comments
and regexes is never mistaken for code, while the real forms are all caught:
`setTimeout(…)`, `window.setTimeout`, `globalThis['setInterval']`, `const t = setTimeout`,
`const {setTimeout: t} = window`, `eval("setTimeout(…)")`. An absolute URL in a string is
only reported when it reaches something that loads it — `img.src = …`, `setAttribute('src',
…)`, a variable that flows there, markup or CSS in the string — so a URL shown as text or
kept in a comment is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .assets import Role, UrlRef, instead_of, markup_urls, url_finding
from .codes import finding
from .css import css_urls
from .findings import Finding
from .jscode import EOF, Code, Script
from .jsflow import Context
from .jslex import Token
from .urls import classify_url, is_external_url_text, short

TIMERS = ("setTimeout", "setInterval", "requestAnimationFrame", "requestIdleCallback")
_NETWORK = {
    "fetch", "XMLHttpRequest", "WebSocket", "EventSource", "WebTransport", "RTCPeerConnection",
    "webkitRTCPeerConnection", "importScripts", "Worker", "SharedWorker",
}  # fmt: skip
_NETWORK_MEMBERS = {"sendBeacon", "serviceWorker"}
_WORKERS = {"Worker", "SharedWorker", "serviceWorker"}
_LOCATION_PROPS = {"href", "host", "hostname", "pathname", "port", "protocol", "search", "origin"}
_LOCATION_METHODS = {"assign", "replace", "reload"}
_URL_PROPS = {"src", "href", "srcset", "poster", "data", "action", "formAction", "imageSrcset"}
_PATH_PROPS = {"src", "href", "srcset", "poster", "imageSrcset"}
"""Properties where a relative path is surely a file to load (`chart.data = "Q1"` is not)."""
_CSS_PROPS = {
    "cssText", "background", "backgroundImage", "borderImage", "borderImageSource", "listStyle",
    "listStyleImage", "mask", "maskImage", "webkitMaskImage", "content", "cursor", "filter",
    "clipPath", "shapeOutside", "innerHTML", "outerHTML",
}  # fmt: skip
_URL_ATTRS = {"src", "href", "xlink:href", "srcset", "imagesrcset", "poster", "data", "action", "formaction"}
_NOT_A_REFERENCE_AFTER = {
    "function", "class", "typeof", "const", "let", "var", "get", "set", "static", "async",
    "import", "export", "as",
}  # fmt: skip
_TEXTS = ("string", "template", "template-head", "template-middle", "template-tail")
_JS_TYPES = {
    "", "text/javascript", "application/javascript", "module", "text/ecmascript",
    "application/ecmascript", "application/x-javascript", "text/x-javascript", "text/jscript",
}  # fmt: skip
_MAX_EVAL_DEPTH = 3


@dataclass
class ScriptReport:
    findings: list[Finding] = field(default_factory=list)
    seek_listener: bool = False
    """Some script adds an `hf-seek` listener on window."""
    wrong_targets: list[tuple[int, str]] = field(default_factory=list)
    """(line, receiver) of `hf-seek` listeners on something other than window."""


def check_scripts(scripts: list[Script]) -> ScriptReport:
    """Run every check over the scripts, which share one global scope (as in the page)."""
    ctx = Context()
    codes = [Code(s) for s in scripts]
    ctx.learn(codes)
    report = ScriptReport()
    for code in codes:
        _Checker(code, ctx, report).run()
    return report


class _Checker:
    def __init__(self, code: Code, ctx: Context, report: ScriptReport, depth: int = 0) -> None:
        self.code, self.ctx, self.report, self.depth = code, ctx, report, depth

    def add(self, code: str, message: str, i: int) -> None:
        self.report.findings.append(finding(code, message, self.code.line(i)))

    def _url(self, url: str, where: str, role: Role, i: int) -> None:
        if f := url_finding(url, where, role, self.code.line(i)):
            self.report.findings.append(f)

    def run(self) -> None:
        for pos, problem in self.code.script.lexed.problems:
            self.report.findings.append(
                finding(
                    "script-syntax",
                    f"{problem}, so the browser rejects the whole script; close it",
                    self.code.script.line_at(pos),
                )
            )
        for i, t in enumerate(self.code.toks):
            if t.kind == "name":
                self._name(i, t.value)
            elif t.is_punct("["):
                self._bracket(i)
            elif t.kind in _TEXTS:
                self._text(i, t)

    # -- identifiers -------------------------------------------------------------------------

    def _name(self, i: int, name: str) -> None:
        code = self.code
        member = code.tok(i - 1).is_punct(".", "?.")
        call = code.tok(i + 1).is_punct("(")
        if name in TIMERS and self._global_reference(i):
            self._timer(i, self._form(i, name))
        elif (name in _NETWORK and self._global_reference(i) and not self._inline_url_call(i)) or (
            name in _NETWORK_MEMBERS and member
        ):
            self._network(i, self._form(i, name))
        elif name == "import" and call and not member:
            self._dynamic_import(i)
        elif name == "location":
            self._location(i)
        elif name == "open" and member and self.ctx.global_ending_at(code, i - 2):
            self.add("navigation", f"`{self._form(i, name)}` opens another page; remove it", i)
        elif name in ("eval", "Function") and call and (not member or self.ctx.global_ending_at(code, i - 2)):
            self._eval(i)
        elif name == "addEventListener" and call:
            self._listener(i, member)
        elif (
            member
            and name in _URL_PROPS | _CSS_PROPS
            and code.tok(i + 1).is_punct("=", "+=")
            and not code.tok(i - 2).is_name("location")  # reported as navigation
        ):
            start = i + 2
            self._sink(
                start,
                code.expr_end(start),
                f"`.{name} = …`",
                urls=name in _URL_PROPS,
                paths=name in _PATH_PROPS,
            )
        elif member and call and name in ("setAttribute", "setAttributeNS"):
            self._set_attribute(i, ns=name == "setAttributeNS")
        elif name == "Audio" and call and code.tok(i - 1).is_name("new"):
            for start, end in code.args(i + 1)[:1]:
                self._sink(start, end, "`new Audio(…)`", urls=True)

    def _global_reference(self, i: int) -> bool:
        """Whether the name at i refers to the global of that name (not a property key, a
        declaration, a method definition or a member of some other object)."""
        code, prev, nxt = self.code, self.code.tok(i - 1), self.code.tok(i + 1)
        if prev.is_punct(".", "?."):
            return self.ctx.global_ending_at(code, i - 2)
        if prev.kind == "name" and prev.value in _NOT_A_REFERENCE_AFTER:
            return False
        if nxt.is_punct(":") and prev.is_punct("{", ","):
            brace = code.enclosing(i, "{")  # a key: only a reference when destructuring `{setTimeout: t} = …`
            return brace is not None and code.tok(code.matching(brace) + 1).is_punct("=")
        if nxt.is_punct("(") and (prev.is_punct("{", ",", ";", "}", "*") or prev is EOF):
            return not code.tok(code.matching(i + 1) + 1).is_punct("{")  # `setTimeout() {…}` is a method
        return True

    def _form(self, i: int, name: str) -> str:
        """How the code spells the reference, for the message: `setTimeout`, `window.setTimeout`."""
        if self.code.tok(i - 1).is_punct(".", "?."):
            return f"{self.code.receiver_text(i - 2)}.{name}"
        return name

    def _timer(self, i: int, form: str) -> None:
        self.add(
            "timer-call",
            f"`{form}` schedules work on the wall clock, so frames would depend on timing; draw "
            "each frame from the time in the hf-seek event (e.detail.time) instead",
            i,
        )

    def _network(self, i: int, form: str) -> None:
        if form.rsplit(".", 1)[-1] in _WORKERS:
            why = "runs code outside the page's clock (and loads it from a URL); do the work in the hf-seek handler"
        else:
            why = "reaches the network, which the renderer blocks; put the data in the document instead"
        self.add("network-api", f"`{form}` {why}", i)

    def _inline_url_call(self, i: int) -> bool:
        """`fetch("data:…")`: a call whose first argument is an inline URL reaches no network."""
        args = self.code.args(i + 1)
        if not args:
            return False
        text = self.ctx.text_of(self.code, *args[0])
        return text is not None and classify_url(text) == "inline"

    def _dynamic_import(self, i: int) -> None:
        args = self.code.args(i + 1)
        text = self.ctx.text_of(self.code, *args[0]) if args else None
        if text is None:
            self.add("network-api", "`import(…)` loads code from a URL; put the code in the document", i)
        else:
            self._url(text, "`import(…)`", "load", i)

    def _location(self, i: int) -> None:
        code = self.code
        if code.tok(i - 1).is_punct(".", "?."):
            if not self.ctx.global_ending_at(code, i - 2, frozenset({"document"})):
                return
        elif not self._global_reference(i):
            return
        form, nxt = self._form(i, "location"), code.tok(i + 1)
        if nxt.is_punct("="):
            action = f"`{form} = …`"
        elif (
            nxt.is_punct(".", "?.")
            and code.tok(i + 2).value in _LOCATION_PROPS
            and code.tok(i + 3).is_punct("=")
        ):
            action = f"`{form}.{code.tok(i + 2).value} = …`"
        elif (
            nxt.is_punct(".", "?.")
            and code.tok(i + 2).value in _LOCATION_METHODS
            and code.tok(i + 3).is_punct("(")
        ):
            action = f"`{form}.{code.tok(i + 2).value}(…)`"
        else:
            return
        self.add("navigation", f"{action} navigates away from the composition; remove it", i)

    def _eval(self, i: int) -> None:
        """Code in a string handed to eval/Function runs too: check it like any script."""
        if self.depth >= _MAX_EVAL_DEPTH:
            return
        for start, end in self.code.args(i + 1):
            text = self.ctx.text_of(self.code, start, end)
            if text:
                inner = Code(Script(text, self.code.line(start)))
                self.ctx.learn([inner])
                _Checker(inner, self.ctx, self.report, self.depth + 1).run()

    def _listener(self, i: int, member: bool) -> None:
        args = self.code.args(i + 1)
        if not args or self.ctx.text_of(self.code, *args[0]) != "hf-seek":
            return
        receiver = self.code.tok(i - 2)
        if not member or receiver.is_name("this") or self.ctx.global_ending_at(self.code, i - 2):
            self.report.seek_listener = True
        else:
            self.report.wrong_targets.append((self.code.line(i), self.code.receiver_text(i - 2)))

    # -- URLs that reach something that loads them -------------------------------------------

    def _sink(self, start: int, end: int, what: str, *, urls: bool, paths: bool | None = None) -> None:
        """Report external URLs reaching a loading property; relative file paths too when `paths`."""
        code = self.code
        for j in range(start, end):
            t = code.tok(j)
            if t.kind == "name" and t.value in self.ctx.tainted and not code.tok(j - 1).is_punct(".", "?."):
                url = self.ctx.tainted[t.value]
                self.add(
                    "external-url",
                    f"{what} is given `{t.value}`, which holds {short(url)}; that URL can never load "
                    f"(the renderer has no network): {instead_of(url)}",
                    j,
                )
            elif urls and t.kind in ("string", "template", "template-head") and is_external_url_text(t.value):
                self._url(t.value, what, "load", j)
        text = self.ctx.text_of(code, start, end)
        if (
            (urls if paths is None else paths)
            and text
            and _looks_like_path(text)
            and classify_url(text) == "relative"
        ):
            self._url(text, what, "load", start)

    def _set_attribute(self, i: int, *, ns: bool) -> None:
        args = self.code.args(i + 1)
        k = 1 if ns else 0
        if len(args) < k + 2:
            return
        attr = (self.ctx.text_of(self.code, *args[k]) or "").lower()
        if attr in _URL_ATTRS or attr == "style":
            self._sink(*args[k + 1], f"`setAttribute('{attr}', …)`", urls=attr != "style")

    # -- computed members and strings --------------------------------------------------------

    def _bracket(self, i: int) -> None:
        code = self.code
        if not code.is_member_bracket(i):
            return
        key = self.ctx.text_of(code, i + 1, code.matching(i))
        if key is None:
            return
        receiver = code.receiver_end(i)
        form = f"{code.receiver_text(receiver)}['{key}']"
        if key in TIMERS:
            self._timer(i, form)
        elif key in _NETWORK and self.ctx.global_ending_at(code, receiver):
            self._network(i, form)
        elif key == "open" and self.ctx.global_ending_at(code, receiver):
            self.add("navigation", f"`{form}` opens another page; remove it", i)

    def _text(self, i: int, t: Token) -> None:
        code = self.code
        in_member_bracket = code.tok(i - 1).is_punct("[") and code.is_member_bracket(i - 1)
        if t.value in TIMERS and not in_member_bracket and self._names_global_member(i):
            self._timer(i, f"'{t.value}'")
        for ref in _embedded_urls(t.value):
            self._url(ref.url, f"markup in a script string ({ref.where})", ref.role, i)
        if t.kind == "string" and self._is_module_specifier(i):
            self._url(t.value, "`import … from`", "load", i)

    def _names_global_member(self, i: int) -> bool:
        """A string naming a timer is a reference when the page looks globals up by name:
        `Reflect.get(window, 'setTimeout')`, or `window[name]` anywhere in the page."""
        if self.ctx.dynamic_global_access:
            return True
        paren = self.code.enclosing(i, "(")
        if paren is None:
            return False
        return any(
            self.ctx.global_ending_at(self.code, j)
            for s, e in self.code.args(paren)
            for j in range(s, e)
            if e - s == 1
        )

    def _is_module_specifier(self, i: int) -> bool:
        """`import x from "…"`, `import "…"`, `export … from "…"`."""
        prev = self.code.tok(i - 1)
        if prev.is_name("import"):
            return True
        if not prev.is_name("from"):
            return False
        for j in range(i - 2, -1, -1):
            t = self.code.tok(j)
            if t.is_punct(";"):
                return False
            if t.is_name("import", "export"):
                return True
        return False


def _embedded_urls(text: str) -> list[UrlRef]:
    """URLs in markup or CSS held in a script string (it is there to be put into the page)."""
    refs: list[UrlRef] = []
    lowered = text.lower()
    if "<" in text and "=" in text:
        refs.extend(markup_urls(text))
    elif "url(" in lowered or "@import" in lowered:
        refs.extend(UrlRef(u, "CSS url()", None, off) for off, u in css_urls(text))
    return refs


def is_js_type(type_attr: str) -> bool:
    """Whether a <script type=…> runs as JavaScript (no type, a JavaScript MIME type, or "module")."""
    return type_attr.split(";")[0].strip().lower() in _JS_TYPES


def _looks_like_path(text: str) -> bool:
    """`logo.png`, `img/a.svg`, `./x` — not a word or a sentence."""
    return bool(re.fullmatch(r"[\w./~%@+-]+(?:[?#]\S*)?", text)) and (
        "/" in text or bool(re.search(r"\.\w{2,5}$", text))
    )
