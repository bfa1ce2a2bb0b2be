"""Frames in, H.264 out: one ffmpeg per segment, then a stream-copy join.

Everything that could make the bytes depend on the machine is pinned: the ffmpeg build
(imageio-ffmpeg's), thread counts, bit-exact muxing, no wall-clock metadata. Each segment
starts with an IDR frame and is encoded on its own, so a segment's bytes depend only on
its frames — which is what lets 1 worker, N workers or N machines produce one file.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import imageio_ffmpeg

from . import pipes
from .errors import EncodeError

ENCODER_THREADS = 1
"""x264 threads per segment encoder. Pinned, because the thread count changes the bytes. Every
worker runs its own encoder beside its browser, so frame threads only add synchronisation:
with 3-s segments, 1 thread took 0.3-0.9 CPU s off ffmpeg per 180 1080p frames on all four
compositions measured (docs/benchmark.md, round three), at the same size and quality."""


@dataclass(frozen=True)
class QualityPreset:
    x264_preset: str
    crf: int
    frame_format: str
    """How Chromium hands frames over: 'jpeg' (lossy) or 'png' (lossless, zlib fast mode)."""
    jpeg_quality: int
    convert_flags: str
    """swscale flags for the conversion to the output's pixels (and for resizing JPEG frames).
    On PNG frames (RGB → BT.709 limited 4:2:0), measured on the bench: bicubic 1.1 s of CPU per
    180 1080p frames, lanczos+accurate_rnd+full_chroma_int 6.5 s."""
    jpeg_above: float | None = None
    """PNG bytes per pixel from which a PNG segment is captured as JPEG instead (None: never).
    A PNG that large is one zlib could not shrink — a dithered gradient, a photograph, noise:
    the content that makes PNG slowest (Chromium's encode, ffmpeg's decode) and on which
    JPEG at high quality is closest to lossless. The first frame of each segment decides, so
    the choice depends on the picture alone and every worker count makes the same bytes."""


PRESETS: dict[str, QualityPreset] = {
    "draft": QualityPreset("ultrafast", 28, "jpeg", 80, "fast_bilinear"),
    # veryfast CRF 20. Measured in round two (docs/benchmark.md): ultrafast CRF 26 saves 1.9-2.9
    # CPU s per 180 1080p frames and is closer to lossless, but makes files 2-6x larger (up to
    # ~9 Mbit/s at 1080p30) -- not a trade people who upload and store videos would take.
    # PNG frames, JPEG where a segment's first PNG is >= 0.25 bytes per pixel: measured in round
    # three (docs/benchmark.md, "Frames by content"), the gradient compositions went from 22 to
    # ~16 CPU s at 49.7-52.0 dB, where the sharp ones would lose 1-6 dB with JPEG. Quality 97,
    # not 100 (round four): at 100 every quantiser is 1, so the frames were 2.2-2.5x larger for
    # 0.1 dB in the video -- 8 % of the wall time of those renders went into moving the bits.
    "standard": QualityPreset("veryfast", 20, "png", 97, "bicubic", jpeg_above=0.25),
    "high": QualityPreset("medium", 16, "png", 100, "bicubic+accurate_rnd"),
}


IMAGE_CODECS = {"jpeg": "mjpeg", "png": "png"}

JPEG_TO_BT709 = (
    "colorspace=ispace=bt470bg:irange=pc:space=bt709:range=tv:format=yuv420p:fast=1"
    ":iprimaries=bt709:primaries=bt709:itrc=bt709:trc=bt709"
)
"""A JPEG's BT.601 full-range YUV 4:2:0 to BT.709 limited range, in YUV at 4:2:0: the chroma is
not resampled a second time (through RGB it was, which cost JPEG frames 2-7 dB), and the
primaries and transfer stay as they are — only the matrix and range change. Measured on the
bench's JPEG q100 frames: title-card 44.84 → 52.03 dB and 6.1 → 3.4 CPU s in ffmpeg."""


def image_format_of(image: bytes) -> str:
    """'png' or 'jpeg', from the image's first bytes."""
    if image.startswith(b"\x89PNG"):
        return "png"
    if image.startswith(b"\xff\xd8"):
        return "jpeg"
    raise EncodeError("a frame is neither PNG nor JPEG")


def video_filter(preset: QualityPreset, image_codec: str, size: tuple[int, int]) -> str:
    """Frames to the output's size and pixels: BT.709, limited range, 4:2:0."""
    w, h = size
    if image_codec == "mjpeg":
        # Resized first, in the JPEG's own YUV (the colour conversion needs even sides, and
        # a scaled capture can come back 1281x721); a no-op when the sizes already match.
        return f"scale={w}:{h}:flags={preset.convert_flags},{JPEG_TO_BT709},format=yuv420p"
    return f"scale={w}:{h}:out_color_matrix=bt709:out_range=tv:flags={preset.convert_flags},format=yuv420p"


async def find_ffmpeg() -> str:
    """`ffmpeg_exe()` off the event loop. Its first call runs `ffmpeg -version` (imageio-ffmpeg
    checks the binary, 0.1-0.3 s), which would otherwise stall every worker's browser traffic
    while the first segment's encoder starts."""
    return await asyncio.to_thread(ffmpeg_exe)


def ffmpeg_exe() -> str:
    """The ffmpeg binary every encode uses (imageio-ffmpeg's, so its version is pinned)."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def rate(fps: float) -> str:
    fr = Fraction(fps).limit_denominator(1001)
    return f"{fr.numerator}/{fr.denominator}"


def segment_command(
    out: Path, *, fps: float, frames: int, quality: str, image_codec: str, size: tuple[int, int]
) -> list[str]:
    p = PRESETS[quality]
    return [
        ffmpeg_exe(),
        "-hide_banner", "-loglevel", "error", "-y",
        "-threads", "1",
        "-f", "image2pipe", "-c:v", image_codec, "-framerate", rate(fps), "-i", "pipe:0",
        "-frames:v", str(frames),
        "-filter_threads", "1",
        "-vf", video_filter(p, image_codec, size),
        "-c:v", "libx264", "-preset", p.x264_preset, "-crf", str(p.crf),
        "-threads", str(ENCODER_THREADS),
        "-x264-params", f"keyint={frames}:min-keyint={frames}:scenecut=0:lookahead-threads=1",
        "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
        "-video_track_timescale", "90000",
        "-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1",
        "-f", "mp4", str(out),
    ]  # fmt: skip


class SegmentEncoder:
    """An ffmpeg process fed image bytes on stdin; `finish()` waits for a complete segment file."""

    def __init__(self, proc: asyncio.subprocess.Process, out: Path) -> None:
        self._proc = proc
        self.out = out
        self.frames = 0

    @classmethod
    async def start(
        cls, out: Path, *, fps: float, frames: int, quality: str, image_codec: str, size: tuple[int, int]
    ) -> SegmentEncoder:
        await find_ffmpeg()
        cmd = segment_command(
            out, fps=fps, frames=frames, quality=quality, image_codec=image_codec, size=size
        )
        try:
            proc = await asyncio.create_subprocess_exec(
                *cmd,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            raise EncodeError(f"cannot start ffmpeg: {exc}") from exc
        assert proc.stdin is not None
        pipes.widen(proc.stdin.get_extra_info("pipe").fileno())
        return cls(proc, out)

    async def write(self, image: bytes) -> None:
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(image)
            await self._proc.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            await self._fail("ffmpeg stopped reading frames")
        self.frames += 1

    async def finish(self) -> Path:
        assert self._proc.stdin is not None
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._proc.stdin.close()
        await self._proc.wait()
        if self._proc.returncode != 0:
            await self._fail(f"ffmpeg exited with status {self._proc.returncode}")
        return self.out

    async def abort(self) -> None:
        if self._proc.returncode is None:
            # Not `self._proc.kill()`: Popen.send_signal polls first, and that poll can reap an
            # ffmpeg that has just exited before asyncio's child watcher does; the watcher then
            # logs "Unknown child process" to the user's terminal. An exited but unreaped child
            # keeps its pid, so the plain signal cannot reach another process.
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._proc.pid, signal.SIGKILL)
            await self._proc.wait()
        with contextlib.suppress(FileNotFoundError):
            self.out.unlink()

    async def _fail(self, what: str) -> None:
        err = b""
        if self._proc.stderr is not None:
            with contextlib.suppress(Exception):
                err = await asyncio.wait_for(self._proc.stderr.read(), 5)
        await self.abort()
        detail = err.decode(errors="replace").strip().splitlines()
        raise EncodeError(f"{what}: {detail[-1] if detail else 'no message'}")


async def join_segments(segments: Sequence[Path], out: Path) -> None:
    """Concatenate segment files, in order, by stream copy into `out` (MP4, +faststart, no
    timestamps of now). Written atomically: on any failure `out` is left as it was."""
    partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.joining")
    listing = partial.with_name(partial.name + ".segments.txt")
    listing.write_text("".join(f"file '{_quote(s)}'\n" for s in segments))
    cmd = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "concat", "-safe", "0", "-i", str(listing),
        "-c", "copy", "-movflags", "+faststart",
        "-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1",
        "-f", "mp4", str(partial),
    ]  # fmt: skip
    try:
        proc = await asyncio.create_subprocess_exec(
            *cmd, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        _, err = await proc.communicate()
        if proc.returncode != 0:
            lines = err.decode(errors="replace").strip().splitlines()
            raise EncodeError(f"joining segments failed: {lines[-1] if lines else proc.returncode}")
        os.replace(partial, out)
    finally:
        listing.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)


async def encode_segments(
    segments: Iterable[Sequence[bytes]],
    out: Path,
    *,
    fps: float,
    quality: str,
    size: tuple[int, int],
) -> None:
    """Frames captured earlier, encoded exactly as a render encodes its own: each group of
    frames one segment (PNG or JPEG, as its first frame is), then joined by stream copy.
    Groups are consumed one at a time, so a caller can read each segment's frames lazily."""
    parts: list[Path] = []
    try:
        for frames in segments:
            part = out.with_name(f".{out.name}.seg{len(parts):05d}.mp4")
            parts.append(part)
            enc = await SegmentEncoder.start(
                part,
                fps=fps,
                frames=len(frames),
                quality=quality,
                image_codec=IMAGE_CODECS[image_format_of(frames[0])],
                size=size,
            )
            try:
                for image in frames:
                    await enc.write(image)
            except BaseException:
                await enc.abort()
                raise
            await enc.finish()
        await join_segments(parts, out)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


def _quote(path: Path) -> str:
    return str(path.resolve()).replace("'", "'\\''")
