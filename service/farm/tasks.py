"""The worker side: the segment task, and the state each worker process keeps between tasks
(an event loop, a warm browser pool, a Redis client) — made after the fork, killed on exit.

Time limits: Celery's soft limit (SIGUSR1) cancels the segment's coroutine, so its ffmpeg is
killed by the encoder's own cleanup and its browser is killed with it; the hard limit kills
the worker process's whole process group (each process leads its own, so its ffmpeg goes with
it), and its browsers die with their parent (they are started with a parent-death signal).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import tempfile
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar, cast

from celery import Celery, Task, states
from sqlalchemy.exc import DBAPIError

from sandbox import BrowserPool, PageCrashed, RenderError, render_segment

from ..settings import Settings
from ..storage import Store, open_store
from .app import JOB_TASK, SEGMENT_RETRIES, SEGMENT_TASK
from .bundle import is_unpacked, unpack
from .segments import SegmentDone, SegmentFailed, bundle_name, stored_name
from .shelf import Shelf, redis_client, shelf_for

log = logging.getLogger("seekreel.farm")
T = TypeVar("T")


class WorkerProcess:
    """What one pool process keeps between tasks. One task runs at a time in a process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.pool = BrowserPool(1)
        self.shelf: Shelf = shelf_for(settings, redis_client(settings))
        self.bundles = settings.data_dir / "farm" / "bundles"
        self.work = settings.data_dir / "farm" / "work"
        self._store: Store | None = None
        self._running: asyncio.Task[Any] | None = None
        self._started = 0.0
        self._soft_limit_hit = False
        self._listening = False

    def run(self, coro: Coroutine[Any, Any, T], what: str) -> T:
        """Run one task's coroutine on the process's loop, under Celery's soft time limit."""
        if not self._listening:  # billiard sets its own SIGUSR1 handler after process init
            self.loop.add_signal_handler(signal.SIGUSR1, self._on_soft_limit)
            self._listening = True
        task = self.loop.create_task(coro)
        self._running, self._started, self._soft_limit_hit = task, time.monotonic(), False
        try:
            return self.loop.run_until_complete(task)
        except asyncio.CancelledError:
            if not self._soft_limit_hit:
                raise
            self.pool.kill()  # the page may be stuck: its browser goes too
            limit = self.settings.farm_soft_time_limit
            raise SegmentFailed(
                f"{what} took longer than {limit:g} s (SEEKREEL_FARM_SOFT_TIME_LIMIT) and was stopped"
            ) from None
        finally:
            self._running = None

    @property
    def store(self) -> Store:
        """The shared database, opened by the first job this process runs."""
        if self._store is None:
            self._store = open_store(self.settings.data_dir, self.settings.database_url)
        return self._store

    def _on_soft_limit(self) -> None:
        # A signal meant for the previous task can arrive once the next has started: only a
        # task that has really run for the limit is stopped.
        elapsed = time.monotonic() - self._started
        if self._running is not None and elapsed >= self.settings.farm_soft_time_limit - 1:
            self._soft_limit_hit = True
            self._running.cancel()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
        self.pool.kill()
        self.loop.close()


_process: WorkerProcess | None = None


def start_process(settings: Settings) -> None:
    """worker_process_init: runs in each new pool process, after the fork."""
    global _process
    os.setpgid(0, 0)  # lead a process group: billiard's hard time limit then kills the group
    _process = WorkerProcess(settings)


def stop_process() -> None:
    """worker_process_shutdown: also runs when the process was told to terminate mid-task."""
    global _process
    if _process is not None:
        _process.close()
        _process = None


def register(app: Celery) -> None:
    # The result holds the segment's bytes: the log line of a finished task shows its start only.
    @app.task(
        name=SEGMENT_TASK,
        bind=True,
        max_retries=SEGMENT_RETRIES,
        default_retry_delay=1,
        resultrepr_maxsize=200,
    )
    def render_segment_task(self: Task[Any, Any], key: str, index: int, render_id: str) -> SegmentDone:
        """Segment `index` of the page bundled as `key`. `render_id` is in the task id already;
        it is an argument too so that monitoring (Flower, `celery inspect`) shows it."""
        return _render_segment(self, key, index)

    # A database that went away mid-job: the task is sent again (backing off, 2 s to 2 min) and
    # the job, found still running, runs again once, as after a worker's death.
    @app.task(
        name=JOB_TASK, autoretry_for=(DBAPIError,), retry_backoff=2, retry_backoff_max=120, max_retries=10
    )
    def run_job_task(job_id: str) -> None:
        """A job an API process queued: run here against the shared database (status, progress
        and the outcome go to its row; the video to SEEKREEL_VIDEOS_DIR)."""
        proc = _process
        assert proc is not None, "the job task runs only in a `seekreel worker` process"
        proc.run(_run_job(proc, job_id), f"job {job_id}")


async def _run_job(proc: WorkerProcess, job_id: str) -> None:
    from ..jobs import JobManager  # the job machinery loads with the first job, not the worker
    from ..projects import STORYBOARD, StoryboardKind
    from ..projects.pipeline_engine import PipelineEngine

    jobs = JobManager(proc.settings, proc.store, pool=proc.pool, share_progress=True)
    jobs.register_kind(STORYBOARD, StoryboardKind(PipelineEngine(proc.settings)))
    jobs.videos_dir.mkdir(parents=True, exist_ok=True)
    await jobs.run_sent(job_id)


def _render_segment(task: Task[Any, Any], key: str, index: int) -> SegmentDone:
    proc = _process
    assert proc is not None, "the segment task runs only in a `seekreel worker` process"
    task_id = str(task.request.id)
    earlier = _earlier_result(task, proc.shelf)
    if earlier is not None:
        log.info("segment %d of %s was already rendered (a second delivery)", index, key[:12])
        return earlier
    started = time.monotonic()
    data = None
    if not is_unpacked(key, proc.bundles):
        data = proc.shelf.get(bundle_name(key))
        if data is None:  # gone with a Redis restart: the coordinator puts it back when it notices
            gone = SegmentFailed(f"the page's bundle {key[:12]} is gone (expired, or Redis restarted)")
            raise task.retry(exc=gone, countdown=2)
    proc.work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=proc.work) as tmp:
        out = Path(tmp) / "segment.mp4"
        try:
            page = unpack(key, data, proc.bundles)
            isolated = proc.run(
                render_segment(page.html, page.options, index, out, pool=proc.pool), f"segment {index}"
            )
        except PageCrashed as exc:
            raise task.retry(exc=SegmentFailed(str(exc))) from None
        except RenderError as exc:
            raise SegmentFailed(str(exc)) from None
        encoded = out.read_bytes()
    seconds = time.monotonic() - started
    log.info("rendered segment %d of %s in %.2f s", index, key[:12], seconds)
    done = SegmentDone(
        index=index,
        worker=str(task.request.hostname),
        pid=os.getpid(),
        seconds=round(seconds, 3),
        browser=proc.pool.kind.label,
        isolated=isolated,
        stored=None,
        data=None,
    )
    if proc.settings.segment_store is None:
        done["data"] = encoded
    else:
        done["stored"] = name = stored_name(task_id)
        proc.shelf.put(name, encoded, proc.settings.render_timeout)
    return done


def _earlier_result(task: Task[Any, Any], shelf: Shelf) -> SegmentDone | None:
    """The result of an earlier delivery of this very task, if one finished (its ack was lost)."""
    meta = task.backend.get_task_meta(str(task.request.id))
    if meta.get("status") != states.SUCCESS:
        return None
    done = cast(SegmentDone, meta["result"])
    if done["stored"] is not None and not shelf.has(done["stored"]):
        return None
    return done
