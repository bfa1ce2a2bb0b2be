"""Caption sidecar files: WebVTT and SubRip, written by pysubs2."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import pysubs2

from service.files import write_atomically

from .cues import Cue

FORMATS = {".vtt": "vtt", ".srt": "srt"}


class CaptionFormatError(ValueError):
    """The output file's name does not say which caption format to write."""


def write_captions(cues: Sequence[Cue], path: Path) -> None:
    """Write `cues` as WebVTT (.vtt) or SRT (.srt), chosen by the suffix; atomically."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise CaptionFormatError(f"{path.name}: captions are written as .vtt or .srt")
    subs = pysubs2.SSAFile()
    for cue in cues:
        # WebVTT reads & and < as markup; SRT players show text as it is.
        text = html.escape(cue.text, quote=False) if fmt == "vtt" else cue.text
        event = pysubs2.SSAEvent(start=round(cue.start * 1000), end=round(cue.end * 1000))
        event.plaintext = text
        subs.append(event)
    # keep_ssa_tags: the text is plain, so '{…}' must not be read as an ASS override tag.
    data = subs.to_string(fmt, apply_styles=False, keep_ssa_tags=True)
    write_atomically(path, data.encode())
