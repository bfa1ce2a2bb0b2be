"""The render farm as an operator runs it: a real redis-server and real `seekreel worker` processes
(each with its own data folder), `seekreel render` fanning segments out through the broker.

What must hold: the farm writes the very bytes the embedded renderer writes; the browsers run
under the workers, not under the coordinator; a worker killed mid-segment costs a redelivery,
not the render; a Redis restart never leaves a render hanging; with no worker alive a render
fails after SEEKREEL_FARM_WAIT with one line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from farm_hosts import ROOT, SEEKREEL, RedisServer, TreeWatch, Worker, descendants, wait_for
from PIL import Image

# Math.random, Date, CSS animation and a file beside the page all feed the picture.
PAGE = """<!doctype html>
<html data-duration="3" data-width="160" data-height="90" data-fps="10">
<head><style>
 body { margin: 0; background: #101820; color: #eee; font: 9px sans-serif; }
 #spin { position: absolute; right: 12px; top: 12px; width: 20px; height: 20px; background: #f80;
         animation: spin 1.3s linear infinite; }
 @keyframes spin { to { transform: rotate(360deg); } }
 .dot { position: absolute; width: 8px; height: 8px; border-radius: 50%; }
 img { position: absolute; left: 4px; bottom: 4px; width: 16px; height: 16px; }
</style></head>
<body><div id="spin"></div><div id="clock"></div><img src="logo.png" alt="">
<script>
 const dots = Array.from({length: 16}, () => {
   const d = document.createElement('div'); d.className = 'dot';
   d.style.background = `hsl(${Math.random() * 360}, 80%, 60%)`; document.body.appendChild(d);
   return {d, x: Math.random() * 150, y: Math.random() * 80, v: Math.random() * 2 - 1};
 });
 addEventListener('hf-seek', e => {
   const t = e.detail.time;
   for (const p of dots) { p.d.style.left = ((p.x + p.v * 50 * t + 160) % 160) + 'px'; p.d.style.top = p.y + 'px'; }
   document.getElementById('clock').textContent = new Date().toISOString().slice(11, 23);
   /*SLOW*/
 });
</script></body></html>"""


# Each frame does ~0.1-0.2 s of real work before its capture (every clock a page can read is
# virtual, so the delay is spent computing), so a segment takes well over a second.
def busy_page(iterations: float) -> str:
    return PAGE.replace(
        "/*SLOW*/",
        f"let spin = 0; for (let i = 0; i < {iterations:.0f}; i++) spin ^= i; document.body.dataset.spin = spin;",
    )


SLOW = busy_page(1.5e8)
FAILING = PAGE.replace(
    "/*SLOW*/", "if (Math.abs(t - 1.5) < 1e-6) throw new Error('the chart data is missing');"
)

LIMITS = {  # small, so that a dead worker's task is redelivered within seconds
    "SEEKREEL_FARM_SOFT_TIME_LIMIT": "8",
    "SEEKREEL_FARM_TIME_LIMIT": "10",
    "SEEKREEL_FARM_VISIBILITY_TIMEOUT": "12",
    # One-second segments: the 3-s page is three tasks, more than the two workers.
    "SEEKREEL_SEGMENT_SECONDS": "1",
}


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEEKREEL_")}
    return {**env, "PYTHONPATH": str(ROOT), **LIMITS}


class Farm:
    def __init__(self, folder: Path, redis: RedisServer) -> None:
        self.folder, self.redis = folder, redis
        self.env = {**base_env(), "SEEKREEL_BROKER_URL": redis.url}
        self.workers: list[Worker] = []
        self._made = 0

    def ensure_workers(self, count: int) -> list[Worker]:
        """`count` live workers (dead ones replaced), all ready."""
        self.workers = [w for w in self.workers if w.alive]
        while len(self.workers) < count:
            self._made += 1
            worker = Worker(f"w{self._made}", self.folder, self.env)
            worker.start()
            self.workers.append(worker)
        for w in self.workers:
            w.wait_ready()
        return self.workers

    def stop(self) -> None:
        for w in self.workers:
            w.stop()


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Farm]:
    folder = tmp_path_factory.mktemp("farm")
    redis = RedisServer(folder)
    redis.start()
    farm = Farm(folder, redis)
    try:
        farm.ensure_workers(2)
        yield farm
    finally:
        farm.stop()
        redis.stop()


def make_page_dir(root: Path) -> Path:
    """root/page/ with the file the page shows, and an empty root/out/."""
    folder = root / "page"
    folder.mkdir()
    Image.new("RGB", (8, 8), (0, 200, 120)).save(folder / "logo.png")
    (root / "out").mkdir()
    return folder


@pytest.fixture
def page_dir(tmp_path: Path) -> Path:
    return make_page_dir(tmp_path)


def start_render(page: Path, out: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [SEEKREEL, "render", str(page), "-o", str(out), "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=as_in_a_terminal,
    )


def as_in_a_terminal() -> None:
    """Ctrl-C as a terminal delivers it. A process started in the background by a shell without
    job control (`nohup … &`, as CI runners may be) inherits SIGINT ignored, and an ignored SIGINT
    survives exec: the render would never see the test's signal (a CI run here finished it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def finish(proc: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str]:
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err


def finishes_with(proc: subprocess.Popen[str], out: Path, reference: bytes) -> str:
    """The render ends well with the reference's bytes; returns its stderr."""
    code, err = finish(proc, timeout=150)
    assert code == 0, err
    assert out.read_bytes() == reference
    return err


class Reference(NamedTuple):
    page: Path
    video: bytes
    """What `seekreel render` makes of the page with no broker configured."""
    programs: set[str]
    """The programs that ran under that render."""


def rendered_here(root: Path, html: str) -> Reference:
    page = make_page_dir(root) / "page.html"
    page.write_text(html)
    proc = start_render(page, root / "out/local.mp4", base_env())
    watch = TreeWatch(proc)
    code, err = finish(proc)
    assert code == 0, err
    return Reference(page, (root / "out/local.mp4").read_bytes(), watch.programs())


@pytest.fixture(scope="module")
def noisy(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    return rendered_here(tmp_path_factory.mktemp("noisy"), PAGE)


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    return rendered_here(tmp_path_factory.mktemp("slow"), SLOW)


def test_the_farm_writes_the_embedded_renderers_bytes(farm: Farm, noisy: Reference, tmp_path: Path) -> None:
    assert any("chromium" in p for p in noisy.programs), "the process watch sees an embedded render's browser"
    workers = farm.ensure_workers(2)
    marks = [len(w.log()) for w in workers]
    proc = start_render(noisy.page, tmp_path / "farm.mp4", farm.env)
    watch = TreeWatch(proc)
    finishes_with(proc, tmp_path / "farm.mp4", noisy.video)
    assert not any("chromium" in p for p in watch.programs()), (
        f"a browser ran under the coordinator: {watch.programs()}"
    )
    rendered = [w.segments(mark) for w, mark in zip(workers, marks, strict=True)]
    assert sorted(i for r in rendered for i in r) == [0, 1, 2], rendered
    assert all(rendered), f"both workers rendered segments: {rendered}"
    assert [p.name for p in tmp_path.iterdir()] == ["farm.mp4"], "no work files left"


def test_with_a_segment_store_segments_travel_through_the_shared_folder(
    noisy: Reference, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    redis = RedisServer(tmp_path)  # a farm of its own: one worker, configured with the store
    redis.start()
    env = {**base_env(), "SEEKREEL_BROKER_URL": redis.url, "SEEKREEL_SEGMENT_STORE": str(store)}
    worker = Worker("s1", tmp_path, env)
    try:
        worker.start()
        worker.wait_ready()
        finishes_with(
            start_render(noisy.page, tmp_path / "farm.mp4", env), tmp_path / "farm.mp4", noisy.video
        )
    finally:
        worker.stop()
        redis.stop()
    assert worker.segments() == [0, 1, 2]
    assert worker.log().count("'stored': 'segments/segment-") == 3, "results name the stored files"
    left = sorted(str(p.relative_to(store)) for p in store.rglob("*") if p.is_file())
    assert len(left) == 1 and left[0].startswith("bundles/"), f"the joined segments are deleted: {left}"


def test_a_page_error_reads_as_it_does_embedded(farm: Farm, page_dir: Path, tmp_path: Path) -> None:
    page = page_dir / "page.html"
    page.write_text(FAILING)
    farm.ensure_workers(2)
    code, farm_err = finish(start_render(page, tmp_path / "out/farm.mp4", farm.env))
    code_here, here_err = finish(start_render(page, tmp_path / "out/here.mp4", base_env()))
    assert (code, code_here) == (1, 1)
    assert farm_err == here_err and "the chart data is missing" in farm_err
    assert len(farm_err.strip().splitlines()) == 1
    assert not list((tmp_path / "out").iterdir()), "no output, no work files"


def slow_render_under_way(
    farm: Farm, page: Path, out: Path
) -> tuple[subprocess.Popen[str], Worker, dict[str, int]]:
    """`page` rendered on the farm into `out`: returned as soon as a worker is in the middle of a
    segment, with that worker and where each worker's log stood before."""
    workers = farm.ensure_workers(2)
    marks = {w.name: len(w.log()) for w in workers}
    proc = start_render(page, out, farm.env)
    busy = wait_for(
        lambda: next((w for w in workers if w.busy(marks[w.name])), None), "a worker to take a segment"
    )
    return proc, busy, marks


def runs_a_browser(pid: int) -> bool:
    return any("chromium" in cmd for cmd in descendants(pid).values())


def test_a_worker_killed_mid_segment_costs_a_redelivery_not_the_render(
    farm: Farm, slow: Reference, tmp_path: Path
) -> None:
    proc, victim, marks = slow_render_under_way(farm, slow.page, tmp_path / "farm.mp4")
    assert victim.proc is not None
    pid = victim.proc.pid
    wait_for(lambda: runs_a_browser(pid), "its browser to start")
    doomed = set(descendants(pid))
    os.kill(pid, signal.SIGKILL)  # the host dies: no ack, no reject, no cleanup of its own
    victim.proc.wait()

    finishes_with(proc, tmp_path / "farm.mp4", slow.video)
    [survivor] = [w for w in farm.workers if w is not victim]
    assert victim.segments(marks[victim.name]) == [], "the kill landed before the segment finished"
    assert sorted(survivor.segments(marks[survivor.name])) == [0, 1, 2], "the survivor rendered all three"
    # Its pool process, browser and ffmpeg follow it (parent-death signals, a closed pipe).
    wait_for(lambda: not doomed & set(_live_pids()), "the killed worker's processes to go", 15)


def test_a_worker_process_killed_mid_segment_is_retried_at_once(
    farm: Farm, slow: Reference, tmp_path: Path
) -> None:
    proc, busy, marks = slow_render_under_way(farm, slow.page, tmp_path / "farm.mp4")
    assert busy.proc is not None
    main = busy.proc.pid
    pool_process = wait_for(
        lambda: next(
            (p for p, cmd in descendants(main).items() if "seekreel" in cmd and runs_a_browser(p)), None
        ),
        "its pool process to run a browser",
    )
    os.kill(pool_process, signal.SIGKILL)  # out of memory, say: the worker itself lives on

    finishes_with(proc, tmp_path / "farm.mp4", slow.video)
    assert busy.alive and "WorkerLostError" in busy.log(marks[busy.name])
    rendered = sorted(i for w in farm.workers for i in w.segments(marks[w.name]))
    assert rendered == [0, 1, 2], "the lost segment was rendered once more, the others once"


def test_ctrl_c_revokes_the_renders_segments(farm: Farm, slow: Reference, tmp_path: Path) -> None:
    proc, busy, marks = slow_render_under_way(farm, slow.page, tmp_path / "farm.mp4")
    assert busy.proc is not None
    pid = busy.proc.pid
    wait_for(lambda: runs_a_browser(pid), "its browser to start")
    proc.send_signal(signal.SIGINT)
    code, err = finish(proc)
    assert (code, err) == (130, "error: interrupted\n")
    assert list(tmp_path.iterdir()) == [], "no output"

    # Running segments: their processes terminated (browsers with them); queued ones: dropped.
    def revoked() -> int:
        logs = [w.log(marks[w.name]) for w in farm.workers]
        return sum(log.count("Terminating segment-") + log.count("Discarding revoked task") for log in logs)

    wait_for(lambda: revoked() == 3, "all three segments to be revoked", 30)
    wait_for(lambda: not runs_a_browser(pid), "its browser to go", 15)
    assert all(w.segments(marks[w.name]) == [] for w in farm.workers), "no segment of it was finished"


def test_a_segment_past_the_soft_time_limit_fails_the_render_and_loses_its_browser(
    farm: Farm, page_dir: Path, tmp_path: Path
) -> None:
    page = page_dir / "page.html"
    page.write_text(busy_page(2e10))  # seconds of computing per frame: a segment passes the 8 s limit
    workers = farm.ensure_workers(2)
    code, err = finish(start_render(page, tmp_path / "out/farm.mp4", farm.env))
    assert code == 1
    assert err.strip().splitlines() == [err.strip()], err
    assert "took longer than 8 s (SEEKREEL_FARM_SOFT_TIME_LIMIT) and was stopped" in err
    assert not list((tmp_path / "out").iterdir()), "no output, no work files"
    for w in workers:  # the workers live on, without the stopped segments' browsers
        assert w.alive and w.proc is not None
        pid = w.proc.pid
        wait_for(lambda p=pid: not runs_a_browser(p), "its browser to go", 15)


def test_a_redis_restart_mid_render_never_leaves_it_hanging(
    farm: Farm, slow: Reference, tmp_path: Path
) -> None:
    proc, _, _ = slow_render_under_way(farm, slow.page, tmp_path / "farm.mp4")
    farm.redis.stop()  # every queued task and stored result is lost with it
    time.sleep(1)
    farm.redis.start()

    # Failing with a clear line would be allowed; hanging is not. With the coordinator sending
    # the lost segments again, the render is expected to finish.
    err = finishes_with(proc, tmp_path / "farm.mp4", slow.video)
    assert "warning: Redis restarted: sending the" in err


def test_with_no_worker_alive_a_render_fails_after_the_wait_with_one_line(
    page_dir: Path, tmp_path: Path
) -> None:
    redis = RedisServer(tmp_path)  # a broker of its own, which no worker serves
    redis.start()
    try:
        page = page_dir / "page.html"
        page.write_text(PAGE)
        env = {**base_env(), "SEEKREEL_BROKER_URL": redis.url, "SEEKREEL_FARM_WAIT": "3"}
        code, err = finish(start_render(page, tmp_path / "out/farm.mp4", env), timeout=60)
    finally:
        redis.stop()
    assert code == 1
    assert err.strip().splitlines() == [err.strip()], err
    assert err.startswith("error: no render worker answered for 3 s") and "seekreel worker" in err
    assert not list((tmp_path / "out").iterdir()), "no output, no work files"


def _live_pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
