"""Pixels at known times, for every way a page can animate, in frames and in the encoded video."""

from __future__ import annotations

from pathlib import Path

import pytest
from media import close_to, png, video_frame, video_info

from sandbox import RenderOptions, capture_frame, render_to_file

RED = (255, 0, 0)
BG = (16, 32, 48)


def page(script: str, style: str = "", fps: int = 10) -> str:
    """A 320x180, 1 s composition: a 20 px red box at `left` = 300 px × t (by whatever means)."""
    return f"""<!doctype html>
<html data-duration="1" data-width="320" data-height="180" data-fps="{fps}">
<head><style>
 body {{ margin: 0; background: rgb{BG}; }}
 #box {{ position: absolute; top: 80px; left: 0; width: 20px; height: 20px; background: red; }}
 {style}
</style></head>
<body><div id="box"></div>
<script>
 const box = document.getElementById('box');
 addEventListener('hf-seek', () => {{}});
 {script}
</script></body></html>"""


WAYS = {
    "hf-seek": page("addEventListener('hf-seek', e => { box.style.left = (e.detail.time * 300) + 'px'; });"),
    "css-keyframes": page(
        "", "#box { animation: move 1s linear forwards; } @keyframes move { to { left: 300px; } }"
    ),
    "web-animations": page(
        "box.animate([{left: '0px'}, {left: '300px'}], {duration: 1000, easing: 'linear', fill: 'forwards'});"
    ),
    "raf-date-now": page(
        "const start = Date.now();"
        "function tick() { box.style.left = ((Date.now() - start) / 1000 * 300) + 'px'; requestAnimationFrame(tick); }"
        "requestAnimationFrame(tick);"
    ),
    "raf-timestamp": page(
        "function tick(ts) { box.style.left = (ts / 1000 * 300) + 'px'; requestAnimationFrame(tick); }"
        "requestAnimationFrame(tick);"
    ),
    "performance-now": page(
        "addEventListener('hf-seek', () => { box.style.left = (performance.now() / 1000 * 300) + 'px'; });"
    ),
    "set-interval": page("let n = 0; setInterval(() => { n++; box.style.left = (n * 30) + 'px'; }, 100);"),
    "css-transition": page(
        "setTimeout(() => box.classList.add('go'), 0);",
        "#box { transition: left 1s linear; } #box.go { left: 300px; }",
    ),
}


def box_x(img) -> int | None:  # type: ignore[no-untyped-def]
    """Left edge of the red box on row 90, or None."""
    xs = [x for x in range(img.width) if close_to(img.getpixel((x, 90)), RED, 60)]
    return xs[0] if xs else None


@pytest.mark.parametrize("way", list(WAYS))
def test_frame_at_known_time(way: str, run) -> None:
    for t in (0.3, 0.7):
        img = png(run(capture_frame(WAYS[way], t, RenderOptions())))
        assert img.size == (320, 180)
        x = box_x(img)
        assert x is not None, f"{way}: no box at t={t}"
        assert abs(x - 300 * t) <= 2, f"{way}: box at {x}px at t={t}, expected {300 * t:.0f}px"
        assert close_to(img.getpixel((5, 5)), BG, 6)


def test_video_frames_follow_the_clock(tmp_path: Path, run) -> None:
    out = tmp_path / "v.mp4"
    result = run(render_to_file(WAYS["raf-date-now"], out, RenderOptions(workers=2)))
    info = video_info(out)
    assert (info["width"], info["height"], info["frames"]) == (320, 180, 10)
    assert info["yuv420p"]
    assert result.frames == 10 and result.segments == 1
    for i in (0, 4, 9):
        x = box_x(video_frame(out, i, 10))
        assert x is not None and abs(x - 30 * i) <= 3, f"frame {i}: box at {x}"


def test_frame_count_size_and_scaling(tmp_path: Path, run) -> None:
    html = (
        WAYS["hf-seek"]
        .replace('data-fps="10"', 'data-fps="24"')
        .replace('data-duration="1"', 'data-duration="2.5"')
    )
    out = tmp_path / "scaled.mp4"
    run(render_to_file(html, out, RenderOptions(resolution="160x90", fps=12)))
    info = video_info(out)
    assert (info["width"], info["height"], info["frames"]) == (
        160,
        90,
        30,
    )  # 2.5 s × 12 fps (request beats data-fps)
    assert abs(info["duration"] - 2.5) < 0.05
    # The layout did not change with the resolution: at t=0.5 the box is at 150 CSS px = 75 output px.
    img = video_frame(out, 6, 12)
    xs = [x for x in range(img.width) if close_to(img.getpixel((x, 45)), RED, 80)]
    assert xs and abs(xs[0] - 75) <= 2


def test_canonical_viewport_from_aspect(run) -> None:
    html = """<!doctype html><html data-duration="1" data-aspect="9:16"><body style="margin:0">
<div id="s" style="font-size:40px"></div>
<script>addEventListener('hf-seek', () => {
  document.body.style.background = (innerWidth === 1080 && innerHeight === 1920) ? 'rgb(0,255,0)' : 'rgb(255,0,0)';
});</script></body></html>"""
    img = png(run(capture_frame(html, 0.5, RenderOptions(resolution="360p"))))
    assert img.size == (360, 640)
    assert close_to(img.getpixel((100, 100)), (0, 255, 0), 10)


def test_wait_until_delays_capture(run) -> None:
    html = page(
        "addEventListener('hf-seek', e => e.detail.waitUntil("
        "  new Promise(r => queueMicrotask(() => r())).then(() => fetchLater(e.detail.time))));"
        "async function fetchLater(t) { await Promise.resolve(); box.style.left = (t * 300) + 'px'; }"
    )
    x = box_x(png(run(capture_frame(html, 0.5, RenderOptions()))))
    assert x is not None and abs(x - 150) <= 2


def test_fallback_to_new_headless_chromium(tmp_path: Path, run) -> None:
    """Without the headless shell: screenshots instead of beginFrame, same pictures, and a warning."""
    from sandbox import BrowserPool

    async def go() -> tuple[bytes, Path]:
        async with BrowserPool(1, browser="/usr/lib/chromium/chromium") as pool:
            frame = await capture_frame(WAYS["css-keyframes"], 0.5, RenderOptions(), pool=pool)
            out = tmp_path / "fallback.mp4"
            await render_to_file(WAYS["hf-seek"], out, RenderOptions(workers=1), pool=pool)
            return frame, out

    with pytest.warns(RuntimeWarning, match="falling back to new-headless chromium"):
        frame, out = run(go())
    x = box_x(png(frame))
    assert x is not None and abs(x - 150) <= 2
    assert video_info(out)["frames"] == 10
    x = box_x(video_frame(out, 7, 10))
    assert x is not None and abs(x - 210) <= 3
