"""The /proc sampler of `make bench`: CPU time and peak memory of a process and all its
descendants (Python, every Chromium process, every ffmpeg), and commands run under it.

Shared by bench.py, bench_story.py and bench_farm.py. A farm's workers are already running
when a render starts, so a sampler can also follow such trees from a baseline: only the CPU
they spend while it runs is counted.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 0.05
PSS_EVERY = 10  # smaps_rollup is ~1.5 ms a process: read it every 10th sample only

Key = tuple[int, int]
"""A process: (pid, start time) — a pid alone may be reused while a bench runs."""

ROLES = ("browser", "gpu", "renderer", "utility", "ffmpeg", "python", "other")
"""Process roles of a render: Chromium's browser process (image encode, base64, CDP), its GPU
process (compositing and frame readback), renderers (JS, style, layout, paint, raster), other
Chromium helpers (network service, zygote), every ffmpeg, and the Python driving them."""


class TreeSampler:
    """Peak memory and CPU time of processes and all their descendants, sampled every 50 ms.

    RSS is summed over the trees (shared pages count once per process, so it overstates);
    PSS (proportional set size, sampled every 0.5 s) splits shared pages fairly. CPU time
    is each process's user+system time when last seen, less what it had already spent at
    `baseline` (see `cpu_snapshot`): unlike wall time it barely moves when other work
    shares the machine, so it compares renderers on a busy box.
    """

    def __init__(self, *roots: int, baseline: dict[Key, float] | None = None) -> None:
        self.roots = roots
        self.baseline = baseline or {}
        self.peak_rss = 0
        self.peak_pss = 0
        self._cpu: dict[Key, float] = {}  # → CPU seconds when last seen
        self._roles: dict[Key, str] = {}  # → role_of(its command line)
        self._root_of: dict[Key, int] = {}  # → the root whose tree it is in
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._page = os.sysconf("SC_PAGE_SIZE")

    @property
    def cpu_seconds(self) -> float:
        return sum(self._spent().values())

    def cpu_under(self, root: int) -> float:
        """CPU seconds of one root's tree."""
        return sum(s for key, s in self._spent().items() if self._root_of.get(key) == root)

    @property
    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds summed per `ROLES` entry: which part of the pipeline the time went to."""
        by_role = dict.fromkeys(ROLES, 0.0)
        for key, seconds in self._spent().items():
            by_role[self._roles.get(key, "other")] += seconds
        return by_role

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _spent(self) -> dict[Key, float]:
        return {key: s - self.baseline.get(key, 0.0) for key, s in self._cpu.items()}

    def _run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            tree = self._tree()
            self.peak_rss = max(self.peak_rss, sum(_rss(p, self._page) for p in tree))
            if tick % PSS_EVERY == 0:
                self.peak_pss = max(self.peak_pss, sum(_pss(p) for p in tree))
            tick += 1
            self._stop.wait(SAMPLE_SECONDS)

    def _tree(self) -> list[int]:
        stats = _process_table()
        found = []
        for root, pid in _descendants(self.roots, stats):
            found.append(pid)
            key = (pid, stats[pid].started)
            self._cpu[key] = stats[pid].cpu_seconds
            self._root_of[key] = root
            # Read every time: a fork has its parent's command line until it execs (and
            # Chromium's zygote children rewrite theirs); a zombie's is empty.
            if cmdline := _cmdline(pid):
                self._roles[key] = role_of(cmdline)
        return found


def cpu_snapshot(roots: Sequence[int]) -> dict[Key, float]:
    """CPU seconds spent so far by every process in the trees of `roots`: a sampler's baseline."""
    stats = _process_table()
    return {(pid, stats[pid].started): stats[pid].cpu_seconds for _, pid in _descendants(roots, stats)}


def tree_processes(roots: Sequence[int]) -> list[Key]:
    """Every process now in the trees of `roots` (the roots included)."""
    stats = _process_table()
    return [(pid, stats[pid].started) for _, pid in _descendants(roots, stats)]


def is_alive(process: Key) -> bool:
    """The very process (same pid, same start time) still exists."""
    st = _stat(process[0])
    return st is not None and st.started == process[1]


def role_of(cmdline: list[str]) -> str:
    exe = Path(cmdline[0]).name
    if "ffmpeg" in exe:
        return "ffmpeg"
    if "python" in exe:
        return "python"
    kind = next((a.split("=", 1)[1] for a in cmdline if a.startswith("--type=")), None)
    if kind is None:
        return "browser" if "chrom" in exe or "headless" in exe else "other"
    return {"gpu-process": "gpu", "renderer": "renderer"}.get(kind, "utility")


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            args = [a.decode(errors="replace") for a in fh.read().split(b"\0") if a]
    except OSError:
        return []
    # Chromium's children rewrite their title as one space-separated string.
    return args[0].split(" ") if len(args) == 1 else args


@dataclass(frozen=True)
class ProcStat:
    ppid: int
    cpu_seconds: float
    started: int


_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> ProcStat | None:
    """Parent, user+system time and start time from /proc/PID/stat (fields 4, 14+15, 22)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return None
    f = stat[stat.rindex(b")") + 2 :].split()
    return ProcStat(int(f[1]), (int(f[11]) + int(f[12])) / _TICK, int(f[19]))


def _process_table() -> dict[int, ProcStat]:
    return {int(n): st for n in os.listdir("/proc") if n.isdigit() and (st := _stat(int(n))) is not None}


def _descendants(roots: Sequence[int], stats: dict[int, ProcStat]) -> list[tuple[int, int]]:
    """(root, pid) for every living process in the trees of `roots`, the roots included."""
    children: dict[int, list[int]] = {}
    for pid, st in stats.items():
        children.setdefault(st.ppid, []).append(pid)
    found = []
    for root in roots:
        todo = [root]
        while todo:
            pid = todo.pop()
            if pid in stats:
                found.append((root, pid))
            todo.extend(children.get(pid, ()))
    return found


def _rss(pid: int, page: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * page
    except (OSError, IndexError, ValueError):
        return 0


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            m = re.search(rb"^Pss:\s+(\d+) kB", fh.read(), re.M)
    except OSError:
        return 0
    return int(m.group(1)) * 1024 if m else 0


@dataclass
class Measured:
    seconds: float
    peak_rss: int
    peak_pss: int
    cpu_seconds: float
    cpu_by_role: dict[str, float] = field(default_factory=dict)
    started_at: float = 0.0
    """When the command started, in seconds since the epoch (to line up with other logs)."""
    cpu_alongside: float = 0.0
    """The part of `cpu_seconds` spent by the `alongside` trees."""


def run_measured(
    cmd: list[str],
    env: dict[str, str] | None = None,
    log: Path | None = None,
    cwd: Path | None = None,
    *,
    alongside: Sequence[int] = (),
) -> Measured:
    """Run a command to completion, timing it and sampling its process tree's memory and CPU —
    and those of `alongside`, processes already running that work for it (a farm's workers),
    counting only the CPU they spend while it runs. The command is killed if this is interrupted."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    baseline = cpu_snapshot(alongside)
    try:
        started_at, started = time.time(), time.perf_counter()
        proc = subprocess.Popen(
            cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE
        )
        try:
            with TreeSampler(proc.pid, *alongside, baseline=baseline) as sampler:
                _, err = proc.communicate()
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        seconds = time.perf_counter() - started
    finally:
        if log:
            out.close()  # type: ignore[union-attr]
    if proc.returncode != 0:
        lines = err.decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"{shlex.join(cmd[:3])} … failed: {lines[-1] if lines else proc.returncode}")
    return Measured(
        seconds,
        sampler.peak_rss,
        sampler.peak_pss,
        sampler.cpu_seconds,
        sampler.cpu_by_role,
        started_at,
        sum(sampler.cpu_under(root) for root in alongside),
    )
