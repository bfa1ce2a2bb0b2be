"""Timed sentences → caption cues that fit the screen.

A sentence too long for one cue is wrapped word by word into lines of at most `max_chars`
and the lines grouped `max_lines` to a cue; the sentence's time is shared between its cues
in proportion to their characters (speech runs at a roughly even rate of characters).
Cues never overlap and stay in order, also after rounding to the millisecond that caption
files keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.speech import TimedText


@dataclass(frozen=True)
class Cue:
    """Seconds from the start of the video; `text` has one line per row, joined by '\\n'."""

    start: float
    end: float
    text: str


def cues_from_phrases(
    phrases: Sequence[TimedText], *, offset: float, max_chars: int, max_lines: int = 2
) -> list[Cue]:
    """Cues for `phrases` (times relative to their clip) placed `offset` seconds into the video."""
    cues: list[Cue] = []
    for phrase in phrases:
        lines = wrap(phrase.text, max_chars)
        blocks = [lines[i : i + max_lines] for i in range(0, len(lines), max_lines)]
        weights = [sum(map(len, block)) for block in blocks]
        total = sum(weights) or 1
        span = phrase.end - phrase.start
        done = 0
        for block, weight in zip(blocks, weights, strict=True):
            start = _ms(offset + phrase.start + span * done / total)
            done += weight
            end = _ms(offset + phrase.start + span * done / total)
            if cues:
                start = max(start, cues[-1].end)
            if end > start:
                cues.append(Cue(start, end, "\n".join(block)))
    return cues


def wrap(text: str, max_chars: int) -> list[str]:
    """Words into lines of at most `max_chars` (a longer word gets a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _ms(seconds: float) -> float:
    return round(seconds, 3)
