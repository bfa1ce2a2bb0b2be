"""Audio as numbers: any file ffmpeg decodes → float32 samples at the soundtrack's rate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from .ffmpeg import run_ffmpeg

RATE = 48_000
"""Sample rate of the soundtrack (AAC's usual rate; a whole number of samples per frame at 24,
25, 30, 50 and 60 fps)."""

Samples = npt.NDArray[np.float32]
"""Shape (samples, channels)."""


async def decode(path: Path, *, channels: int, loop_to: float | None = None) -> Samples:
    """`path` resampled to RATE with `channels` channels; `loop_to` repeats it to that many seconds."""
    loop = ["-stream_loop", "-1"] if loop_to is not None else []
    limit = ["-t", f"{loop_to:.6f}"] if loop_to is not None else []
    out, _ = await run_ffmpeg(
        [*loop, "-i", str(path), "-map", "0:a:0", *limit,
         "-ac", str(channels), "-ar", str(RATE), "-f", "f32le", "pipe:1"],
        what=f"reading the audio of {path.name}",
    )  # fmt: skip
    return np.frombuffer(out, dtype="<f4").reshape(-1, channels).astype(np.float32)


def raw(samples: Samples) -> bytes:
    """Interleaved little-endian float32, what ffmpeg reads as `-f f32le`."""
    return samples.astype("<f4").tobytes()


def raw_input(channels: int) -> list[str]:
    """ffmpeg input options for `raw()` samples on stdin."""
    return ["-f", "f32le", "-ar", str(RATE), "-ac", str(channels), "-i", "pipe:0"]
