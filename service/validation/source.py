"""Positions in the document: offsets to 1-based lines, and where a tag's parts start.

BeautifulSoup's `html.parser` tree builder records each tag's line and column, which
is why the validator uses it (lxml records no columns). Everything here works on the
newline-normalised text the browser itself sees.
"""

from __future__ import annotations

import bisect
import re

from bs4 import Tag


def normalize(html: str) -> str:
    """Strip a byte-order mark and normalise line ends to "\\n", as an HTML parser does."""
    return html.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


class Source:
    """The document text with fast offset → line lookup."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._line_starts, max(0, offset))

    def offset_of(self, line: int, column: int) -> int:
        return self._line_starts[min(max(line, 1), len(self._line_starts)) - 1] + column

    def tag_start(self, tag: Tag) -> int | None:
        """Offset of the tag's `<`, or None when the tree builder gave no position."""
        if tag.sourceline is None or tag.sourcepos is None:
            return None
        return self.offset_of(tag.sourceline, tag.sourcepos)

    def tag_end(self, tag: Tag) -> int | None:
        """Offset just past the start tag's `>` (quoted attribute values may contain `>`)."""
        start = self.tag_start(tag)
        if start is None:
            return None
        quote: str | None = None
        for i in range(start + 1, len(self.text)):
            ch = self.text[i]
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "\"'" and self.text[i - 1] in "= \t\n":
                quote = ch
            elif ch == ">":
                return i + 1
        return len(self.text)

    def attr_line(self, tag: Tag, name: str) -> int | None:
        """The line of attribute `name` inside a (possibly multi-line) start tag."""
        start, end = self.tag_start(tag), self.tag_end(tag)
        if start is None or end is None:
            return tag.sourceline
        raw = self.text[start:end]
        m = re.search(rf"(?<![\w:-]){re.escape(name)}\s*(=|[\s/>])", raw, re.IGNORECASE)
        return self.line_of(start + (m.start() if m else 0))
