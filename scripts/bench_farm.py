#!/usr/bin/env python3
"""`make bench`, the render farm: one 30-second 1080p30 composition rendered by the embedded
renderer, on a farm of 1 `seekreel worker` process and on a farm of 2 — same bytes, and what the
fan-out costs.

Everything runs on this machine, started here and stopped here (also on Ctrl-C or a failure):
a `redis-server` on a free loopback port in a temporary folder, without persistence; farm ×1 is
one worker process on Redis database 1, farm ×2 two on database 2 (each `--concurrency 1`, with
a data folder of its own, as separate hosts would have). Each farm renders a short warm-up
first, so the timed runs meet warm workers, as a farm in service does; the embedded render
launches its browsers inside its run, as `seekreel render` does. With `--runs N` the three are
interleaved, each round starting with the next one.

The composition is this script's own (`composition`): a canvas of orbiting dots, a running
clock and a progress bar, all moved by the `hf-seek` time, so every frame of every second
differs. Reported per run: wall time (the `seekreel render` process, start to exit), CPU time
of the coordinator's process tree plus the workers' trees while it runs (from /proc, by the
sampler all the benches share), whether the MP4s are byte-identical, and for the farm where
the coordinator's time went:

- rendering: the time at least one worker was rendering a segment — the union over segments
  of [end − seconds, end] from each worker's log line `rendered segment N of KEY in S s`
  (end: the line's timestamp, in ms; S to 10 ms; the span covers the task's own work after its
  duplicate check: the page fetched and unpacked on a host's first segment, capture, encode);
- **fan-out overhead** = (wall − rendering) ÷ wall: coordinator time in which no segment was
  being rendered anywhere, split into lead-in (start to the first segment's start: process
  start, plan, packing, sending, a worker taking the first task), gaps (between the first start
  and the last end, no worker rendering), and tail (the last segment's end to exit: its result
  stored and fetched, the join by stream copy, clean-up);
- hand-off: on one worker, from one segment's end to the next one's start (the result stored,
  the task acknowledged, the next one fetched); worker busy: the segments' summed time over
  workers × wall.

Last, an estimate for 10 and 100 hosts like this one with 2 worker processes each (`Estimate`),
modelled from the farm ×2 medians — and the same model for this machine, beside its measured
wall time, as a check of the model.

    .venv/bin/python scripts/bench_farm.py [--seconds 30] [--resolution 1080p] [--runs N]
                                           [--json FILE]
    .venv/bin/python scripts/bench_farm.py --seconds 3 --resolution 320x180   # a smoke check
See docs/scale.md ("How far it scales") for the measured figures and what they say about
10 and 100 worker hosts.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any, NoReturn

from bench import load_average, sandbox_commit
from proctree import Measured, is_alive, run_measured, tree_processes

from sandbox import CompositionError, RenderOptions, default_workers, plan_render

SEEKREEL = str(Path(sys.executable).with_name("seekreel"))
FPS, QUALITY = 30, "standard"
WARM_UP_SECONDS_PER_WORKER = 2
EMBEDDED, FARM_1, FARM_2 = "embedded", "farm ×1", "farm ×2"
FARM_DATABASES = {FARM_1: (1, 1), FARM_2: (2, 2)}
"""Each farm: (its Redis database, its worker processes)."""
ESTIMATE_HOSTS = (10, 100)
"""Farms estimated from the measured one: hosts like this machine, 2 worker processes each."""
FARM_ENV = ("SEEKREEL_BROKER_URL", "SEEKREEL_SEGMENT_STORE", "SEEKREEL_DATABASE_URL", "SEEKREEL_DATA_DIR")
"""Settings of the caller's environment that would change what is measured: left out."""
LOG_LINE = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): INFO/[^\]]+\] (.*)$", re.M)
"""A worker's log line in Celery's format: local time to the millisecond, level/process, message."""
RENDERED = re.compile(r"rendered segment (\d+) of \w+ in ([\d.]+) s$")
"""The worker's own line once a segment is encoded, before its result is stored."""
TASK = re.compile(r"Task seekreel\.render_segment\[[^\]]+\] (received|succeeded)")
"""Celery's lines: a task taken from the queue; a task's result stored in Redis."""


def composition(seconds: float) -> str:
    """1920×1080 (scaled by `--resolution`), animated by the seek time to its last frame."""
    return f"""<!doctype html>
<html data-composition-id="farm-bench" data-width="1920" data-height="1080" data-duration="{seconds:g}"
      data-fps="{FPS}" data-no-timeline>
<head><meta charset="utf-8"><style>
 html, body {{ margin: 0; width: 1920px; height: 1080px; overflow: hidden; background: #0b1020; }}
 canvas {{ position: absolute; inset: 0; }}
 #clock {{ position: absolute; left: 96px; top: 64px; color: #f8fafc; font: 800 120px Inter, sans-serif; }}
 #bar {{ position: absolute; left: 0; bottom: 0; width: 1920px; height: 24px; background: #f97316;
         transform-origin: 0 50%; }}
</style></head>
<body><canvas id="c" width="1920" height="1080"></canvas><div id="clock"></div><div id="bar"></div>
<script>
 let seed = 11; const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296;
 const dots = Array.from({{length: 700}}, () => ({{a: rnd() * 6.2832, r: 60 + rnd() * 640,
   s: 0.15 + rnd() * 0.8, z: 2 + rnd() * 6, h: 160 + rnd() * 160}}));
 const ctx = document.getElementById('c').getContext('2d');
 const clock = document.getElementById('clock'), bar = document.getElementById('bar');
 function render(t) {{
   ctx.fillStyle = '#0b1020'; ctx.fillRect(0, 0, 1920, 1080);
   for (const d of dots) {{
     const a = d.a + t * d.s, r = d.r * (0.7 + 0.3 * Math.sin(t * 0.9 + d.a));
     ctx.fillStyle = `hsla(${{d.h + t * 12}}, 85%, 62%, 0.85)`;
     ctx.beginPath(); ctx.arc(960 + Math.cos(a) * r * 1.35, 560 + Math.sin(a) * r * 0.65, d.z, 0, 6.2832);
     ctx.fill();
   }}
   clock.textContent = t.toFixed(2) + ' s';
   bar.style.transform = `scaleX(${{t / {seconds:g}}})`;
 }}
 addEventListener('hf-seek', e => render(e.detail.time));
 render(0);
</script></body></html>
"""


# --- the farm's processes -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(ready: Callable[[], bool], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.1)


class Child:
    """A process this bench started, in a session of its own, its output in `log`."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.log_path = name, log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                cmd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def logged(self, text: str) -> bool:
        return text in self.log()


def stop_all(children: Sequence[Child], grace: float) -> None:
    """Asked to stop together (SIGTERM), given `grace` seconds, then every process that was in
    their trees before is killed by pid — and start time, so that no stranger is hit. A second
    Ctrl-C cuts the grace short, never the killing."""
    trees = [key for child in children for key in tree_processes([child.pid])]
    try:
        for child in children:
            if child.proc.poll() is None:
                child.proc.terminate()
        deadline = time.monotonic() + grace
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.proc.wait(max(0.0, deadline - time.monotonic()))
    finally:
        for key in trees:
            if is_alive(key):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(key[0], signal.SIGKILL)
        for child in children:
            child.proc.wait()


def start_redis(folder: Path, port: int, env: dict[str, str]) -> Child:
    """`redis-server` on 127.0.0.1:`port`, saving nothing, in `folder`."""
    exe = shutil.which("redis-server")
    if exe is None:
        sys.exit("redis-server is not installed: run `make setup` (scripts/setup.sh installs it)")
    cmd = [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
           "--dir", str(folder)]  # fmt: skip
    redis = Child("redis", cmd, env, folder / "redis.log")

    def answers() -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
        return False

    wait_until(answers, f"redis-server on port {port}", 20)
    return redis


def start_worker(name: str, work: Path, env: dict[str, str]) -> Child:
    """`seekreel worker --concurrency 1` named NAME@bench, its data folder its own."""
    data = work / name
    data.mkdir()
    cmd = [SEEKREEL, "worker", "--concurrency", "1", "--name", f"{name}@bench"]
    return Child(name, cmd, {**env, "SEEKREEL_DATA_DIR": str(data)}, work / f"{name}.log")


# --- where a farm render's time went ------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """One segment rendered by one worker, in seconds since the epoch."""

    worker: str
    index: int
    start: float
    end: float


@dataclass
class WorkerLog:
    """What one worker's log says about one render."""

    spans: list[Span] = field(default_factory=list)
    received: list[float] = field(default_factory=list)
    """When it took each segment task from the queue."""
    stored: list[float] = field(default_factory=list)
    """When each segment's result was in Redis."""


def read_log(text: str, worker: str) -> WorkerLog:
    log = WorkerLog()
    for stamp, message in LOG_LINE.findall(text):
        at = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
        if rendered := RENDERED.match(message):
            log.spans.append(Span(worker, int(rendered[1]), at - float(rendered[2]), at))
        elif task := TASK.match(message):
            (log.received if task[1] == "received" else log.stored).append(at)
    return log


@dataclass(frozen=True)
class FanOut:
    """Where a farm render's wall time went (seconds, except where named)."""

    rendering: float
    lead_in: float
    gaps: float
    tail: float
    overhead_pct: float
    startup: float
    """From the start to a worker receiving the first task: the coordinator's start, plan, packing, sending."""
    finish: float
    """From the last result stored to the exit: the coordinator polling and fetching it, the join, clean-up."""
    segment_s: float
    """Median time one segment took on its worker."""
    handoff_ms: float | None
    """Median time a worker spent between two segments; None with no two on one worker."""
    busy_pct: float
    """Summed segment time over workers × wall."""
    per_worker: dict[str, int]
    """Segments rendered by each worker."""


def where_time_went(logs: Sequence[WorkerLog], started_at: float, wall: float) -> FanOut:
    ended_at = started_at + wall
    spans = sorted((s for log in logs for s in log.spans), key=lambda s: s.start)
    rendering, reach = 0.0, started_at
    for span in spans:  # the union, clipped to the render
        start, end = max(span.start, reach), min(span.end, ended_at)
        if end > start:
            rendering += end - start
            reach = end
    lead_in = max(0.0, spans[0].start - started_at)
    tail = max(0.0, ended_at - max(s.end for s in spans))
    handoffs = [
        (b.start - a.end) * 1000
        for log in logs
        for a, b in pairwise(sorted(log.spans, key=lambda s: s.start))
    ]
    return FanOut(
        rendering=rendering,
        lead_in=lead_in,
        gaps=max(0.0, wall - rendering - lead_in - tail),
        tail=tail,
        overhead_pct=100 * (wall - rendering) / wall,
        startup=min(t for log in logs for t in log.received) - started_at,
        finish=ended_at - max(t for log in logs for t in log.stored),
        segment_s=statistics.median(s.end - s.start for s in spans),
        handoff_ms=statistics.median(handoffs) if handoffs else None,
        busy_pct=100 * sum(s.end - s.start for s in spans) / (len(logs) * wall),
        per_worker={log.spans[0].worker: len(log.spans) for log in logs if log.spans},
    )


# --- the runs -----------------------------------------------------------------------------


@dataclass
class Run:
    setup: str
    round: int
    measured: Measured
    sha256: str
    size: int
    fan_out: FanOut | None = None

    @property
    def cpu_coordinator(self) -> float:
        return self.measured.cpu_seconds - self.measured.cpu_alongside


class Bench:
    """The three setups and the processes they run on, for one composition."""

    def __init__(self, work: Path, page: Path, segments: int, resolution: str) -> None:
        self.work, self.page, self.segments, self.resolution = work, page, segments, resolution
        self.env = {k: v for k, v in os.environ.items() if k not in FARM_ENV}
        self.redis: Child | None = None
        self.farms: dict[str, list[Child]] = {}
        self.broker: dict[str, str] = {}

    def start(self) -> None:
        port = free_port()
        self.redis = start_redis(self.work, port, self.env)
        for setup, (db, count) in FARM_DATABASES.items():
            self.broker[setup] = url = f"redis://127.0.0.1:{port}/{db}"
            env = {**self.env, "SEEKREEL_BROKER_URL": url}
            self.farms[setup] = [start_worker(f"farm{count}-{'ab'[i]}", self.work, env) for i in range(count)]
        for worker in self.workers():
            wait_until(partial(worker.logged, f"{worker.name}@bench ready."), f"worker {worker.name}", 120)
        for setup, workers in self.farms.items():
            self.warm_up(setup, workers)

    def workers(self) -> list[Child]:
        return [w for workers in self.farms.values() for w in workers]

    def stop(self) -> None:
        """Every process started here: the workers first (a warm shutdown each, side by side), Redis last."""
        stop_all(self.workers(), grace=30)
        stop_all([self.redis] if self.redis else [], grace=10)

    def warm_up(self, setup: str, workers: list[Child]) -> None:
        """A short render, untimed: every worker's browser is launched before the timed runs."""
        seconds = WARM_UP_SECONDS_PER_WORKER * len(workers)
        page = self.work / f"warm-up-{len(workers)}.html"
        page.write_text(composition(seconds), encoding="utf-8")
        before = [len(w.log()) for w in workers]
        self.render(setup, page, self.work / f"{page.stem}.mp4")
        idle = [
            w.name for w, at in zip(workers, before, strict=True) if "rendered segment" not in w.log()[at:]
        ]
        if idle:
            print(
                f"  note: {', '.join(idle)} rendered nothing in the warm-up; its first timed segment launches its browser"
            )

    def render(self, setup: str, page: Path, out: Path) -> Measured:
        env = {**self.env, "SEEKREEL_DATA_DIR": str(self.work / "coordinator")}
        workers = self.farms.get(setup, [])
        if workers:
            env["SEEKREEL_BROKER_URL"] = self.broker[setup]
        cmd = [SEEKREEL, "render", str(page), "-o", str(out), "--resolution", self.resolution,
               "--fps", str(FPS), "--quality", QUALITY, "--quiet"]  # fmt: skip
        return run_measured(cmd, env, alongside=[w.pid for w in workers])

    def run(self, setup: str, round_: int) -> Run:
        out = self.work / f"{setup.replace(' ', '').replace('×', 'x')}-{round_}.mp4"
        workers = self.farms.get(setup, [])
        before = [len(w.log()) for w in workers]
        measured = self.render(setup, self.page, out)
        data = out.read_bytes()
        out.unlink()
        run = Run(setup, round_, measured, hashlib.sha256(data).hexdigest(), len(data))
        if workers:
            logs = [read_log(w.log()[at:], w.name) for w, at in zip(workers, before, strict=True)]
            indices = sorted(s.index for log in logs for s in log.spans)
            if sorted(set(indices)) != list(range(self.segments)):
                raise RuntimeError(
                    f"{setup}: the workers' logs report segments {indices}, not 0…{self.segments - 1}"
                )
            run.fan_out = where_time_went(logs, measured.started_at, measured.seconds)
        return run


# --- report -------------------------------------------------------------------------------


def print_run(run: Run) -> None:
    m, f = run.measured, run.fan_out
    line = (f"  {run.setup:<9} round {run.round}: {m.seconds:6.2f} s, CPU {m.cpu_seconds:6.1f} s "
            f"(coordinator {run.cpu_coordinator:.1f}), peak PSS {m.peak_pss / 2**20:.0f} MB")  # fmt: skip
    if f is not None:
        handoff = "–" if f.handoff_ms is None else f"{f.handoff_ms:.0f} ms"
        split = " + ".join(str(n) for n in f.per_worker.values())
        line += (f"; rendering {f.rendering:.2f} s, overhead {f.overhead_pct:.1f} % (lead-in {f.lead_in:.2f}, "
                 f"gaps {f.gaps:.2f}, tail {f.tail:.2f}; start-up {f.startup:.2f}, finish {f.finish:.2f}), "
                 f"segment {f.segment_s:.2f} s, hand-off {handoff}, segments {split}")  # fmt: skip
    print(line, flush=True)


@dataclass(frozen=True)
class Summary:
    """One setup's medians over its runs."""

    setup: str
    runs: int
    wall_s: float
    cpu_s: float
    cpu_coordinator_s: float
    peak_pss_mb: float
    fan_out: FanOut | None


def summarise(setup: str, runs: list[Run]) -> Summary:
    fans = [r.fan_out for r in runs if r.fan_out is not None]
    fan = None
    if fans:  # the median of every figure; None where no run had one
        medians: dict[str, Any] = {}
        for name in (f.name for f in dataclasses.fields(FanOut) if f.name != "per_worker"):
            values = [v for fo in fans if (v := getattr(fo, name)) is not None]
            medians[name] = statistics.median(values) if values else None
        fan = FanOut(**medians, per_worker=fans[-1].per_worker)
    return Summary(
        setup,
        len(runs),
        statistics.median(r.measured.seconds for r in runs),
        statistics.median(r.measured.cpu_seconds for r in runs),
        statistics.median(r.cpu_coordinator for r in runs),
        max(r.measured.peak_pss for r in runs) / 2**20,
        fan,
    )


def print_table(rows: list[Summary], embedded_workers: int) -> None:
    """The Markdown table of docs/scale.md, medians of the runs."""
    label = {
        EMBEDDED: f"embedded (`seekreel render`, {embedded_workers} browsers)",
        FARM_1: "farm, 1 worker process",
        FARM_2: "farm, 2 worker processes",
    }
    base = next(r.wall_s for r in rows if r.setup == EMBEDDED)
    print("\n| setup | wall s | vs embedded | CPU s (coordinator) | fan-out overhead | lead-in / gaps / tail s "
          "| start-up / finish s | segment s | hand-off ms | workers busy |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        f = r.fan_out
        cells = [
            label[r.setup],
            f"{r.wall_s:.2f}",
            f"{base / r.wall_s:.2f}×",
            f"{r.cpu_s:.1f} ({r.cpu_coordinator_s:.1f})",
        ]
        if f is None:
            cells += ["–"] * 6
        else:
            handoff = "–" if f.handoff_ms is None else f"{f.handoff_ms:.0f}"
            cells += [f"{f.overhead_pct:.1f} %", f"{f.lead_in:.2f} / {f.gaps:.2f} / {f.tail:.2f}",
                      f"{f.startup:.2f} / {f.finish:.2f}", f"{f.segment_s:.2f}", handoff,
                      f"{f.busy_pct:.0f} %"]  # fmt: skip
        print("| " + " | ".join(cells) + " |")


@dataclass(frozen=True)
class Estimate:
    """A farm of `hosts` hosts like this one, 2 worker processes each, modelled from the farm ×2
    medians: wall = lead-in + rounds × segment + (rounds − 1) × hand-off + tail, with
    rounds = ⌈segments ÷ processes⌉; and, with many renders in flight, segments a second and
    the results' bytes through Redis (base64, in from the workers and out to the coordinators)."""

    hosts: int
    processes: int
    rounds: int
    wall_s: float
    segments_per_s: float
    redis_mb_per_s: float


def estimate(farm: FanOut, hosts: int, segments: int, segment_bytes: float) -> Estimate:
    processes = 2 * hosts
    rounds = math.ceil(segments / processes)
    handoff = (farm.handoff_ms or 0.0) / 1000
    rate = processes / (farm.segment_s + handoff)
    return Estimate(
        hosts,
        processes,
        rounds,
        farm.lead_in + rounds * farm.segment_s + (rounds - 1) * handoff + farm.tail,
        rate,
        rate * 2 * segment_bytes * 4 / 3 / 1e6,
    )


def print_estimates(estimates: list[Estimate], measured_wall: float, embedded_wall: float) -> None:
    print("\n| from the farm ×2 row | processes | rounds | wall s (one render) | vs embedded "
          "| segments/s (many renders) | MB/s through Redis |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    for e in estimates:
        label = f"{e.hosts} hosts" if e.hosts > 1 else f"this machine (measured: {measured_wall:.2f} s)"
        print(f"| {label} | {e.processes} | {e.rounds} | {e.wall_s:.2f} | {embedded_wall / e.wall_s:.1f}× "
              f"| {e.segments_per_s:.1f} | {e.redis_mb_per_s:.1f} |")  # fmt: skip


# --- main ---------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=30.0, help="the composition's duration (default 30)")
    ap.add_argument("--resolution", default="1080p", help="720p, 1080p, … or WxH (default 1080p)")
    ap.add_argument("--runs", type=int, default=1, help="timed runs of each setup, interleaved (medians)")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write the runs and medians here")
    return ap.parse_args()


def stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so every process started here is stopped on the way out."""

    def leave(signum: int, frame: object) -> NoReturn:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, leave)


def measure(html: str, segments: int, resolution: str, rounds: int) -> list[Run]:
    """Every setup's runs, interleaved, each round starting with the next setup."""
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="seekreel-bench-farm-") as tmp:
        work = Path(tmp)
        page = work / "farm-bench.html"
        page.write_text(html, encoding="utf-8")
        bench = Bench(work, page, segments, resolution)
        try:
            workers = sum(count for _, count in FARM_DATABASES.values())
            print(f"starting redis-server and {workers} workers; warming the farms up", flush=True)
            bench.start()
            setups = [EMBEDDED, FARM_1, FARM_2]
            for round_ in range(1, rounds + 1):
                turn = (round_ - 1) % len(setups)
                for setup in setups[turn:] + setups[:turn]:
                    runs.append(bench.run(setup, round_))
                    print_run(runs[-1])
        finally:
            bench.stop()
    return runs


def report(runs: list[Run], segments: int, embedded_workers: int) -> dict[str, Any]:
    """The medians printed as docs/scale.md's table, and everything as JSON-ready data."""
    summaries = [summarise(s, [r for r in runs if r.setup == s]) for s in (EMBEDDED, FARM_1, FARM_2)]
    print_table(summaries, embedded_workers)
    one, two = (next(s.wall_s for s in summaries if s.setup == f) for f in (FARM_1, FARM_2))
    print(f"\nfarm ×2 against farm ×1: {one / two:.2f}× faster (wall, medians of {summaries[0].runs})")
    digests = sorted({r.sha256 for r in runs})
    identical = len(digests) == 1
    print(
        "MP4s byte-identical across all runs: " + ("yes" if identical else f"NO ({len(digests)} different)")
    )
    size = runs[0].size
    print(f"MP4: {size / 2**20:.2f} MB, about {size / segments / 1024:.0f} KB a segment "
          f"({size / segments / 1024 * 4 / 3:.0f} KB as base64 in a Redis result)")  # fmt: skip
    farm = next(s for s in summaries if s.setup == FARM_2)
    assert farm.fan_out is not None
    estimates = [estimate(farm.fan_out, h, segments, size / segments) for h in (1, *ESTIMATE_HOSTS)]
    print_estimates(estimates, farm.wall_s, summaries[0].wall_s)
    return {
        "segments": segments,
        "embedded_workers": embedded_workers,
        "identical": identical,
        "sha256": digests,
        "runs": [dataclasses.asdict(r) | {"cpu_coordinator": r.cpu_coordinator} for r in runs],
        "summary": [dataclasses.asdict(s) for s in summaries],
        "estimates": [dataclasses.asdict(e) for e in estimates],
    }


def main() -> None:
    args = parse_args()
    if args.runs < 1:
        sys.exit("--runs must be at least 1")
    html = composition(args.seconds)
    try:
        plan = plan_render(html, RenderOptions(fps=FPS, resolution=args.resolution))
    except (CompositionError, ValueError) as exc:
        sys.exit(f"--seconds/--resolution: {exc}")
    stop_on_sigterm()
    print(f"seekreel farm bench: {args.seconds:g} s at {plan.width}x{plan.height} {FPS} fps, quality {QUALITY}, "
          f"{len(plan.segments)} segments; {os.cpu_count()} cores, load average {load_average()}")  # fmt: skip
    print(f"sandbox at {sandbox_commit()}")
    runs = measure(html, len(plan.segments), args.resolution, args.runs)
    figures = report(runs, len(plan.segments), default_workers())
    print(f"load average at the end: {load_average()}")
    if args.json:
        what = {"seconds": args.seconds, "resolution": f"{plan.width}x{plan.height}", "fps": FPS}
        args.json.write_text(json.dumps(what | figures, indent=2), encoding="utf-8")
    if not figures["identical"]:
        sys.exit(1)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted: every process the bench started is stopped")
    except RuntimeError as exc:  # a render failed, or a process did not come up
        sys.exit(f"bench_farm: {exc}")
