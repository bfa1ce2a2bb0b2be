"""`sandbox.capture_frames` hands over the renderer's own frames: encoded with `encode_segments`,
they make the very bytes `render_to_file` writes (what the bench relies on to measure quality)."""

from __future__ import annotations

from pathlib import Path

from sandbox import BrowserPool, RenderOptions, capture_frames, encode_segments, render_to_file

# Moves for a second, then holds still: Chromium reports the still frames without damage, and
# the capture repeats the previous picture for them as the renderer does.
PAGE = """<!doctype html>
<html data-duration="2" data-width="160" data-height="90" data-fps="10">
<body style="margin:0;background:#0d1117">
<div id="b" style="position:absolute;top:30px;width:30px;height:30px;background:#ff6a00"></div>
<script>
addEventListener('hf-seek', e => {
  document.getElementById('b').style.left = Math.min(e.detail.time, 1) * 120 + 'px';
});
</script>
</body></html>"""


def captured_and_rendered(html: str, tmp_path: Path, run) -> tuple[dict[int, bytes], list[range]]:
    """The page rendered, then captured with the same pool; asserts the captured frames, encoded
    with `encode_segments`, are the rendered bytes and leave no segment files behind."""
    options = RenderOptions(quality="standard", workers=2)
    frames: dict[int, bytes] = {}

    async def keep(index: int, image: bytes) -> None:
        frames[index] = image

    async def both() -> list[range]:
        async with BrowserPool(2) as pool:
            await render_to_file(html, tmp_path / "rendered.mp4", options, pool=pool)
            return await capture_frames(html, keep, options, pool=pool)

    segments = run(both())
    encoded = tmp_path / "encoded.mp4"
    per_segment = ([frames[i] for i in seg] for seg in segments)
    run(encode_segments(per_segment, encoded, fps=10, quality="standard", size=(160, 90)))
    assert encoded.read_bytes() == (tmp_path / "rendered.mp4").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["encoded.mp4", "rendered.mp4"], (
        "no segment files left"
    )
    return frames, segments


def test_captured_frames_encode_to_the_rendered_bytes(tmp_path: Path, run) -> None:
    frames, segments = captured_and_rendered(PAGE, tmp_path, run)
    assert segments == [range(0, 10), range(10, 20)]
    assert sorted(frames) == list(range(20)) and all(f.startswith(b"\x89PNG") for f in frames.values())
    assert frames[19] == frames[12], "the still second is one picture"


def test_jpeg_segments_encode_to_the_rendered_bytes(tmp_path: Path, run) -> None:
    """A gradient's segments travel as JPEG (`sandbox/frame_format.py`); the encoder tells the
    format from the frames, so the capture hook still makes the rendered bytes."""
    gradient = PAGE.replace(
        "margin:0;background:#0d1117",
        "margin:0;width:160px;height:90px;background:radial-gradient(circle at 30% 40%,#f472b6,#1e1b4b 70%)",
    )
    frames, _ = captured_and_rendered(gradient, tmp_path, run)
    assert all(f.startswith(b"\xff\xd8") for f in frames.values())
