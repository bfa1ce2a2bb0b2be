"""What a narration is: the voice asked for, the audio made, and when each sentence is spoken."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class SpeechError(Exception):
    """Narration could not be made (unknown voice, no key, the provider failed); `str()` is one line."""


@dataclass(frozen=True)
class VoiceSpec:
    """What a storyboard's `voice` says. An empty `name` means the provider's default voice."""

    provider: str = "piper"
    name: str = "joe"
    speed: float = 1.0


@dataclass(frozen=True)
class TimedText:
    """One sentence of a narration, in seconds from the start of its clip."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Narration:
    path: Path
    """A mono 16-bit PCM WAV file in the speech cache (shared between runs: read it, never edit it)."""
    duration: float
    phrases: list[TimedText]
    """The sentences in order, timed by the samples the synthesis produced for each."""


@dataclass(frozen=True)
class VoiceInfo:
    """One line of `seekreel voices`."""

    provider: str
    name: str
    description: str
    needs_key: bool
    """True for hosted voices that need an API key."""
    available: bool
    """False when a key is needed and none is set."""
