"""Narration text → sentences: the unit of synthesis, of caption timing and of `split: sentence`.

Sentences are found by pysbd (rule-based, offline), which knows that "Dr.", "e.g.", "U.S.",
"3.5" and a full stop inside quotes do not end a sentence — a caption cue reading "Dr." on
its own, or a pause after it in the voice, is what a simpler rule gives.
"""

from __future__ import annotations

import re
from functools import cache

import pysbd

_PARAGRAPH_BREAK = re.compile(r"\r?\n[ \t\r]*\n")


@cache
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def paragraphs(text: str) -> list[str]:
    """The non-empty stretches of `text` between blank lines, stripped (line breaks inside kept)."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def split_sentences(text: str) -> list[str]:
    """Sentences in order, whitespace collapsed. A blank line always ends a sentence; a single
    line break is a space (hard-wrapped text reads on)."""
    return [
        s.strip() for p in paragraphs(text) for s in _segmenter().segment(" ".join(p.split())) if s.strip()
    ]
