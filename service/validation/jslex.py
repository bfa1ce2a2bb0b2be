"""A small JavaScript tokenizer: enough to tell code from strings, comments and regexes.

It reads string literals (with their escapes decoded, so `'set\\u0054imeout'` is seen as
`setTimeout`), template literals with `${…}` nesting, `//`, `/* */` and `<!--` comments,
and regex literals (by the usual heuristic on the previous token; a `/` that does not
close on its line is taken as division). It never raises: problems it is sure of
(an unterminated string, template or comment) are returned for the caller to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# kind: "name" (identifiers and keywords), "punct", "number", "string", "regex", and
# template pieces: "template" (no substitution), "template-head" (`…${),
# "template-middle" (}…${) and "template-tail" (}…`).
_TEMPLATE_OPENS_EXPR = {"template-head", "template-middle"}
_VALUE_KINDS = {"name", "number", "string", "regex", "template", "template-tail"}
KEYWORDS_BEFORE_EXPRESSION = {
    "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw",
    "case", "do", "else", "yield", "await", "extends",
}  # fmt: skip
"""Keywords after which an expression starts (so `/` opens a regex and `[` an array literal)."""

_ID_PART = r"(?:[\w$\u0080-\uffff]|\\u[0-9a-fA-F]{4}|\\u\{[0-9a-fA-F]+\})"
_IDENT_RE = re.compile(rf"(?:[a-zA-Z_$\u0080-\uffff]|\\u[0-9a-fA-F]{{4}}|\\u\{{[0-9a-fA-F]+\}}){_ID_PART}*")
_ID_ESCAPE_RE = re.compile(r"\\u(?:([0-9a-fA-F]{4})|\{([0-9a-fA-F]+)\})")
_NUMBER_RE = re.compile(
    r"0[xXoObB][0-9a-fA-F_]+n?|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?n?"
)
_PUNCT_RE = re.compile(
    r">>>=|\.\.\.|===|!==|\*\*=|<<=|>>=|>>>|&&=|\|\|=|\?\?=|=>|==|!=|<=|>=|&&|\|\||\?\?|\?\.(?!\d)"
    r"|\*\*|\+\+|--|<<|>>|[-+*/%&|^]=|[{}()\[\];,<>+\-*/%&|^!~?:=.@#]"
)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    value: str
    """Identifiers with escapes decoded; the cooked text of strings and template pieces; else the source."""
    pos: int
    """Offset of the token's first character in the script text."""
    end: int
    """Offset just past the token."""

    def is_punct(self, *texts: str) -> bool:
        return self.kind == "punct" and self.value in texts

    def is_name(self, *names: str) -> bool:
        return self.kind == "name" and self.value in names

    @property
    def is_text(self) -> bool:
        """A string literal or a template literal without substitutions: a constant text."""
        return self.kind in ("string", "template")


@dataclass
class Lexed:
    tokens: list[Token] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    """(offset, what) for syntax the browser will certainly reject."""


def tokenize(src: str) -> Lexed:
    return _Lexer(src).run()


class _Lexer:
    def __init__(self, src: str) -> None:
        self.src = src
        self.i = 0
        self.out = Lexed()
        self.braces: list[str] = []  # "{" or "${" for each open brace
        self.parens: list[bool] = []  # for each open "(": does it follow if/while/for/with?
        self.closed_control = False  # the last ")" closed a control-statement header

    def run(self) -> Lexed:
        src, n = self.src, len(self.src)
        while self.i < n:
            i, ch = self.i, src[self.i]
            if ch.isspace() or ch == "\ufeff":
                self.i += 1
            elif src.startswith("//", i) or src.startswith("<!--", i) or self._html_close_comment(i):
                end = src.find("\n", i)
                self.i = n if end < 0 else end
            elif src.startswith("/*", i):
                end = src.find("*/", i + 2)
                if end < 0:
                    self.out.problems.append((i, "a /* comment is never closed"))
                self.i = n if end < 0 else end + 2
            elif ch in "\"'":
                self._string(ch)
            elif ch == "`":
                self._template(i + 1, i, head=True)
            elif ch == "}" and self.braces and self.braces[-1] == "${":
                self.braces.pop()
                self._template(i + 1, i, head=False)
            elif ch == "/" and self._regex_allowed() and self._regex():
                pass
            elif m := _IDENT_RE.match(src, i):
                self._emit("name", _decode_ident(m.group(0)), i, m.end())
                self.i = m.end()
            elif m := _NUMBER_RE.match(src, i):
                self._emit("number", m.group(0), i, m.end())
                self.i = m.end()
            elif m := _PUNCT_RE.match(src, i):
                text = m.group(0)
                if text == "{":
                    self.braces.append("{")
                elif text == "}" and self.braces:
                    self.braces.pop()
                elif text == "(":
                    prev = self.out.tokens[-1] if self.out.tokens else None
                    self.parens.append(prev is not None and prev.is_name("if", "while", "for", "with"))
                elif text == ")":
                    self.closed_control = self.parens.pop() if self.parens else False
                self._emit("punct", text, i, m.end())
                self.i = m.end()
            else:
                self.i += 1  # a stray character; the browser will complain, the runtime check reports it
        return self.out

    def _emit(self, kind: str, value: str, pos: int, end: int) -> None:
        self.out.tokens.append(Token(kind, value, pos, end))

    def _html_close_comment(self, i: int) -> bool:
        """`-->` is a line comment when only whitespace precedes it on its line."""
        if not self.src.startswith("-->", i):
            return False
        line_start = self.src.rfind("\n", 0, i) + 1
        return not self.src[line_start:i].strip()

    def _string(self, quote: str) -> None:
        start, src, n = self.i, self.src, len(self.src)
        i = start + 1
        parts: list[str] = []
        while True:
            if i >= n or src[i] == "\n":
                self.out.problems.append((start, f"a string starting with {quote} is not closed on its line"))
                break
            ch = src[i]
            if ch == quote:
                i += 1
                break
            text, i = _char(src, i)
            parts.append(text)
        self._emit("string", "".join(parts), start, i)
        self.i = i

    def _template(self, i: int, pos: int, *, head: bool) -> None:
        src, n = self.src, len(self.src)
        parts: list[str] = []
        while i < n:
            ch = src[i]
            if ch == "`":
                self._emit("template" if head else "template-tail", "".join(parts), pos, i + 1)
                self.i = i + 1
                return
            if src.startswith("${", i):
                self._emit("template-head" if head else "template-middle", "".join(parts), pos, i + 2)
                self.braces.append("${")
                self.i = i + 2
                return
            text, i = _char(src, i)
            parts.append(text)
        self.out.problems.append((pos, "a template literal (`…`) is never closed"))
        self._emit("template" if head else "template-tail", "".join(parts), pos, n)
        self.i = n

    def _regex_allowed(self) -> bool:
        if not self.out.tokens:
            return True
        prev = self.out.tokens[-1]
        if prev.kind == "punct":
            if prev.value == ")":
                return self.closed_control  # `if (x) /re/.test(s)`
            return prev.value != "]"
        if prev.kind == "name":
            return prev.value in KEYWORDS_BEFORE_EXPRESSION
        return prev.kind in _TEMPLATE_OPENS_EXPR

    def _regex(self) -> bool:
        """Read a regex literal at self.i; False (nothing consumed) when it does not close on its line."""
        src, n, start = self.src, len(self.src), self.i
        i, in_class = start + 1, False
        while i < n:
            ch = src[i]
            if ch == "\n":
                return False
            if ch == "\\":
                i += 2
                continue
            if ch == "[":
                in_class = True
            elif ch == "]":
                in_class = False
            elif ch == "/" and not in_class:
                break
            i += 1
        else:
            return False
        i += 1
        while i < n and (src[i].isalnum() or src[i] in "_$"):
            i += 1
        self._emit("regex", src[start:i], start, i)
        self.i = i
        return True


def _char(src: str, i: int) -> tuple[str, int]:
    """One character of a string or template literal, escapes decoded; returns (text, next offset)."""
    return _escape(src, i) if src[i] == "\\" else (src[i], i + 1)


def _escape(src: str, i: int) -> tuple[str, int]:
    """Decode the escape at src[i] == '\\'; returns (text, next offset)."""
    nxt = src[i + 1 : i + 2]
    if nxt == "\n" or (nxt and nxt in "\u2028\u2029"):
        return "", i + 2
    if nxt in _SIMPLE_ESCAPES and not src[i + 2 : i + 3].isdigit():
        return _SIMPLE_ESCAPES[nxt], i + 2
    if nxt == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", src[i + 2 : i + 4]):
        return chr(int(src[i + 2 : i + 4], 16)), i + 4
    if nxt == "u":
        m = _ID_ESCAPE_RE.match(src, i)
        if m:
            code = int(m.group(1) or m.group(2), 16)
            return (chr(code) if code <= 0x10FFFF else "\ufffd"), m.end()
    return nxt, i + 2


def _decode_ident(text: str) -> str:
    if "\\" not in text:
        return text
    return _ID_ESCAPE_RE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def is_value_end(tok: Token) -> bool:
    """Whether a token can end an expression (used to find statement ends without semicolons)."""
    return tok.kind in _VALUE_KINDS or tok.is_punct(")", "]", "}", "++", "--")
