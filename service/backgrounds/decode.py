"""Pictures into files the page shows by t: stills normalised, GIF and video frames decoded up front.

Decoding happens here, once, rather than in the browser, so a frame depends only on t: the
page never plays media, it picks a file. Deterministic: the same bytes and settings give
the same files and names (Pillow's encoders, ffmpeg's decoder, content-derived names).
Bounded: the picture's size is checked before any pixel is decoded, and frames and seconds
are capped (the page loops what was decoded). Synchronous: callers run it in a thread.
"""

from __future__ import annotations

import hashlib
import io
import math
import tempfile
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Literal

import imageio_ffmpeg
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from service.safe_fetch import IMAGE_TYPES, VIDEO_TYPES
from service.settings import Settings

from .prepared import Unavailable

GIF_MIN_DELAY_MS = 20
GIF_DEFAULT_DELAY_MS = 100
"""Browsers show GIF frames with a delay under 20 ms for 100 ms; so do we, so the GIF looks as it does there."""

JPEG_QUALITY = 88
PILLOW_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
"""Only the decoders for the sniffed image types are offered the bytes."""


@dataclass(frozen=True)
class Decoded:
    kind: Literal["image", "frames"]
    files: tuple[str, ...]
    frame_duration: float | None
    width: int
    height: int
    notes: tuple[str, ...] = ()
    """Where a bound cut the media short (said to the user as a warning)."""


def decode_media(
    data: bytes, media_type: str, *, stem: str, assets_dir: Path, seconds: float, settings: Settings
) -> Decoded:
    """Write `data` (sniffed as `media_type`) into `assets_dir` as `stem…` files.

    `seconds` is how long the scene shows it: a video is decoded no further (a GIF is
    decoded whole, it is meant to loop).
    """
    if media_type in IMAGE_TYPES:
        return _decode_image(data, stem=stem, assets_dir=assets_dir, settings=settings)
    if media_type in VIDEO_TYPES:
        return _decode_video(data, stem=stem, assets_dir=assets_dir, seconds=seconds, settings=settings)
    raise Unavailable(f"{media_type} is not an image or video")


# --- images (Pillow): stills, animated GIF/WebP/PNG --------------------------------------------


def _decode_image(data: bytes, *, stem: str, assets_dir: Path, settings: Settings) -> Decoded:
    try:
        image = Image.open(io.BytesIO(data), formats=PILLOW_FORMATS)  # reads the header only
        _check_pixels(*image.size, settings)
        if getattr(image, "n_frames", 1) > 1:
            return _decode_animation(image, stem=stem, assets_dir=assets_dir, settings=settings)
        return _decode_still(image, stem=stem, assets_dir=assets_dir, settings=settings)
    except UnidentifiedImageError as exc:
        raise Unavailable("the image cannot be decoded (damaged or cut short)") from exc
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise Unavailable(f"the image cannot be decoded ({exc})") from exc


def _decode_still(image: Image.Image, *, stem: str, assets_dir: Path, settings: Settings) -> Decoded:
    """Upright (EXIF orientation applied, then dropped with the rest of the metadata) and size-capped."""
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((settings.background_max_side, settings.background_max_side), Image.Resampling.LANCZOS)
    if _has_alpha(upright):
        name, encoded = f"{stem}.png", _png(upright.convert("RGBA"))
    else:
        name, encoded = f"{stem}.jpg", _jpeg(upright.convert("RGB"))
    (assets_dir / name).write_bytes(encoded)
    return Decoded("image", (name,), None, upright.width, upright.height)


def _decode_animation(image: Image.Image, *, stem: str, assets_dir: Path, settings: Settings) -> Decoded:
    frames = _FrameFiles(assets_dir, stem, ".png")
    names: list[str] = []
    delays: list[int] = []
    notes: list[str] = []
    total = getattr(image, "n_frames", 1)
    size = image.size
    try:
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if (
                index == settings.background_max_frames
                or sum(delays) >= settings.background_max_seconds * 1000
            ):
                notes.append(
                    f"the animation has {total} frames; the first {index} ({sum(delays) / 1000:g} s) are used "
                    "and loop (SEEKREEL_BACKGROUND_MAX_FRAMES, SEEKREEL_BACKGROUND_MAX_SECONDS)"
                )
                break
            picture = frame.convert("RGBA")
            side = settings.background_frames_max_side
            picture.thumbnail((side, side), Image.Resampling.LANCZOS)
            size = picture.size
            names.append(frames.add(_png(picture)))
            delay = int(frame.info.get("duration") or 0)
            delays.append(delay if delay >= GIF_MIN_DELAY_MS else GIF_DEFAULT_DELAY_MS)
    except BaseException:
        frames.remove()
        raise
    files, step = _even_steps(names, delays, max_steps=settings.background_max_frames)
    return _frames_or_still(files, step, size, tuple(notes))


def _even_steps(names: list[str], delays_ms: list[int], *, max_steps: int) -> tuple[tuple[str, ...], float]:
    """Frames of uneven length laid on one even step (the page shows `files[floor(t / step)]`).

    The step is the delays' greatest common divisor, so timing is exact; a pathological GIF
    that would need more than `max_steps` steps is sampled at an even coarser step instead.
    """
    total = sum(delays_ms)
    step = math.gcd(*delays_ms)
    if total / step > max_steps:
        step = math.ceil(total / max_steps)
    ends = list(accumulate(delays_ms))
    files = tuple(
        names[min(bisect_right(ends, k * step), len(names) - 1)] for k in range(math.ceil(total / step))
    )
    return files, step / 1000


# --- video (ffmpeg from imageio-ffmpeg) ---------------------------------------------------------


def _decode_video(data: bytes, *, stem: str, assets_dir: Path, seconds: float, settings: Settings) -> Decoded:
    with tempfile.TemporaryDirectory(prefix="seekreel-video-") as tmp:
        source = Path(tmp) / "source"
        source.write_bytes(data)
        info = _probe(source)
        _check_pixels(info.width, info.height, settings)
        fps = min(settings.background_video_fps, info.fps or settings.background_video_fps)
        span = min(seconds, settings.background_max_seconds)
        count = max(1, min(settings.background_max_frames, math.ceil(span * fps)))
        notes = []
        if info.duration > span + 1 / fps and seconds > span:
            notes.append(
                f"the video lasts {info.duration:g} s; its first {count / fps:g} s are used and loop "
                "(SEEKREEL_BACKGROUND_MAX_SECONDS, SEEKREEL_BACKGROUND_MAX_FRAMES)"
            )
        side = settings.background_frames_max_side
        scale = f"scale='min(iw,{side})':'min(ih,{side})':force_original_aspect_ratio=decrease"
        reader = imageio_ffmpeg.read_frames(
            str(source),
            input_params=["-threads", "1"],
            output_params=["-an", "-sn", "-vf", f"fps={fps:g},{scale}", "-frames:v", str(count)],
        )
        frames = _FrameFiles(assets_dir, stem, ".jpg")
        names = []
        try:
            size = next(reader)["size"]
            for raw in reader:
                names.append(frames.add(_jpeg(Image.frombytes("RGB", size, raw))))
        except (OSError, RuntimeError, StopIteration, ValueError) as exc:
            frames.remove()
            raise Unavailable(f"the video cannot be decoded ({type(exc).__name__})") from exc
        except BaseException:
            frames.remove()
            raise
        finally:
            reader.close()
    if not names:
        raise Unavailable("the video has no picture ffmpeg can decode")
    return _frames_or_still(tuple(names), 1 / fps, size, tuple(notes))


@dataclass(frozen=True)
class _VideoInfo:
    width: int
    height: int
    fps: float
    """0 when ffmpeg cannot tell."""
    duration: float
    """0 when ffmpeg cannot tell."""


def _probe(path: Path) -> _VideoInfo:
    """ffmpeg's own reading of the file's header, before any frame is decoded."""
    reader = imageio_ffmpeg.read_frames(str(path))
    try:
        meta = next(reader)
        width, height = meta["source_size"]
        return _VideoInfo(
            int(width), int(height), float(meta.get("fps") or 0), float(meta.get("duration") or 0)
        )
    except (OSError, StopIteration, ValueError, KeyError) as exc:
        raise Unavailable("the video cannot be decoded (ffmpeg cannot read it)") from exc
    finally:
        reader.close()


# --- shared -------------------------------------------------------------------------------------


class _FrameFiles:
    """Numbered frame files, one per distinct picture: a frame equal to an earlier one reuses its file."""

    def __init__(self, assets_dir: Path, stem: str, suffix: str) -> None:
        self._dir, self._stem, self._suffix = assets_dir, stem, suffix
        self._names: dict[bytes, str] = {}

    def add(self, encoded: bytes) -> str:
        digest = hashlib.sha256(encoded).digest()
        name = self._names.get(digest)
        if name is None:
            name = f"{self._stem}-{len(self._names):04d}{self._suffix}"
            (self._dir / name).write_bytes(encoded)
            self._names[digest] = name
        return name

    def remove(self) -> None:
        for name in self._names.values():
            (self._dir / name).unlink(missing_ok=True)


def _frames_or_still(
    files: tuple[str, ...], step: float, size: tuple[int, int], notes: tuple[str, ...]
) -> Decoded:
    if len(set(files)) == 1:
        return Decoded("image", files[:1], None, *size, notes=notes)
    return Decoded("frames", files, step, *size, notes=notes)


def _check_pixels(width: int, height: int, settings: Settings) -> None:
    if width * height > settings.background_max_pixels:
        raise Unavailable(
            f"{width}×{height} pixels is over the limit of {settings.background_max_pixels} "
            "(SEEKREEL_BACKGROUND_MAX_PIXELS)"
        )


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
