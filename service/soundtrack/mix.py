"""Narration clips at their offsets + an optional music bed → one normalised stereo WAV.

Built as numbers (numpy) rather than an ffmpeg filter graph: each clip lands on the exact
sample of its offset, and the music's gain — fades and ducking under the voice — is one
envelope computed from where the clips are, so the same inputs give the same samples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from service.files import atomic_path

from .formats import encoding
from .loudness import write_normalised
from .pcm import RATE, Samples, decode

FADE_SECONDS = 1.5
"""Music fades in at the start and out at the end (at most a quarter of the video each)."""
DUCK_GAIN = 0.3
"""Music gain under the voice (−10.5 dB), relative to its volume between narrations."""
DUCK_RAMP_SECONDS = 0.3
"""The music dips over this time before a clip starts and rises over it after one ends;
gaps between clips shorter than two ramps stay ducked."""


@dataclass(frozen=True)
class PlacedClip:
    path: Path
    start: float
    """Seconds into the video."""


@dataclass(frozen=True)
class MusicBed:
    path: Path
    """Any audio file ffmpeg reads (mp3, ogg, wav, m4a …); looped to the video's length."""
    volume: float = 0.15
    """Gain of the music where no one speaks, before loudness normalisation."""


async def mix_soundtrack(
    clips: Sequence[PlacedClip], duration: float, out: Path, *, music: MusicBed | None = None
) -> Path:
    """Write the soundtrack of a `duration`-second video to `out` (stereo, 48 kHz, about −16 LUFS):
    16-bit WAV, or AAC when `out` ends in `.m4a` — then `mux` copies it into a video of that
    length as it is. Clips reaching past the end are cut there. Written atomically."""
    length = round(duration * RATE)
    voice = np.zeros(length, dtype=np.float32)
    spans: list[tuple[int, int]] = []
    for clip in clips:
        samples = (await decode(clip.path, channels=1))[:, 0]
        at = round(clip.start * RATE)
        piece = samples[: max(0, length - at)]
        voice[at : at + len(piece)] += piece
        spans.append((at, at + len(piece)))
    mix: Samples = np.repeat(voice[:, None], 2, axis=1)
    if music is not None:
        bed = (await decode(music.path, channels=2, loop_to=duration))[:length]
        gain = music.volume * fades(length) * ducking(spans, length)
        mix[: len(bed)] += bed * gain[: len(bed), None]
    with atomic_path(out) as tmp:
        await write_normalised(mix, tmp, encoding(out))
    return out


def fades(length: int) -> Samples:
    """0 → 1 over the fade at the start, 1 → 0 over it at the end."""
    fade = min(FADE_SECONDS * RATE, length / 4)
    return _envelope([0, fade, length - fade, length], [0.0, 1.0, 1.0, 0.0], length)


def ducking(spans: Sequence[tuple[int, int]], length: int) -> Samples:
    """1 where no one speaks, DUCK_GAIN under the clips, with linear ramps between."""
    ramp = DUCK_RAMP_SECONDS * RATE
    merged: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start - merged[-1][1] <= 2 * ramp:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    if not merged:
        return np.ones(length, dtype=np.float32)
    xs: list[float] = []
    ys: list[float] = []
    for start, end in merged:
        xs += [start - ramp, start, end, end + ramp]
        ys += [1.0, DUCK_GAIN, DUCK_GAIN, 1.0]
    return _envelope(xs, ys, length)


def _envelope(xs: Sequence[float], ys: Sequence[float], length: int) -> Samples:
    """Piecewise-linear gain through the points (sample index, gain), one value per sample;
    flat beyond the first and last point."""
    return np.interp(np.arange(length), xs, ys).astype(np.float32)
