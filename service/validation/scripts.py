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

import bisect
import re
from dataclasses import dataclass, field

from .assets import Role, UrlRef, instead_of, markup_urls, url_finding
from .codes import finding
from .css import css_urls
from .findings import Finding
from .jslex import Lexed, Token, is_value_end, tokenize
from .urls import classify_url, is_url_text, short

TIMERS = ("setTimeout", "setInterval", "requestAnimationFrame", "requestIdleCallback")
_NETWORK = {
    "fetch", "XMLHttpRequest", "WebSocket", "EventSource", "WebTransport", "RTCPeerConnection",
    "webkitRTCPeerConnection", "importScripts", "Worker", "SharedWorker",
}  # fmt: skip
_NETWORK_MEMBERS = {"sendBeacon", "serviceWorker"}
_WORKERS = {"Worker", "SharedWorker", "serviceWorker"}
_GLOBAL_OBJECTS = {"window", "self", "globalThis", "top", "parent", "frames"}
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
_ITERATORS = {"forEach", "map", "flatMap", "filter", "find", "findLast", "some", "every"}
_NOT_A_REFERENCE_AFTER = {
    "function", "class", "typeof", "const", "let", "var", "get", "set", "static", "async",
    "import", "export", "as",
}  # fmt: skip
_KEYWORDS_BEFORE_EXPR = {
    "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case",
    "do", "else", "yield", "await",
}  # fmt: skip
_TEXTS = ("string", "template", "template-head", "template-middle", "template-tail")
_EOF = Token("eof", "", -1, -1)
_JS_TYPES = {
    "", "text/javascript", "application/javascript", "module", "text/ecmascript",
    "application/ecmascript", "application/x-javascript", "text/x-javascript", "text/jscript",
}  # fmt: skip
_MAX_EVAL_DEPTH = 3


@dataclass
class Script:
    """One piece of JavaScript in the document and the document line its text starts on."""

    text: str
    line: int
    lexed: Lexed = field(init=False)

    def __post_init__(self) -> None:
        self.lexed = tokenize(self.text)
        self._newlines = [i for i, ch in enumerate(self.text) if ch == "\n"]

    def line_at(self, pos: int) -> int:
        return self.line + bisect.bisect_left(self._newlines, pos)


@dataclass
class ScriptReport:
    findings: list[Finding] = field(default_factory=list)
    seek_listener: bool = False
    """Some script adds an `hf-seek` listener on window."""
    wrong_targets: list[tuple[int, str]] = field(default_factory=list)
    """(line, receiver) of `hf-seek` listeners on something other than window."""


def check_scripts(scripts: list[Script]) -> ScriptReport:
    """Run every check over the scripts, which share one global scope (as in the page)."""
    ctx = _Context()
    codes = [_Code(s) for s in scripts]
    ctx.learn(codes)
    report = ScriptReport()
    for code in codes:
        _Checker(code, ctx, report).run()
    return report


class _Code:
    """A script's tokens with the navigation the checks need."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.toks = script.lexed.tokens
        # Bracket structure, computed once so every lookup is O(1) even on huge minified code.
        self._match: dict[int, int] = {}
        self._parent: list[int | None] = []
        stack: list[int] = []
        for i, t in enumerate(self.toks):
            change = _depth_change(t)
            if change < 0 and stack:
                self._match[stack.pop()] = i
            self._parent.append(stack[-1] if stack else None)
            if change > 0:
                stack.append(i)

    def tok(self, i: int) -> Token:
        return self.toks[i] if 0 <= i < len(self.toks) else _EOF

    def line(self, i: int) -> int:
        return self.script.line_at(self.tok(i).pos)

    def matching(self, i: int) -> int:
        """Index of the bracket closing the one at i (len(toks) when it is never closed)."""
        return self._match.get(i, len(self.toks))

    def enclosing(self, i: int, opener: str) -> int | None:
        """Index of the innermost unclosed bracket before i, when it is `opener`."""
        parent = self._parent[i] if 0 <= i < len(self._parent) else None
        return parent if parent is not None and self.toks[parent].is_punct(opener) else None

    def expr_end(self, start: int) -> int:
        """End (exclusive) of the expression starting at `start`, with semicolons optional."""
        j, n = start, len(self.toks)
        while j < n:
            t = self.toks[j]
            if t.is_punct(";", ",") or _depth_change(t) < 0:
                return j
            if (
                j > start
                and is_value_end(self.toks[j - 1])
                and _starts_value(t)
                and self.newline_between(j - 1, j)
            ):
                return j
            j = self.matching(j) + 1 if _depth_change(t) > 0 else j + 1
        return n

    def newline_between(self, a: int, b: int) -> bool:
        return "\n" in self.script.text[self.tok(a).end : self.tok(b).pos]

    def args(self, open_idx: int) -> list[tuple[int, int]]:
        """Argument ranges of the call whose `(` is at open_idx."""
        if not self.tok(open_idx).is_punct("("):
            return []
        close = self.matching(open_idx)
        ranges, start, j = [], open_idx + 1, open_idx + 1
        while j < close:
            t = self.toks[j]
            if t.is_punct(","):
                ranges.append((start, j))
                start = j + 1
            j = self.matching(j) + 1 if _depth_change(t) > 0 else j + 1
        if start < close:
            ranges.append((start, close))
        return ranges

    def is_member_bracket(self, i: int) -> bool:
        """Whether the `[` at i indexes a value (`obj[…]`) rather than opening an array literal."""
        prev = self.tok(i - 1)
        if prev.kind == "name":
            return prev.value not in _KEYWORDS_BEFORE_EXPR
        return prev.is_punct(")", "]", "?.") or prev.kind in ("string", "template", "template-tail")

    def receiver_end(self, bracket: int) -> int:
        """Index of the last token of the object being indexed by the `[` at `bracket`."""
        return bracket - 2 if self.tok(bracket - 1).is_punct("?.") else bracket - 1

    def receiver_text(self, j: int) -> str:
        """Source-like text of a dotted name ending at token j, e.g. `document.body`."""
        parts: list[str] = []
        while self.tok(j).kind == "name":
            parts.insert(0, self.tok(j).value)
            if not self.tok(j - 1).is_punct(".", "?."):
                break
            j -= 2
        return ".".join(parts) or "an element"


class _Context:
    """What the scripts establish for each other: constants, aliases of window, URL-bearing names."""

    def __init__(self) -> None:
        self.constants: dict[str, str] = {}
        self.globals: set[str] = set(_GLOBAL_OBJECTS)
        self.tainted: dict[str, str] = {}
        """Variable → the external URL it holds (directly or by way of another variable)."""
        self.dynamic_global_access = False
        """Some script indexes window with a computed key (`window[name]`)."""

    def learn(self, codes: list[_Code]) -> None:
        for _ in range(5):  # names feed each other across scripts; a few rounds reach the fixpoint
            before = (len(self.constants), len(self.globals), len(self.tainted), self.dynamic_global_access)
            for code in codes:
                self._learn_one(code)
            if before == (
                len(self.constants),
                len(self.globals),
                len(self.tainted),
                self.dynamic_global_access,
            ):
                return

    def _learn_one(self, code: _Code) -> None:
        for i, t in enumerate(code.toks):
            if t.kind == "name" and code.tok(i + 1).is_punct("=") and not code.tok(i - 1).is_punct(".", "?."):
                self._assignment(code, t.value, i + 2, code.expr_end(i + 2))
            elif t.is_name("for") and code.tok(i + 1).is_punct("("):
                self._for_of(code, i + 2)
            elif t.kind == "name" and t.value in _ITERATORS and code.tok(i - 1).is_punct(".", "?."):
                self._iterator_callback(code, i)
            elif (
                t.is_punct("[")
                and code.is_member_bracket(i)
                and self.text_of(code, i + 1, code.matching(i)) is None
                and self.global_ending_at(code, code.receiver_end(i))
            ):
                self.dynamic_global_access = True

    def _assignment(self, code: _Code, name: str, start: int, end: int) -> None:
        text = self.text_of(code, start, end)
        if text is not None:
            self.constants[name] = text
        if end - start == 1 and code.tok(start).kind == "name" and code.tok(start).value in self.globals:
            self.globals.add(name)
        if (
            end - start == 3
            and code.tok(start).is_name("document")
            and code.tok(start + 2).is_name("defaultView")
        ):
            self.globals.add(name)
        if (url := self.external_in(code, start, end)) is not None:
            self.tainted[name] = url

    def _for_of(self, code: _Code, i: int) -> None:
        """`for (const u of urls)`: u carries what urls carries."""
        if code.tok(i).is_name("const", "let", "var"):
            i += 1
        if code.tok(i).kind == "name" and code.tok(i + 1).is_name("of"):
            url = self.external_in(code, i + 2, code.expr_end(i + 2))
            if url is not None:
                self.tainted[code.tok(i).value] = url

    def _iterator_callback(self, code: _Code, i: int) -> None:
        """`urls.forEach(u => …)`: u carries what urls carries."""
        if (url := self.tainted.get(code.tok(i - 2).value)) is None or not code.tok(i + 1).is_punct("("):
            return
        j = i + 2
        if code.tok(j).is_name("function", "async"):
            j += 1 + code.tok(j + 1).is_name("function")
        if code.tok(j).is_punct("("):
            j += 1
        if code.tok(j).kind == "name":
            self.tainted[code.tok(j).value] = url

    def text_of(self, code: _Code, start: int, end: int) -> str | None:
        """The constant text of an expression made of string literals, constants and `+`."""
        if end <= start:
            return None
        parts: list[str] = []
        for j in range(start, end):
            t = code.tok(j)
            if (j - start) % 2:
                if not t.is_punct("+"):
                    return None
            elif t.is_text:
                parts.append(t.value)
            elif (
                t.kind == "name"
                and t.value in self.constants
                and not code.tok(j + 1).is_punct(".", "?.", "[")
            ):
                parts.append(self.constants[t.value])
            else:
                return None
        return "".join(parts) if (end - start) % 2 else None

    def external_in(self, code: _Code, start: int, end: int) -> str | None:
        """An external URL the expression evaluates to or carries, if any."""
        for j in range(start, end):
            t = code.tok(j)
            if t.kind in ("string", "template", "template-head") and _is_external(t.value):
                return t.value
            if t.kind == "name" and t.value in self.tainted and not code.tok(j - 1).is_punct(".", "?."):
                return self.tainted[t.value]
        return None

    def global_ending_at(self, code: _Code, j: int, extra: frozenset[str] = frozenset()) -> bool:
        """Whether the expression ending at token j is the global object (`window`, `self.top` …)."""
        t = code.tok(j)
        if t.is_name("defaultView") and code.tok(j - 1).is_punct(".") and code.tok(j - 2).is_name("document"):
            return True
        if t.kind != "name" or (t.value not in self.globals and t.value not in extra):
            return False
        if code.tok(j - 1).is_punct(".", "?."):
            return self.global_ending_at(code, j - 2)
        return True


class _Checker:
    def __init__(self, code: _Code, ctx: _Context, report: ScriptReport, depth: int = 0) -> None:
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
        if nxt.is_punct("(") and (prev.is_punct("{", ",", ";", "}", "*") or prev is _EOF):
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
                inner = _Code(Script(text, self.code.line(start)))
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
            elif urls and t.kind in ("string", "template", "template-head") and _is_external(t.value):
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


def _is_external(text: str) -> bool:
    return is_url_text(text) and classify_url(text) == "external"


def _depth_change(t: Token) -> int:
    if t.kind == "punct":
        return 1 if t.value in ("(", "[", "{") else -1 if t.value in (")", "]", "}") else 0
    return 1 if t.kind == "template-head" else -1 if t.kind == "template-tail" else 0


def _starts_value(t: Token) -> bool:
    return t.kind in ("name", "number", "string", "template", "template-head", "regex")
