"""Text helpers for reading prompts: quoted strings, number words, people's names, lists and
the values people write ("$1.2M", "73%", "10,000").

Quoted strings are masked as «N» tokens before anything else is read, so a title like
'Blue Monday' never turns the background blue and commas inside it never split a list.
"""

from __future__ import annotations

import re

NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
    "a": 1, "an": 1, "single": 1, "half": 0,
}  # fmt: skip
NUMBER_WORD_RE = "|".join(sorted((w for w in NUMBER_WORDS if len(w) > 2), key=len, reverse=True))

_QUOTE_RE = re.compile(
    r'"([^"\n]{1,500})"'
    r"|“([^”\n]{1,500})”"
    r"|‘([^’\n]{1,500})’"
    r"|«([^»\n]{1,500})»"
    r"|(?<![\w])'([^'\n]{1,500}?)'(?![\w])"
)
TOKEN_RE = re.compile(r"«(\d+)»")

_HONORIFIC = r"(?:(?:Dr|Mr|Mrs|Ms|Mx|Prof|Sir|Dame|Rev|Capt|Chef)\.?\s+)"
_PARTICLE = r"(?:de|da|del|della|di|du|van|von|der|den|le|la|bin|ibn|al|y)"
_CAP_WORD = r"(?:[A-Z][\w'’\-]*|[A-Z]\.)"
NAME_RE = re.compile(rf"{_HONORIFIC}?{_CAP_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_CAP_WORD}){{0,4}}")
_NAME_STOP = {
    "and", "with", "for", "in", "on", "at", "the", "a", "an", "who", "that", "as", "of", "to",
    "from", "by", "episode", "ep", "dark", "light", "background", "accent", "plus", "then",
}  # fmt: skip
_NOT_NAMES = {
    "Dark", "Light", "Background", "Episode", "Make", "Use", "With", "The", "A", "An", "Add",
    "Show", "Vertical", "Square", "Portrait", "Landscape", "Orange", "Blue", "Red", "Green",
}  # fmt: skip

_TITLE_SMALL = r"(?:of|the|by|and|&|a|an|in|on|for|to|at|de|la|le|von|van)"
_TITLE_RE = re.compile(rf"{_CAP_WORD}(?:\s+(?:{_TITLE_SMALL}\s+)*{_CAP_WORD})*")

NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
"""12, 12.5, 10,000 — a comma only as a thousands separator, so "30, 45" stays two numbers."""
MAGNITUDE = r"(?:k|m|bn|b|million|billion|thousand|trillion)"
VALUE_TOKEN = rf"[$€£¥]?\s?-?{NUMBER}\s?(?:%|{MAGNITUDE})?\+?"
"""One written value: '$1.2M', '45 %', '3 million', '10,000+'."""

VALUE_RE = re.compile(
    rf"(?<![\w.#$€£¥])("
    rf"[$€£¥]\s?{NUMBER}(?:\s?{MAGNITUDE}\b)?\+?"
    rf"|{NUMBER}\s?(?:%|percent\b)"
    rf"|{NUMBER}\s?(?:k|m|bn|b|x)\b\+?"
    rf"|{NUMBER}\s(?:million|billion|thousand|trillion)\b\+?"
    rf"|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?\+?"
    rf"|\d+(?:\.\d+)?\+?"
    rf")"
)


class Masked:
    """A prompt with its quoted strings replaced by «N» tokens, and the way back."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.quotes: list[str] = []

        def keep(m: re.Match[str]) -> str:
            inner = next(g for g in m.groups() if g is not None).strip()
            self.quotes.append(inner)
            return f"«{len(self.quotes) - 1}»"

        self.text = _QUOTE_RE.sub(keep, text)

    def unmask(self, s: str) -> str:
        return TOKEN_RE.sub(lambda m: self.quotes[int(m.group(1))], s)

    def blank(self, start: int, end: int) -> None:
        """Remove a span that has been read (kept the same length so positions stay valid)."""
        self.text = self.text[:start] + " " * (end - start) + self.text[end:]


def word_number(word: str) -> float | None:
    """'6' → 6, 'six' → 6, '2.5' → 2.5; None if it is neither."""
    word = word.lower().strip()
    try:
        return float(word)
    except ValueError:
        return float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else None


def name_at(text: str, pos: int, *, allow_lower: bool = False) -> tuple[str, int] | None:
    """A person's name starting at `pos` (a «N» token, capitalised words, or — when allowed —
    up to three lower-case words), with where it ends."""
    rest = text[pos:]
    m = TOKEN_RE.match(rest)
    if m:
        return m.group(0), pos + m.end()
    m = NAME_RE.match(rest)
    if m:
        words = m.group(0).split()
        while words and words[-1].lower() in _NAME_STOP | {"de", "da", "van", "von", "le", "la"}:
            words.pop()
        if words and words[0] not in _NOT_NAMES:
            name = " ".join(words)
            return name, pos + len(name)
    if allow_lower:
        m = re.match(r"[a-z][\w'’\-]*(?:\s+[a-z][\w'’\-]*){0,2}", rest)
        if m:
            words = []
            for w in m.group(0).split():
                if w in _NAME_STOP:
                    break
                words.append(w)
            if words:
                return " ".join(w[:1].upper() + w[1:] for w in words), pos + len(" ".join(words))
    return None


def title_at(text: str, pos: int) -> str | None:
    """A title starting at `pos`: a «N» token or a run of capitalised words with the small words
    titles keep between them ('Frame by Frame', 'Lord of the Rings')."""
    m = TOKEN_RE.match(text, pos) or _TITLE_RE.match(text, pos)
    if not m or m.group(0).split()[0] in _NOT_NAMES - {"The", "A", "An"}:
        return None
    return m.group(0)


def clause_after(text: str, pos: int, *, stops: str = "") -> tuple[str, int]:
    """The words from `pos` to the end of the clause (punctuation or a stop word)."""
    stop_words = r"with|and|featuring|hosted|presented|starring|for|episode|ep\.?|in\s+(?:a|an)|on\s+(?:a|an)"
    if stops:
        stop_words = f"{stop_words}|{stops}"
    m = re.compile(rf"(.+?)(?=\s*(?:[,;:!?\n]|\.(?:\s|$)|\s(?:{stop_words})\b)|\s*$)", re.I).match(text, pos)
    if not m:
        return "", pos
    return m.group(1).strip(), m.end(1)


def split_items(segment: str) -> list[str]:
    """'a, b and c' / 'a, b or c' / 'a; b; c' / 'a • b' / 'a | b' → ['a', 'b', 'c'] (trailing 'etc.' dropped)."""
    segment = segment.strip().rstrip(".")
    if re.search(r"[;|•]", segment):
        parts = re.split(r"\s*[;|•]\s*", segment)
    elif "," in segment:
        parts = [p.strip() for p in re.split(r"\s*,\s*", segment) if p.strip()] or [""]
        last = re.sub(r"^(?:and|&|or)\s+", "", parts[-1])
        parts[-1:] = re.split(r"\s+(?:and|&|or)\s+", last, maxsplit=1)
    else:
        parts = re.split(r"\s+(?:and|&|or)\s+", segment)
    items = [re.sub(r"^(?:and|&|or)\s+", "", p).strip(" .") for p in parts]
    return [i for i in items if i and i.lower() not in ("etc", "etc.", "and more")]


def sentence_case(s: str) -> str:
    s = s.strip()
    return s[:1].upper() + s[1:] if s else s
