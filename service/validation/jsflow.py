"""What a page's scripts establish for each other: constant strings, aliases of the global
object, and which variables carry an external URL (so `img.src = u` is judged by what u holds)."""

from __future__ import annotations

from .jscode import Code
from .urls import is_external_url_text

GLOBAL_OBJECTS = {"window", "self", "globalThis", "top", "parent", "frames"}
_ITERATORS = {"forEach", "map", "flatMap", "filter", "find", "findLast", "some", "every"}


class Context:
    """What the scripts establish for each other: constants, aliases of window, URL-bearing names."""

    def __init__(self) -> None:
        self.constants: dict[str, str] = {}
        self.globals: set[str] = set(GLOBAL_OBJECTS)
        self.tainted: dict[str, str] = {}
        """Variable → the external URL it holds (directly or by way of another variable)."""
        self.dynamic_global_access = False
        """Some script indexes window with a computed key (`window[name]`)."""

    def learn(self, codes: list[Code]) -> None:
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

    def _learn_one(self, code: Code) -> None:
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

    def _assignment(self, code: Code, name: str, start: int, end: int) -> None:
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

    def _for_of(self, code: Code, i: int) -> None:
        """`for (const u of urls)`: u carries what urls carries."""
        if code.tok(i).is_name("const", "let", "var"):
            i += 1
        if code.tok(i).kind == "name" and code.tok(i + 1).is_name("of"):
            url = self.external_in(code, i + 2, code.expr_end(i + 2))
            if url is not None:
                self.tainted[code.tok(i).value] = url

    def _iterator_callback(self, code: Code, i: int) -> None:
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

    def text_of(self, code: Code, start: int, end: int) -> str | None:
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

    def external_in(self, code: Code, start: int, end: int) -> str | None:
        """An external URL the expression evaluates to or carries, if any."""
        for j in range(start, end):
            t = code.tok(j)
            if t.kind in ("string", "template", "template-head") and is_external_url_text(t.value):
                return t.value
            if t.kind == "name" and t.value in self.tainted and not code.tok(j - 1).is_punct(".", "?."):
                return self.tainted[t.value]
        return None

    def global_ending_at(self, code: Code, j: int, extra: frozenset[str] = frozenset()) -> bool:
        """Whether the expression ending at token j is the global object (`window`, `self.top` …)."""
        t = code.tok(j)
        if t.is_name("defaultView") and code.tok(j - 1).is_punct(".") and code.tok(j - 2).is_name("document"):
            return True
        if t.kind != "name" or (t.value not in self.globals and t.value not in extra):
            return False
        if code.tok(j - 1).is_punct(".", "?."):
            return self.global_ending_at(code, j - 2)
        return True
