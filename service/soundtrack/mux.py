"""The rendered video + the soundtrack → one MP4: video copied as it is, audio in AAC.

The audio is cut or padded with silence to the video's exact length (its last frame's end,
read from the packet timestamps), so both streams end on the same frame. Every setting that
could make the bytes depend on the run is pinned, as for the video: ffmpeg's native AAC
encoder at a fixed bitrate, bit-exact flags, no metadata, no creation time.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from service.files import atomic_path

from .ffmpeg import SoundtrackError, run_ffmpeg
from .pcm import RATE

AAC_BITRATE = "160k"


async def mux(video: Path, audio: Path, out: Path) -> None:
    """Write `video` with `audio` as its sound track to `out` (MP4, +faststart), atomically."""
    samples = round(await video_end(video) * RATE)
    with atomic_path(out) as tmp:
        await run_ffmpeg(
            ["-i", str(video), "-i", str(audio), "-map", "0:v:0", "-map", "1:a:0",
             "-c:v", "copy",
             "-af", f"apad=whole_len={samples},atrim=end_sample={samples}",
             "-c:a", "aac", "-b:a", AAC_BITRATE, "-ar", str(RATE), "-ac", "2",
             "-fflags", "+bitexact", "-flags:a", "+bitexact", "-flags:v", "+bitexact",
             "-map_metadata", "-1", "-map_chapters", "-1",
             "-movflags", "+faststart", "-f", "mp4", str(tmp)],
            what="adding the sound to the video",
        )  # fmt: skip


async def video_end(video: Path) -> Fraction:
    """When the first video stream's last frame ends, in seconds, from its packets (no decoding)."""
    listing, _ = await run_ffmpeg(
        ["-i", str(video), "-map", "0:v:0", "-c", "copy", "-f", "framecrc", "pipe:1"],
        what=f"reading the frames of {video.name}",
    )
    text = listing.decode()
    base = re.search(r"^#tb 0: (\d+)/(\d+)$", text, re.M)
    ends = [int(m[1]) + int(m[2]) for m in re.finditer(r"^0,\s*-?\d+,\s*(-?\d+),\s*(\d+),", text, re.M)]
    if base is None or not ends:
        raise SoundtrackError(f"{video.name} has no video frames")
    return max(ends) * Fraction(int(base[1]), int(base[2]))
