"""Frames by content: a segment whose first PNG frame is costly (a dithered gradient) travels
as JPEG, a flat one stays PNG; either way the video is the same bytes for any worker count,
and shows the right pixels (tests/test_capture_hook.py: what the capture hook makes of it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from media import close_to, png, video_frame

from sandbox import RenderOptions, capture_frames, render_to_file
from sandbox.frame_format import png_bytes_per_pixel, wants_jpeg

JPEG_START, PNG_START = b"\xff\xd8", b"\x89PNG"


def page(background: str) -> str:
    """Two one-second segments; a white box moves across the background."""
    return f"""<!doctype html>
<html data-duration="2" data-width="320" data-height="180" data-fps="10">
<body style="margin:0;width:320px;height:180px;background:{background}">
<div id="b" style="position:absolute;top:60px;width:40px;height:40px;background:#fff"></div>
<script>
addEventListener('hf-seek', e => {{
  document.getElementById('b').style.left = 20 + e.detail.time * 100 + 'px';
}});
</script>
</body></html>"""


GRADIENT = page("radial-gradient(circle at 30% 40%, #f472b6, #1e1b4b 70%)")
FLAT = page("#0d1117")


def captured(html: str, run, image_format: str | None = None) -> dict[int, bytes]:  # type: ignore[no-untyped-def]
    frames: dict[int, bytes] = {}

    async def keep(index: int, image: bytes) -> None:
        frames[index] = image

    run(capture_frames(html, keep, RenderOptions(workers=2), image_format=image_format))  # type: ignore[arg-type]
    return frames


def test_a_gradient_travels_as_jpeg_and_a_flat_page_as_png(run) -> None:
    lossless = captured(GRADIENT, run, "png")
    assert all(f.startswith(PNG_START) for f in lossless.values()), "a named format is kept"
    assert wants_jpeg(lossless[0], 0.25) and png_bytes_per_pixel(lossless[0]) > 0.5

    chosen = captured(GRADIENT, run)
    assert sorted(chosen) == list(range(20))
    assert all(f.startswith(JPEG_START) for f in chosen.values()), "both segments as JPEG"
    assert all(f.startswith(PNG_START) for f in captured(FLAT, run).values())


def test_the_choice_makes_the_same_bytes_for_any_worker_count(tmp_path: Path, run) -> None:
    async def render(workers: int) -> bytes:
        out = tmp_path / f"w{workers}.mp4"
        await render_to_file(GRADIENT, out, RenderOptions(workers=workers))
        return out.read_bytes()

    assert run(render(1)) == run(render(2))


def test_a_jpeg_segment_stays_close_to_the_lossless_frames(tmp_path: Path, run) -> None:
    out = tmp_path / "g.mp4"
    run(render_to_file(GRADIENT, out, RenderOptions(workers=2)))
    lossless = captured(GRADIENT, run, "png")
    for index in (0, 9, 10, 19):  # each segment's first frame (converted by Pillow) and last
        got = np.asarray(video_frame(out, index, 10), dtype=np.float64)
        want = np.asarray(png(lossless[index]), dtype=np.float64)
        mse = float(np.mean((got - want) ** 2))
        # H.264 4:2:0 against RGB: 43 dB here, 44.4 with PNG frames; a wrong colour matrix or
        # range would be near 30.
        assert 10 * np.log10(255**2 / mse) > 40, f"frame {index}"
        box_left = round(20 + index / 10 * 100)
        assert close_to(png(lossless[index]).getpixel((box_left + 20, 80)), (255, 255, 255), 8)
        assert close_to(video_frame(out, index, 10).getpixel((box_left + 20, 80)), (255, 255, 255), 12)
