"""Narration text → sentences: the unit of synthesis, and so of caption timing."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"([.!?…]+[\"'”’)\]]*)\s+(?![a-z])")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def split_sentences(text: str) -> list[str]:
    """Sentences in order, whitespace collapsed. A sentence ends at . ! ? or … followed by space and
    not by a lower-case word (closing quotes and brackets stay with it), and at a blank line; a
    single line break is a space (hard-wrapped text reads on)."""
    marked = _SENTENCE_END.sub("\\1\n\n", _PARAGRAPH_BREAK.sub("\n\n", text.strip()))
    return [s for part in marked.split("\n\n") if (s := " ".join(part.split()))]
