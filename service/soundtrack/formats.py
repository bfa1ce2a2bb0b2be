"""How the soundtrack is stored: 16-bit PCM WAV, or AAC in MP4 (.m4a) ready to be copied into
the video as it is. Every setting that could make the bytes depend on the run is pinned, as
for the video: ffmpeg's native AAC encoder at a fixed bitrate, bit-exact flags, no metadata."""

from __future__ import annotations

from pathlib import Path

from .pcm import RATE

AAC_BITRATE = "160k"
AAC = ["-c:a", "aac", "-b:a", AAC_BITRATE, "-ar", str(RATE), "-ac", "2"]
BITEXACT = ["-fflags", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1"]


def encoding(out: Path) -> list[str]:
    """ffmpeg output options for `out`: AAC in MP4 for `.m4a`, PCM WAV for anything else."""
    if out.suffix.lower() == ".m4a":
        return [*AAC, *BITEXACT, "-f", "mp4"]
    return ["-c:a", "pcm_s16le", "-ar", str(RATE), *BITEXACT, "-f", "wav"]
