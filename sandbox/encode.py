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

ENCODER_THREADS = 2


@dataclass(frozen=True)
class QualityPreset:
    x264_preset: str
    crf: int
    frame_format: str
    """How Chromium hands frames over: 'jpeg' (lossy) or 'png' (lossless, zlib fast mode). PNG
    measured faster end to end on the bench (no JPEG encode in Chromium's GPU process) and
    costs 0 dB, where JPEG — even at quality 100, because of its own 4:2:0 — cost 1.7–6 dB."""
    jpeg_quality: int
    convert_flags: str
    """swscale flags for JPEG (BT.601 full range) → BT.709 limited range. Measured on the bench
    particles frames: lanczos+accurate_rnd+full_chroma_int cost 6.5 s of CPU per 180 1080p
    frames, plain bicubic 1.1 s at 43.8 dB, bicubic+accurate_rnd 2.6 s at 45.7 dB."""


PRESETS: dict[str, QualityPreset] = {
    "draft": QualityPreset("ultrafast", 28, "jpeg", 80, "fast_bilinear"),
    # veryfast CRF 20. Measured in round two (docs/benchmark.md): ultrafast CRF 26 saves 1.9-2.9
    # CPU s per 180 1080p frames and is closer to lossless, but makes files 2-6x larger (up to
    # ~9 Mbit/s at 1080p30) -- not a trade people who upload and store videos would take.
    "standard": QualityPreset("veryfast", 20, "png", 100, "bicubic"),
    "high": QualityPreset("medium", 16, "png", 100, "bicubic+accurate_rnd"),
}


IMAGE_CODECS = {"jpeg": "mjpeg", "png": "png"}


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
        "-vf", f"scale={size[0]}:{size[1]}:out_color_matrix=bt709:out_range=tv:flags={p.convert_flags},format=yuv420p",
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
    image_format: str,
    size: tuple[int, int],
) -> None:
    """Frames captured earlier, encoded exactly as a render encodes its own: each group of
    frames one segment, then joined by stream copy. Groups are consumed one at a time, so a
    caller can read each segment's frames lazily."""
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
                image_codec=IMAGE_CODECS[image_format],
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
