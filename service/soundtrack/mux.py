"""The rendered video + the soundtrack → one MP4: video copied as it is, audio in AAC.

The audio ends where the video's last frame ends (read from the packet timestamps), so both
streams end on the same frame. A soundtrack that is already AAC of exactly that length (what
`mix_soundtrack` writes to a `.m4a`, while the picture is still rendering) is copied too, so
muxing costs next to nothing; any other audio is encoded, cut or padded with silence to that
length. Deterministic either way: pinned encoder settings (`formats`), bit-exact flags, no
metadata, no creation time.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from service.files import atomic_path

from .ffmpeg import SoundtrackError, run_ffmpeg
from .formats import AAC, BITEXACT
from .pcm import RATE


async def mux(video: Path, audio: Path, out: Path) -> None:
    """Write `video` with `audio` as its sound track to `out` (MP4, +faststart), atomically."""
    _, end = await stream_end(video, "v")
    samples = round(end * RATE)
    codec, audio_end = await stream_end(audio, "a")
    if codec == "aac" and round(audio_end * RATE) == samples:
        sound = ["-c:a", "copy"]
    else:
        sound = ["-af", f"apad=whole_len={samples},atrim=end_sample={samples}", *AAC]
    with atomic_path(out) as tmp:
        await run_ffmpeg(
            ["-i", str(video), "-i", str(audio), "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", *sound,
             *BITEXACT, "-flags:v", "+bitexact", "-map_chapters", "-1", "-movflags", "+faststart",
             "-f", "mp4", str(tmp)],
            what="adding the sound to the video",
        )  # fmt: skip


async def extract_audio(video: Path, out: Path) -> None:
    """The MP4's audio track stream-copied (bit-exact, no re-encode) into an .m4a, atomically."""
    with atomic_path(out) as tmp:
        await run_ffmpeg(
            ["-i", str(video), "-map", "0:a:0", "-c", "copy", *BITEXACT, "-f", "ipod", str(tmp)],
            what="copying the soundtrack out",
        )


async def stream_end(path: Path, kind: str) -> tuple[str, Fraction]:
    """The codec of the first video ('v') or audio ('a') stream and when it ends, in seconds,
    from its packets (no decoding; AAC's priming and padding are taken off by the timestamps)."""
    listing, _ = await run_ffmpeg(
        ["-i", str(path), "-map", f"0:{kind}:0", "-c", "copy", "-f", "framecrc", "pipe:1"],
        what=f"reading the {'frames' if kind == 'v' else 'audio'} of {path.name}",
    )
    text = listing.decode()
    base = re.search(r"^#tb 0: (\d+)/(\d+)$", text, re.M)
    codec = re.search(r"^#codec_id 0: (\S+)$", text, re.M)
    ends = [int(m[1]) + int(m[2]) for m in re.finditer(r"^0,\s*-?\d+,\s*(-?\d+),\s*(\d+),", text, re.M)]
    if base is None or codec is None or not ends:
        raise SoundtrackError(f"{path.name} has no {'video frames' if kind == 'v' else 'audio'}")
    return codec[1], max(ends) * Fraction(int(base[1]), int(base[2]))
