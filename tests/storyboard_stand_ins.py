"""TEST STAND-INS for the packages the storyboard pipeline is built from (speech, captions,
soundtrack, backgrounds, safe_fetch), with the names of the written interface.

They exist only until those packages are merged; then the integration tests switch to
`real_parts()`. Each does the least that lets the pipeline be exercised for real around it:
a "narration" is a sine tone as long as the words would take, a background is a colour
or a local picture copied into the assets folder, the soundtrack is mixed and muxed by ffmpeg.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from sandbox.encode import ffmpeg_exe
from service.storyboards import Parts

SECONDS_PER_WORD = 0.25
RATE = 16_000


def _module(name: str, **members: Any) -> ModuleType:
    module = ModuleType(f"stand_in_{name}")
    module.__dict__.update(members)
    return module


# speech -------------------------------------------------------------------------------


class SpeechError(Exception):
    pass


@dataclass(frozen=True)
class VoiceSpec:
    provider: str = "piper"
    name: str = "joe"
    speed: float = 1.0


@dataclass(frozen=True)
class TimedText:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Narration:
    path: Path
    duration: float
    phrases: list[TimedText]


def sine_wav(path: Path, seconds: float, hz: float = 440.0) -> Path:
    frames = round(seconds * RATE)
    samples = (round(8000 * math.sin(2 * math.pi * hz * i / RATE)) for i in range(frames))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(s.to_bytes(2, "little", signed=True) for s in samples))
    return path


def speech_stand_in(
    cache: Path, *, fail_on: str | None = None, seconds_per_word: float = SECONDS_PER_WORD
) -> ModuleType:
    """`synthesize` gives a tone of `seconds_per_word` per word, one phrase per sentence;
    text containing `fail_on` raises SpeechError."""
    cache.mkdir(parents=True, exist_ok=True)

    async def synthesize(text: str, voice: VoiceSpec, *, settings: Any) -> Narration:
        if fail_on is not None and fail_on in text:
            raise SpeechError(f"unknown voice {voice.name!r} for this text")
        sentences = [s.strip() + "." for s in text.split(".") if s.strip()]
        phrases, at = [], 0.0
        for sentence in sentences:
            seconds = len(sentence.split()) * seconds_per_word / voice.speed
            phrases.append(TimedText(round(at, 3), round(at + seconds, 3), sentence))
            at += seconds
        path = sine_wav(cache / f"n{abs(hash(text))}.wav", at)
        return Narration(path, at, phrases)

    return _module("speech", SpeechError=SpeechError, VoiceSpec=VoiceSpec, synthesize=synthesize)


# captions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def cues_from_phrases(
    phrases: Sequence[TimedText], *, offset: float, max_chars: int, max_lines: int = 2
) -> list[Cue]:
    return [Cue(offset + p.start, offset + p.end, p.text) for p in phrases]


def write_captions(cues: Sequence[Cue], path: Path) -> None:
    def stamp(s: float) -> str:
        return f"{int(s // 3600):02d}:{int(s % 3600 // 60):02d}:{s % 60:06.3f}"

    body = "".join(f"{stamp(c.start)} --> {stamp(c.end)}\n{c.text}\n\n" for c in cues)
    path.write_text("WEBVTT\n\n" + body, encoding="utf-8")


# soundtrack ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacedClip:
    path: Path
    start: float


@dataclass(frozen=True)
class MusicBed:
    path: Path
    volume: float = 0.15


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


async def mix_soundtrack(
    clips: Sequence[PlacedClip], duration: float, out: Path, *, music: MusicBed | None = None
) -> Path:
    inputs = [a for c in clips for a in ("-i", str(c.path))]
    delays = "".join(f"[{i}]adelay={round(c.start * 1000)}:all=1[d{i}];" for i, c in enumerate(clips))
    mix = "".join(f"[d{i}]" for i in range(len(clips)))
    graph = f"{delays}{mix}amix=inputs={len(clips)}:normalize=0,apad,atrim=0:{duration}[a]"
    _ffmpeg(*inputs, "-filter_complex", graph, "-map", "[a]", "-c:a", "aac", str(out))
    return out


async def mux(video: Path, audio: Path, out: Path) -> None:
    _ffmpeg("-i", str(video), "-i", str(audio), "-map", "0:v", "-map", "1:a", "-c", "copy", str(out))


# backgrounds and safe_fetch -----------------------------------------------------------


class FetchRefused(Exception):
    pass


@dataclass(frozen=True)
class PreparedBackground:
    kind: str
    color: str | None = None
    css: str | None = None
    files: list[str] = field(default_factory=list)
    frame_duration: float | None = None
    width: int | None = None
    height: int | None = None
    fit: str = "cover"
    pan_zoom: bool = False
    warnings: list[str] = field(default_factory=list)
    credit: str | None = None


async def fetch_url(url: str, *, settings: Any, max_bytes: int | None = None) -> Any:
    raise FetchRefused(f"{url}: no network in tests")


async def prepare_background(
    spec: Any,
    *,
    scene_index: int,
    scene_text: str,
    duration: float,
    assets_dir: Path,
    palette: Sequence[str],
    settings: Any,
    base_dir: Path | None,
    scene_label: str | None = None,
    aspect: str = "16:9",
) -> PreparedBackground:
    """colour → colour; a local picture → copied in; frames given as 'a.png|b.png' → frames; else a fallback."""
    if spec.color:
        return PreparedBackground("color", color=spec.color)
    if spec.src and base_dir is not None:
        names = []
        for k, part in enumerate(spec.src.split("|")):
            name = f"scene{scene_index}-{k:03d}{Path(part).suffix}"
            shutil.copyfile(base_dir / part, assets_dir / name)
            names.append(name)
        kind = "frames" if len(names) > 1 else "image"
        return PreparedBackground(
            kind,
            files=names,
            frame_duration=0.25 if len(names) > 1 else None,
            fit=spec.fit,
            pan_zoom=spec.pan_zoom,
            credit=f"{spec.src} by the test suite",
        )
    warning = f"{scene_label}: no media search configured; used a colour background"
    return PreparedBackground("color", color=palette[scene_index % len(palette)], warnings=[warning])


def stand_in_parts(
    tmp: Path, *, fail_speech_on: str | None = None, seconds_per_word: float = SECONDS_PER_WORD
) -> Parts:
    return Parts(
        speech=speech_stand_in(
            tmp / "speech-cache", fail_on=fail_speech_on, seconds_per_word=seconds_per_word
        ),
        captions=_module(
            "captions", Cue=Cue, cues_from_phrases=cues_from_phrases, write_captions=write_captions
        ),
        soundtrack=_module(
            "soundtrack", PlacedClip=PlacedClip, MusicBed=MusicBed, mix_soundtrack=mix_soundtrack, mux=mux
        ),
        backgrounds=_module(
            "backgrounds", PreparedBackground=PreparedBackground, prepare_background=prepare_background
        ),
        safe_fetch=_module("safe_fetch", FetchRefused=FetchRefused, fetch_url=fetch_url),
    )
