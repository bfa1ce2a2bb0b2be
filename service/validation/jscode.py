"""A script's tokens with the navigation the JavaScript checks need: brackets, expressions, calls."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from .jslex import KEYWORDS_BEFORE_EXPRESSION, Lexed, Token, is_value_end, tokenize

EOF = Token("eof", "", -1, -1)


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


class Code:
    """A script's tokens with the navigation the checks need."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.toks = script.lexed.tokens
        # Bracket structure, computed once so every lookup is O(1) even on huge minified code.
        self._match: dict[int, int] = {}
        self._parent: list[int | None] = []
        stack: list[int] = []
        for i, t in enumerate(self.toks):
            change = depth_change(t)
            if change < 0 and stack:
                self._match[stack.pop()] = i
            self._parent.append(stack[-1] if stack else None)
            if change > 0:
                stack.append(i)

    def tok(self, i: int) -> Token:
        return self.toks[i] if 0 <= i < len(self.toks) else EOF

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
            if t.is_punct(";", ",") or depth_change(t) < 0:
                return j
            if (
                j > start
                and is_value_end(self.toks[j - 1])
                and _starts_value(t)
                and self.newline_between(j - 1, j)
            ):
                return j
            j = self.matching(j) + 1 if depth_change(t) > 0 else j + 1
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
            j = self.matching(j) + 1 if depth_change(t) > 0 else j + 1
        if start < close:
            ranges.append((start, close))
        return ranges

    def is_member_bracket(self, i: int) -> bool:
        """Whether the `[` at i indexes a value (`obj[…]`) rather than opening an array literal."""
        prev = self.tok(i - 1)
        if prev.kind == "name":
            return prev.value not in KEYWORDS_BEFORE_EXPRESSION
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


def depth_change(t: Token) -> int:
    if t.kind == "punct":
        return 1 if t.value in ("(", "[", "{") else -1 if t.value in (")", "]", "}") else 0
    return 1 if t.kind == "template-head" else -1 if t.kind == "template-tail" else 0


def _starts_value(t: Token) -> bool:
    return t.kind in ("name", "number", "string", "template", "template-head", "regex")
