"""Which picture format a segment's frames travel in: PNG, or JPEG where PNG costs most.

Chromium's fast PNG is lossless but its cost grows with what zlib cannot shrink: a 1080p
frame of a dithered gradient is 0.9-1.3 MB, and encoding it in the browser and decoding it
in ffmpeg took a third of the render's CPU. That same content — smooth colour, noise,
photographs — is where JPEG at high quality comes closest to lossless (49-51 dB at quality
97 through the YUV conversion in `encode.JPEG_TO_BT709`), while sharp text, thin lines and
small dots, which PNG stores cheaply, lose 1-6 dB as JPEG. So the first frame of each segment is taken
as PNG and its size per pixel decides for the rest of the segment.
"""

from __future__ import annotations

import io

from PIL import Image

from .stills import png_size

JPEG_SUBSAMPLING = "4:2:0"
"""Chromium's own JPEG screenshots are 4:2:0; the first frame is made to match them."""


def png_bytes_per_pixel(png: bytes) -> float:
    width, height = png_size(png)
    return len(png) / max(1, width * height)


def wants_jpeg(png: bytes, jpeg_above: float | None) -> bool:
    """True when the segment this PNG opens should be captured as JPEG."""
    return jpeg_above is not None and png_bytes_per_pixel(png) >= jpeg_above


def png_to_jpeg(png: bytes, quality: int) -> bytes:
    """The segment's first frame as the JPEG the rest of it will be (libjpeg-turbo, as in
    Chromium, same quality and subsampling), so that one ffmpeg input takes them all."""
    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=quality, subsampling=JPEG_SUBSAMPLING)
    return out.getvalue()
