"""The packages a storyboard video is made with, reached only through their interface names.

speech (narration), captions (cues, sidecars), soundtrack (mix, mux), backgrounds and
safe_fetch are built to one written interface; the pipeline calls them as
`parts.speech.synthesize(…)` and so on, so tests can hand it stand-ins with the same names
and everything else uses `real_parts()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Parts:
    speech: ModuleType
    captions: ModuleType
    soundtrack: ModuleType
    backgrounds: ModuleType
    safe_fetch: ModuleType


def real_parts() -> Parts:
    from service import backgrounds, captions, safe_fetch, soundtrack, speech

    return Parts(speech, captions, soundtrack, backgrounds, safe_fetch)
