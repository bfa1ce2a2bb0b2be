"""Same HTML + same settings → same MP4 bytes: across runs, and for 1 or N workers."""

from __future__ import annotations

import hashlib
from pathlib import Path

from media import video_info

from sandbox import BrowserPool, RenderOptions, join_segments, plan_render, render_segment, render_to_file
from sandbox.render import plan_segments

# Random, Date, performance.now, crypto and a CSS animation all feed the picture.
NOISY = """<!doctype html>
<html data-duration="2.2" data-width="320" data-height="180" data-fps="10">
<head><style>
 body { margin: 0; background: #111; color: #eee; font: 16px sans-serif; }
 .dot { position: absolute; width: 12px; height: 12px; border-radius: 50%; }
 #spin { position: absolute; right: 20px; top: 20px; width: 30px; height: 30px; background: #f80;
         animation: spin 1.3s linear infinite; }
 @keyframes spin { to { transform: rotate(360deg); } }
</style></head>
<body><div id="spin"></div><div id="clock"></div>
<script>
 const seed = new Uint32Array(2); crypto.getRandomValues(seed);
 const dots = Array.from({length: 40}, () => {
   const d = document.createElement('div'); d.className = 'dot';
   d.style.background = `hsl(${Math.random() * 360}, 80%, 60%)`; document.body.appendChild(d);
   return {d, x: Math.random() * 300, y: Math.random() * 160, v: Math.random() * 2 - 1};
 });
 addEventListener('hf-seek', e => {
   const t = e.detail.time;
   for (const p of dots) {
     p.d.style.left = ((p.x + p.v * 80 * t + Math.random() * 3) % 320) + 'px';
     p.d.style.top = p.y + 'px';
   }
   document.getElementById('clock').textContent =
     new Date().toISOString() + ' ' + performance.now().toFixed(1) + ' ' + seed[0] + ' ' + crypto.randomUUID();
 });
</script></body></html>"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_identical_bytes_across_runs_and_worker_counts(tmp_path: Path, run) -> None:
    async def render_all() -> list[Path]:
        outs = []
        async with BrowserPool(2) as pool:
            for name, workers in (("a1", 1), ("b1", 1), ("c2", 2)):
                out = tmp_path / f"{name}.mp4"
                await render_to_file(NOISY, out, RenderOptions(workers=workers), pool=pool)
                outs.append(out)
        # A fresh pool (fresh browsers) must not change anything either.
        out = tmp_path / "d2.mp4"
        await render_to_file(NOISY, out, RenderOptions(workers=2))
        outs.append(out)
        return outs

    outs = run(render_all())
    digests = {p.name: digest(p) for p in outs}
    assert len(set(digests.values())) == 1, digests
    info = video_info(outs[0])
    assert info["frames"] == 22  # 2.2 s at 10 fps: 2 segments of 11 frames


def test_the_cut_depends_on_the_frames_alone() -> None:
    """About 3 s each, an even count (two workers get equal shares), at least two from 2 s on,
    none under a second, lengths within one frame of each other, every frame once."""
    for seconds, fps, lengths in [
        (0.1, 30, [3]),
        (1.5, 30, [45]),
        (2, 30, [30, 30]),
        (6, 30, [90, 90]),
        (9, 30, [68, 68, 67, 67]),
        (300, 30, [90] * 100),
        (6, 60, [180, 180]),
    ]:
        frames = round(seconds * fps)
        segments = plan_segments(frames, fps)
        assert [len(s) for s in segments] == lengths, (seconds, fps)
        assert [i for s in segments for i in s] == list(range(frames))


def test_segments_rendered_apart_join_into_the_same_bytes(tmp_path: Path, run) -> None:
    """What a render farm does: plan without a browser, render each segment on its own (here in
    reverse order, each in a pool of its own, as different machines would), join."""
    options = RenderOptions(workers=2)
    plan = plan_render(NOISY, options)
    assert [(len(s), s.start) for s in plan.segments] == [(11, 0), (11, 11)]
    assert (plan.width, plan.height) == (320, 180)

    async def apart() -> list[Path]:
        parts = [tmp_path / f"part{i}.mp4" for i in range(len(plan.segments))]
        for i in reversed(range(len(parts))):
            async with BrowserPool(1) as pool:
                assert isinstance(await render_segment(NOISY, options, i, parts[i], pool=pool), bool)
        return parts

    parts = run(apart())
    run(join_segments(parts, tmp_path / "joined.mp4"))
    run(render_to_file(NOISY, tmp_path / "whole.mp4", options))
    assert digest(tmp_path / "joined.mp4") == digest(tmp_path / "whole.mp4")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("part")) == [
        "joined.mp4",
        "whole.mp4",
    ], "no work files left beside the outputs"


def test_randomness_is_seeded_not_constant(run) -> None:
    """Seeded, but still random: two draws differ, and the page is not frozen."""
    from sandbox import probe_page

    html = NOISY.replace(
        "crypto.randomUUID();",
        "crypto.randomUUID(); if (Math.random() === Math.random()) throw new Error('constant');",
    )
    result = run(probe_page(html, [0.0, 1.0, 2.0], RenderOptions()))
    assert result.errors == []
    assert len(set(result.frame_digests)) == 3


def test_no_wall_clock_metadata(tmp_path: Path, run) -> None:
    out = tmp_path / "m.mp4"
    run(render_to_file(NOISY.replace('data-duration="2.2"', 'data-duration="0.5"'), out, RenderOptions()))
    data = out.read_bytes()
    # mvhd/tkhd/mdhd creation and modification times are zero; no encoder/creation_time strings.
    assert b"creation_time" not in data
    i = data.index(b"mvhd")
    assert data[i + 8 : i + 16] == b"\0" * 8
    assert data.index(b"moov") < data.index(b"mdat"), "+faststart: moov before mdat"
