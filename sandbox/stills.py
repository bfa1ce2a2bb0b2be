"""The single frame a preview shows: Chromium's PNG, brought to the output size in-process.

Chromium rounds a scaled page up (a 1920×1080 layout at 720p comes back 1281×721), so a
still is scaled like a video frame is, with a Lanczos filter. Pillow does it here in a
worker thread: starting an ffmpeg per still cost more than the frame itself (issue 12).
"""

from __future__ import annotations

import asyncio
import io

from PIL import Image

PNG_COMPRESS_LEVEL = 1
"""zlib's fastest level: still lossless, and the same choice as Chromium's own fast PNG."""


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, without decoding the picture."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


async def fit_png(png: bytes, size: tuple[int, int]) -> bytes:
    """The PNG at `size` (unchanged when it already is)."""
    if png_size(png) == size:
        return png
    return await asyncio.to_thread(_resize, png, size)


def _resize(png: bytes, size: tuple[int, int]) -> bytes:
    with Image.open(io.BytesIO(png)) as image:
        scaled = image.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    scaled.save(out, "PNG", compress_level=PNG_COMPRESS_LEVEL)
    return out.getvalue()
