#!/usr/bin/env python3
"""`make bench`, narrated storyboards: what the voice, the backgrounds and the sound add to a render.

A 60-second, 6-scene storyboard at 720p30 — captions on, one animated GIF background (made
here with Pillow and served from 127.0.0.1, allowed through the fetch guard like any media
host), a still with pan and zoom, the rest colours — is made into an MP4 with sound by
`render_storyboard`, exactly as `seekreel story --html-out` does, with a cold speech cache
(the Piper model is loaded inside the timed run). Reported: where the time went (voice,
backgrounds, render, mix, mux) and the total; then the same compiled composition is rendered
again on its own, without sound, with the same options. The goal is total ÷ render-only ≤ 1.5.
Last, Piper's speed on the same six narrations, one after another with the model loaded:
seconds of speech per second (goal > 10× real time), and per CPU second.

    .venv/bin/python scripts/bench_story.py [--runs N] [--workers N]
See docs/benchmark.md ("Narrated storyboards") for the last measured figures.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import math
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image, ImageDraw
from proctree import TreeSampler  # scripts/proctree.py: the process-tree sampler of `make bench`

from sandbox import RenderOptions, default_workers, render_to_file
from service.settings import Settings
from service.speech import VoiceSpec, synthesize
from service.storyboards import StageTimes, Storyboard, StoryOutputs, render_storyboard

RESOLUTION, FPS, QUALITY = "720p", 30, "standard"
SCENE_SECONDS = 10.0
RATIO_GOAL, RTF_GOAL = 1.5, 10.0
SCRIPT = [
    "Rust is a systems programming language built for safety and speed. It has no garbage "
    "collector, yet memory errors are caught before the program runs.",
    "The borrow checker makes sure every reference is valid for as long as it is used. Meet "
    "Ferris, the crab who became the mascot of the language.",
    "Cargo, the package manager, builds your code and fetches the libraries it needs. The "
    "community publishes thousands of crates, from parsers to game engines.",
    "Its error messages are famous for explaining what went wrong and how to fix it. Traits "
    "describe shared behaviour, much like interfaces in other languages.",
    "Pattern matching lets you take data apart and handle every case the compiler can see. "
    "Async functions make network services fast without a thread per connection.",
    "A new edition arrives every three years, and old code keeps compiling. That is Rust in "
    "one minute: fast, safe and friendly. Thanks for watching!",
]


def crab_gif(path: Path, frames: int = 20) -> None:
    """A 320×180 animation, 100 ms a frame: an orange disc bobbing across a dark blue field."""
    pictures = []
    for k in range(frames):
        image = Image.new("RGB", (320, 180), (20, 40, 90))
        x, y = 20 + k * 14, 60 + 20 * math.sin(k / 3)
        ImageDraw.Draw(image).ellipse((x, y, x + 60, y + 60), fill=(240, 110, 30))
        pictures.append(image)
    pictures[0].save(path, "GIF", save_all=True, append_images=pictures[1:], duration=100, loop=0)


def still_png(path: Path) -> None:
    """A 1280×720 picture with detail, so pan and zoom move real pixels."""
    image = Image.effect_mandelbrot((1280, 720), (-2.2, -1.1, 1.0, 1.1), 60).convert("RGB")
    image.save(path, "PNG")


def storyboard(media_url: str) -> Storyboard:
    backgrounds: list[dict[str, object] | None] = [
        {"color": "#0d1117"},
        {"src": f"{media_url}/crab.gif", "fit": "cover"},
        None,
        {"src": f"{media_url}/still.png", "pan_zoom": True},
        None,
        {"color": "#7c2d12"},
    ]
    scenes = [
        {"text": text, "min_duration": SCENE_SECONDS, **({"background": bg} if bg else {})}
        for text, bg in zip(SCRIPT, backgrounds, strict=True)
    ]
    return Storyboard.model_validate({"title": "Rust in one minute", "fps": FPS, "scenes": scenes})


@contextmanager
def media_server(folder: Path) -> Iterator[str]:
    """The folder over HTTP on 127.0.0.1 (a random port), for as long as the block runs."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@dataclass(frozen=True)
class Run:
    times: StageTimes
    duration: float
    total: float
    render_only: float
    total_cpu: float
    render_only_cpu: float

    @property
    def ratio(self) -> float:
        return self.total / self.render_only


class Measured:
    """Wall time and the CPU time of this process and all its descendants (Chromium, ffmpeg)
    while the block runs, sampled from /proc by `make bench`'s TreeSampler: unlike wall time,
    CPU time barely moves when other work shares the machine."""

    def __enter__(self) -> Measured:
        self._own = sum(os.times()[:2])  # this process's CPU before the block
        self._sampler = TreeSampler(os.getpid()).__enter__()
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._started
        self._sampler.__exit__(*exc)
        self.cpu = self._sampler.cpu_seconds - self._own


async def one_run(board: Storyboard, work: Path, host: str, options: RenderOptions) -> Run:
    """The storyboard with a cold speech cache, then its compiled page on its own."""
    settings = Settings(tts_cache_dir=work / "speech-cache", fetch_allow_hosts=host)
    outputs = StoryOutputs(work / "story.mp4", html=work / "story.html")
    with Measured() as total:
        result = await render_storyboard(board, outputs, settings=settings, options=options)
    html = (work / "story.html").read_text(encoding="utf-8")
    alone = dataclasses.replace(options, fps=None, assets_dir=work, max_duration=result.duration + 1)
    with Measured() as render_only:
        await render_to_file(html, work / "picture.mp4", alone)
    return Run(result.times, result.duration, total.seconds, render_only.seconds, total.cpu, render_only.cpu)


async def piper_speed(work: Path) -> tuple[float, float, float]:
    """Seconds of speech, wall seconds and CPU seconds for the six narrations, one after another."""
    settings = Settings(tts_cache_dir=work / "speech-speed")
    await synthesize("Warm up.", VoiceSpec(), settings=settings)  # the model is loaded once per process
    wall, cpu = time.perf_counter(), time.process_time()
    spoken = [await synthesize(text, VoiceSpec(), settings=settings) for text in SCRIPT]
    return sum(n.duration for n in spoken), time.perf_counter() - wall, time.process_time() - cpu


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def report(run: Run, label: str) -> None:
    t = run.times
    other = run.total - t.prepare - t.render - t.mux
    print(f"  {label}: {run.duration:.1f} s of video")
    print(f"    voice       {t.voice:6.2f} s  (6 narrations, summed; 2 at a time)")
    print(f"    backgrounds {t.backgrounds:6.2f} s  (fetch + decode, summed; overlaps the voice)")
    print(f"    prepare     {t.prepare:6.2f} s  (wall: every scene voiced and its background ready)")
    print(f"    render      {t.render:6.2f} s  (the picture)")
    print(f"    mix         {t.soundtrack:6.2f} s  (music, mix, loudness, AAC; while the picture renders)")
    print(f"    mux         {t.mux:6.2f} s  (both streams copied)")
    print(f"    other       {other:6.2f} s  (compile, publishing the outputs)")
    print(f"    total       {run.total:6.2f} s  ({run.total_cpu:.1f} CPU s)")
    print(
        f"    render-only {run.render_only:6.2f} s  ({run.render_only_cpu:.1f} CPU s; the same page, no sound)"
    )
    print(
        f"    ratio       {run.ratio:6.2f}   (goal ≤ {RATIO_GOAL}; {run.total_cpu / run.render_only_cpu:.2f} in CPU time)",
        flush=True,
    )


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=1, help="storyboard + render-only pairs (medians)")
    ap.add_argument("--workers", type=int, default=None, help="browsers (default: the settings')")
    args = ap.parse_args()
    options = Settings().render_options(resolution=RESOLUTION, quality=QUALITY, workers=args.workers)
    print(f"seekreel storyboard bench: 6 scenes, {len(SCRIPT) * SCENE_SECONDS:g} s at {RESOLUTION} {FPS} fps, "
          f"quality {QUALITY}, {options.workers or default_workers()} workers, {os.cpu_count()} cores, "
          f"load average {load_average()}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="seekreel-bench-story-") as tmp:
        root = Path(tmp)
        media = root / "media"
        media.mkdir()
        crab_gif(media / "crab.gif")
        still_png(media / "still.png")
        runs = []
        with media_server(media) as host:
            board = storyboard(f"http://{host}")
            for k in range(args.runs):
                work = root / f"run{k}"
                work.mkdir()
                runs.append(await one_run(board, work, host, options))
                report(runs[-1], f"run {k + 1} (cold speech cache)")
        spoken, wall, cpu = await piper_speed(root)
    ratio = statistics.median(r.ratio for r in runs)
    cpu_ratio = statistics.median(r.total_cpu / r.render_only_cpu for r in runs)
    print(
        f"total ÷ render-only: {ratio:.2f} wall, {cpu_ratio:.2f} CPU (median of {len(runs)}; goal ≤ {RATIO_GOAL})"
    )
    print(f"Piper: {spoken:.1f} s of speech in {wall:.2f} s = {spoken / wall:.1f}× real time "
          f"(goal > {RTF_GOAL:g}×); {spoken / cpu:.1f}× per CPU second")  # fmt: skip
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    asyncio.run(main())
