"""Captions: narration timings → cues (for the picture and for sidecar files) → .vtt / .srt.

from service.captions import cues_from_phrases, write_captions
cues = cues_from_phrases(narration.phrases, offset=scene_start, max_chars=42)
write_captions(cues, Path("story.vtt"))
"""

from .cues import Cue, cues_from_phrases, wrap
from .files import FORMATS, CaptionFormatError, write_captions

__all__ = ["FORMATS", "CaptionFormatError", "Cue", "cues_from_phrases", "wrap", "write_captions"]
