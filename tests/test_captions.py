"""Caption cues from narration timings, and the WebVTT / SRT sidecars read back by a parser."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pysubs2
import pytest

from service.captions import CaptionFormatError, Cue, cues_from_phrases, wrap, write_captions
from service.speech import TimedText

LONG = "Rust is a systems programming language focused on safety, speed, and concurrency without a collector."


def assert_ordered(cues: list[Cue]) -> None:
    for cue in cues:
        assert cue.start < cue.end
    for before, after in pairwise(cues):
        assert before.end <= after.start


def test_short_phrases_become_one_cue_each_at_the_offset() -> None:
    phrases = [TimedText(0.0, 1.25, "Hello there."), TimedText(1.55, 3.0, "Welcome to Rust!")]
    cues = cues_from_phrases(phrases, offset=10.0, max_chars=42)
    assert cues == [Cue(10.0, 11.25, "Hello there."), Cue(11.55, 13.0, "Welcome to Rust!")]


def test_long_phrase_is_wrapped_into_cues_that_fit_and_share_its_time() -> None:
    phrase = TimedText(2.0, 8.0, LONG)
    cues = cues_from_phrases([phrase], offset=1.0, max_chars=20, max_lines=2)
    assert len(cues) > 1
    for cue in cues:
        lines = cue.text.split("\n")
        assert len(lines) <= 2 and all(len(line) <= 20 for line in lines)
    assert " ".join(c.text.replace("\n", " ") for c in cues) == LONG  # every word, in order
    assert cues[0].start == 3.0 and cues[-1].end == 9.0  # the phrase's span, no more
    assert_ordered(cues)
    for a, b in pairwise(cues):
        assert a.end == b.start  # back to back inside one phrase
    # time in proportion to characters
    chars = [len(c.text.replace("\n", "")) for c in cues]
    for cue, n in zip(cues, chars, strict=True):
        assert cue.end - cue.start == pytest.approx(6.0 * n / sum(chars), abs=0.002)


def test_cues_never_overlap_even_when_rounding_would() -> None:
    phrases = [TimedText(0.0, 1.0004, "First part."), TimedText(1.0001, 2.0, "Second part.")]
    cues = cues_from_phrases(phrases, offset=0.0, max_chars=42)
    assert_ordered(cues)
    assert [c.text for c in cues] == ["First part.", "Second part."]


def test_a_word_longer_than_a_line_gets_its_own_line() -> None:
    assert wrap("a supercalifragilistic word", 10) == ["a", "supercalifragilistic", "word"]


@pytest.mark.parametrize("suffix", [".vtt", ".srt"])
def test_sidecar_round_trip(tmp_path: Path, suffix: str) -> None:
    cues = cues_from_phrases(
        [TimedText(0.0, 1.5, "Hello there."), TimedText(1.8, 6.0, LONG)], offset=0.5, max_chars=32
    )
    path = tmp_path / f"story{suffix}"
    write_captions(cues, path)
    text = path.read_text()
    assert text.startswith("WEBVTT") == (suffix == ".vtt")
    parsed = pysubs2.load(str(path))
    assert parsed.format == suffix[1:]
    assert [(e.start, e.end, e.plaintext) for e in parsed] == [
        (round(c.start * 1000), round(c.end * 1000), c.text) for c in cues
    ]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_markup_characters_are_text(tmp_path: Path) -> None:
    cues = [Cue(0.0, 1.0, "Fish & chips <3 {yes}")]
    write_captions(cues, tmp_path / "a.vtt")
    write_captions(cues, tmp_path / "a.srt")
    assert "Fish &amp; chips &lt;3 {yes}" in (tmp_path / "a.vtt").read_text()
    assert "Fish & chips <3 {yes}" in (tmp_path / "a.srt").read_text()


def test_unknown_caption_format(tmp_path: Path) -> None:
    with pytest.raises(CaptionFormatError, match=r"captions are written as \.vtt or \.srt"):
        write_captions([Cue(0.0, 1.0, "x")], tmp_path / "story.txt")
    assert not list(tmp_path.iterdir())
