"""A still is brought to the output size in-process: Chromium's rounded-up capture, scaled like a video frame."""

from __future__ import annotations

import io

from media import close_to, png
from PIL import Image

from sandbox.stills import fit_png, png_size


def two_halves(size: tuple[int, int]) -> bytes:
    image = Image.new("RGB", size, (230, 40, 30))
    image.paste((20, 60, 220), (size[0] // 2, 0, size[0], size[1]))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_a_capture_one_pixel_too_large_is_scaled_to_the_output_size(run) -> None:
    fitted = run(fit_png(two_halves((321, 181)), (320, 180)))
    assert png_size(fitted) == (320, 180)
    image = png(fitted)
    assert close_to(image.getpixel((40, 90)), (230, 40, 30), tol=2)
    assert close_to(image.getpixel((280, 90)), (20, 60, 220), tol=2)
    assert fitted == run(fit_png(two_halves((321, 181)), (320, 180))), "the same bytes every time"


def test_a_capture_of_the_right_size_is_left_as_it_is(run) -> None:
    capture = two_halves((320, 180))
    assert run(fit_png(capture, (320, 180))) is capture
