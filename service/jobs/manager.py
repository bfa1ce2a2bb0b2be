"""The job manager: a persistent render queue run with bounded concurrency over one warm browser pool.

Lifecycle: `await manager.start()` (recovers jobs left by a previous process, starts the
runners), `await manager.stop()` (running jobs go back to the queue for the next start).
Everything else is safe to call from the event loop the manager was started on.

A job is of a kind (kinds.py): `html` renders the job's composition; the application
registers others (`register_kind`) before `start`, e.g. narrated storyboards.

On a render farm (`remote`, remote.py) this process runs no job: `submit_*` hands each job
to a worker, which runs it with a manager of its own (`run_sent`) against the shared database.
The finish listeners still run here, in the API processes: each finished job is claimed in
its row by exactly one of them (`_watch_finished`), which tells its listeners.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from sandbox import BrowserPool, RenderError, RenderOptions, output_size, parse_composition

from ..settings import Settings
from ..storage import Job, JobStage, JobStatus, Store
from ..storage.models import utcnow
from .error_codes import error_code
from .events import Broker, EventKind, JobEvent
from .kinds import HTML, RENDERING, HtmlKind, JobKind, JobKindError
from .progress_rows import ProgressRows
from .remote import POLL_SECONDS, RemoteJobs
from .stored_options import options_to_dict

log = logging.getLogger("seekreel.jobs")

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
CANCEL_GRACE_SECONDS = 5.0
"""After a cancel, how long a render may take to notice before its task is cancelled outright."""
PROGRESS_INTERVAL = 0.25
PRUNE_INTERVAL = 3600.0
NOTICE_LEASE = timedelta(minutes=2)
"""A claim to tell a job's finish listeners that is older than this was left by a process that
died: another takes it over (the listeners then hear of the job twice, at worst)."""
NOTICE_POLL_SECONDS = 1.0
"""How often a farm's API process looks for finished jobs whose listeners nobody told."""

FinishListener = Callable[[Job], Awaitable[None]]


class QueueFull(Exception):
    """The queue holds `queue_size` jobs already; try again later (HTTP 429)."""


class JobNotFound(KeyError):
    """No job with that id."""

    def __str__(self) -> str:
        return f"no job with id {self.args[0]!r}"


class JobManager:
    """Runs render jobs: persistent, bounded, cancellable, observable.

    In-process API (used by the HTTP routes and the Slack bot)::

        job = await jobs.submit_render(html, jobs.render_options(resolution="720p"), meta={"by": "slack"})
        async for event in jobs.subscribe(job.id):   # snapshot, then status/progress until finished
            ...
        job = await jobs.wait(job.id)                # the finished Job
        if job.status is JobStatus.SUCCEEDED:
            job.video_path                           # the MP4 on disk

    `submit_render` raises `sandbox.CompositionError` for HTML that cannot be rendered at
    all (checked before queueing) and `QueueFull` when the queue is at its limit.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        pool: BrowserPool | None = None,
        videos_dir: Path | None = None,
        remote: RemoteJobs | None = None,
        share_progress: bool = False,
    ) -> None:
        self.settings = settings
        self.store = store
        self.videos_dir = videos_dir or settings.videos_dir or settings.data_dir / "videos"
        self._remote = remote
        self._progress_rows = ProgressRows(store) if share_progress else None
        """Write progress (frames, stage) to the database too: a farm worker's, read by the API processes."""
        self._pool = pool
        self._owns_pool = pool is None
        self._broker = Broker()
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._active: set[str] = set()
        """Ids queued or running in this process: the queue-size bound counts these."""
        self._running: dict[str, Job] = {}
        """Running jobs with their latest progress; progress is kept in memory, not written per frame."""
        self._cancels: dict[str, asyncio.Event] = {}
        self._render_tasks: dict[str, asyncio.Task[Any]] = {}
        self._last_progress: dict[str, float] = {}
        self._runners: list[asyncio.Task[None]] = []
        self._housekeeping: asyncio.Task[None] | None = None
        self._submit_lock = asyncio.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False
        self._kinds: dict[str, JobKind] = {HTML: HtmlKind()}
        self._finish_listeners: list[FinishListener] = []
        self._listener_tasks: set[asyncio.Task[None]] = set()

    # ---- lifecycle ----------------------------------------------------------------------

    @property
    def pool(self) -> BrowserPool:
        """The shared warm browser pool (also used for previews and validation)."""
        if self._pool is None:
            self._pool = BrowserPool(
                size=max(1, self.settings.render_concurrency * self.settings.job_workers)
            )
        return self._pool

    @property
    def running(self) -> bool:
        return bool(self._runners)

    async def start(self) -> None:
        """Recover what a previous process left, then start `render_concurrency` runners."""
        if self._runners:
            return
        self._loop = asyncio.get_running_loop()
        self._stopping = False
        # Fresh loop-bound state: the database is the truth about what is queued, and an
        # app may be started again on another event loop (tests, reloads).
        self._queue = asyncio.Queue()
        self._submit_lock = asyncio.Lock()
        self._active.clear()
        self.videos_dir.mkdir(parents=True, exist_ok=True)
        if self._remote is not None:  # the workers run, recover and redeliver jobs
            self._housekeeping = asyncio.create_task(self._prune_loop(), name="seekreel-prune")
            self._runners = [asyncio.create_task(self._watch_finished(), name="seekreel-finished")]
            return
        await self._recover()
        self._runners = [
            asyncio.create_task(self._runner(), name=f"seekreel-runner-{i}")
            for i in range(max(1, self.settings.render_concurrency))
        ]
        self._housekeeping = asyncio.create_task(self._prune_loop(), name="seekreel-prune")

    async def stop(self) -> None:
        """Stop the runners. Interrupted jobs return to the queue (not counted as a failed run)."""
        self._stopping = True
        tasks = [*self._runners, *([self._housekeeping] if self._housekeeping else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._runners = []
        self._housekeeping = None
        if self._listener_tasks:  # let finish listeners record what they were told
            await asyncio.wait(list(self._listener_tasks), timeout=CANCEL_GRACE_SECONDS)
        if self._owns_pool and self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def __aenter__(self) -> JobManager:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---- the in-process API -------------------------------------------------------------

    def register_kind(self, name: str, kind: JobKind) -> None:
        """Jobs whose meta says `kind: name` are run by `kind` (register before `start`)."""
        self._kinds[name] = kind

    def kind_stages(self, job: Job) -> Mapping[str, float]:
        """The stages a job of this kind goes through, with their weights (for one progress figure)."""
        kind = self._kinds.get(job.kind)
        return kind.stages(job) if kind else {RENDERING: 1.0}

    def add_finish_listener(self, listener: FinishListener) -> None:
        """`await listener(job)` once each time a job finishes (succeeded, failed or cancelled): in
        this process, or on a farm in one of its API processes."""
        self._finish_listeners.append(listener)

    def outputs_dir(self, job_id: str) -> Path:
        """The folder for a job's outputs besides its MP4 (captions, composition); pruned with the video."""
        return self.videos_dir / job_id

    def render_options(self, **overrides: Any) -> RenderOptions:
        """RenderOptions with this service's limits and timeouts, and a job's share of workers;
        `overrides` are fps, resolution, … (None: not chosen)."""
        chosen = {name: value for name, value in overrides.items() if value is not None}
        chosen.setdefault("workers", self.settings.job_workers)
        return self.settings.render_options(**chosen)

    async def submit_render(
        self,
        html: str,
        options: RenderOptions | None = None,
        *,
        draft_id: str | None = None,
        draft_version: int | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Job:
        """Queue a render of `html` and return the queued Job at once.

        Raises CompositionError when the HTML cannot be rendered (no duration, missing
        variables, bad resolution …) and QueueFull when `queue_size` jobs are waiting or running.
        """
        options = options or self.render_options()
        comp = parse_composition(
            html, variables=options.variables, fps=options.fps, max_duration=options.max_duration
        )
        output_size((comp.width, comp.height), options.resolution)
        return await self._enqueue(
            html=html,
            options=options_to_dict(options),
            meta=meta,
            draft_id=draft_id,
            draft_version=draft_version,
            frames_total=comp.frame_count,
        )

    async def submit_kind(self, kind: str, options: RenderOptions, *, meta: dict[str, Any]) -> Job:
        """Queue a job of a registered kind; `meta` holds its input. QueueFull at the queue limit.

        The kind checks its input before it is submitted; the job's HTML is what the kind
        makes (empty until then).
        """
        if kind not in self._kinds:
            raise ValueError(f"no job kind {kind!r} is registered")
        return await self._enqueue(html="", options=options_to_dict(options), meta={**meta, "kind": kind})

    async def _enqueue(self, **fields: Any) -> Job:
        async with self._submit_lock:
            self.check_room()
            job = await asyncio.to_thread(self.store.create_job, **fields)
            if self._remote is not None:
                await asyncio.to_thread(self._remote.send, job.id)
                return job
            self._active.add(job.id)
        self._queue.put_nowait(job.id)
        return job

    async def run_sent(self, job_id: str) -> None:
        """Run a job a farm's API process sent (in a worker). A job found running was left by a
        worker that died: it runs again once, like after a restart, and then fails with a reason."""
        self._loop = asyncio.get_running_loop()
        job = await asyncio.to_thread(self.store.get_job, job_id)
        if job is not None and job.status is JobStatus.RUNNING and not await self._recover_one(job):
            return
        try:
            await self._run(job_id)
        finally:
            if self._progress_rows is not None:  # no figure of this run lands on the row of a next one
                await self._progress_rows.settle(CANCEL_GRACE_SECONDS)

    async def get(self, job_id: str) -> Job | None:
        """The job's current state (progress of a running job included), or None."""
        # The live state is taken before the row is read too: a job leaves `_running` once its
        # finished row is written, so a row read just before that write still says running,
        # and must still come with the job's progress — never with the row's 0.
        before = self._running.get(job_id)
        job = await asyncio.to_thread(self.store.get_job, job_id)
        if job is None:
            return None
        return self._with_live_progress(job, self._running.get(job_id) or before)

    async def subscribe(self, job_id: str) -> AsyncGenerator[JobEvent]:
        """Events for one job: a `snapshot` first, then `status`/`progress` until it is finished.

        Raises JobNotFound for an unknown id. Close the iterator when done early
        (`async with contextlib.aclosing(jobs.subscribe(id)) as events: …`).
        """
        if self._remote is not None:
            async for event in self._follow_row(job_id):
                yield event
            return
        queue = self._broker.open(job_id)
        try:
            job = await self.get(job_id)
            if job is None:
                raise JobNotFound(job_id)
            yield JobEvent("snapshot", job)
            while not job.finished:
                event = await queue.get()
                job = event.job
                yield event
        finally:
            self._broker.close(job_id, queue)

    async def _follow_row(self, job_id: str) -> AsyncGenerator[JobEvent]:
        """A farm job's events, read from its row: whichever worker runs it, on whatever host."""
        job = await self.get(job_id)
        if job is None:
            raise JobNotFound(job_id)
        yield JobEvent("snapshot", job)
        while not job.finished:
            await asyncio.sleep(POLL_SECONDS)
            now = await self.get(job_id)
            if now is None:
                raise JobNotFound(job_id)
            if now.status is not job.status:
                yield JobEvent("status", now)
            elif (now.frames_done, now.frames_total, now.stage) != (
                job.frames_done,
                job.frames_total,
                job.stage,
            ):
                yield JobEvent("progress", now)
            job = now

    async def wait(self, job_id: str, timeout: float | None = None) -> Job:
        """Wait until the job is finished and return it. Raises JobNotFound or TimeoutError."""
        async with asyncio.timeout(timeout), contextlib.aclosing(self.subscribe(job_id)) as events:
            async for event in events:
                if event.job.finished:
                    return event.job
        raise AssertionError("unreachable: subscribe ends only with a finished job")

    async def cancel(self, job_id: str, wait: float = CANCEL_GRACE_SECONDS + 5) -> Job:
        """Cancel a queued or running job and return its state (finished jobs are returned unchanged).

        A queued job is cancelled at once; a running one is asked to stop and given up to
        `wait` seconds to do so (the returned state may still say running after that).
        """
        job = await asyncio.to_thread(
            self.store.update_job,
            job_id,
            only_if=[JobStatus.QUEUED],
            status=JobStatus.CANCELLED,
            error="cancelled before it started",
            error_code="cancelled",
            finished_at=utcnow(),
        )
        if job is not None:
            self._active.discard(job_id)
            self._publish("status", job)
            return job
        job = await self.get(job_id)
        if job is None:
            raise JobNotFound(job_id)
        if job.status is JobStatus.RUNNING and self._remote is not None:
            await asyncio.to_thread(self._remote.stop, job_id)
            stopped = await asyncio.to_thread(
                self.store.update_job,
                job_id,
                only_if=[JobStatus.RUNNING],
                finished_at=utcnow(),
                **_CANCELLED_FIELDS,
            )
            return stopped or await self.get(job_id) or job
        if job.status is JobStatus.RUNNING and job_id in self._cancels:
            self._cancels[job_id].set()
            task = self._render_tasks.get(job_id)
            if task is not None:
                asyncio.get_running_loop().call_later(CANCEL_GRACE_SECONDS, task.cancel)
            with contextlib.suppress(TimeoutError):
                return await self.wait(job_id, timeout=wait)
            return await self.get(job_id) or job
        return job

    def check_room(self) -> None:
        """Raise QueueFull if a submit would be refused now (call it before slow work like generation)."""
        if self.queue_depth() >= self.settings.queue_size:
            raise QueueFull(
                f"the render queue is full ({self.settings.queue_size} jobs); try again in a little while"
            )

    def queue_depth(self) -> int:
        """Jobs queued or running in this process; on a farm, anywhere (the database counts them)."""
        if self._remote is not None:
            return self.store.count_jobs(ACTIVE)
        return len(self._active)

    # ---- running ------------------------------------------------------------------------

    async def _runner(self) -> None:
        while True:
            job_id = await self._queue.get()
            try:
                await self._run(job_id)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug here must not kill the runner
                log.exception("job %s: unexpected error in the runner", job_id)
                self._active.discard(job_id)

    async def _run(self, job_id: str) -> None:
        queued = await asyncio.to_thread(self.store.get_job, job_id)
        if queued is None or queued.status is not JobStatus.QUEUED:
            self._active.discard(job_id)  # cancelled while it waited
            return
        job = await asyncio.to_thread(
            self.store.update_job,
            job_id,
            only_if=[JobStatus.QUEUED],
            status=JobStatus.RUNNING,
            runs=queued.runs + 1,
            started_at=utcnow(),
            frames_done=0,
            stage_name=None,
        )
        if job is None:
            self._active.discard(job_id)
            return
        cancel = asyncio.Event()
        self._cancels[job_id] = cancel
        self._running[job_id] = job
        self._publish("status", job)
        out = self.videos_dir / f"{job_id}.mp4"
        folder = self.outputs_dir(job_id)
        fields: dict[str, Any]
        try:
            kind = self._kinds.get(job.kind)
            if kind is None:
                raise JobKindError("unknown_kind", f"this server cannot run jobs of kind {job.kind!r}")
            shutil.rmtree(folder, ignore_errors=True)  # what an interrupted run left
            folder.mkdir(parents=True)
            task = asyncio.create_task(
                kind.run(
                    job,
                    out,
                    folder=folder,
                    pool=self.pool,
                    progress=self._progress_callback(job_id),
                    cancel=cancel,
                )
            )
            self._render_tasks[job_id] = task
            try:
                result = await task
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if self._stopping or (current is not None and current.cancelling()):
                    await self._requeue_after_stop(job_id, job.runs)
                    self._running.pop(job_id, None)
                    raise
                raise _Cancelled() from None
            if cancel.is_set():
                raise _Cancelled()
            fields = {
                "status": JobStatus.SUCCEEDED,
                "frames_done": result.frames,
                "frames_total": result.frames,
                "video_path": out,
                "video_bytes": out.stat().st_size,
                "error": None,
                "error_code": None,
            }
            if result.html is not None:
                fields["html"] = result.html
            if result.meta:
                fields["meta"] = {**job.meta, **result.meta}
        except _Cancelled:
            fields = dict(_CANCELLED_FIELDS)
        except (RenderError, JobKindError) as exc:
            if cancel.is_set():  # the render noticed the cancel and stopped with an error
                fields = dict(_CANCELLED_FIELDS)
            else:
                fields = {"status": JobStatus.FAILED, "error": str(exc), "error_code": error_code(exc)}
        except Exception as exc:
            log.exception("job %s: render crashed", job_id)
            fields = {
                "status": JobStatus.FAILED,
                "error": f"internal error while rendering ({type(exc).__name__}: {exc})",
                "error_code": "internal",
            }
        finally:
            self._cancels.pop(job_id, None)
            self._render_tasks.pop(job_id, None)
            self._last_progress.pop(job_id, None)
            last = self._running.get(job_id, job)
            self._active.discard(job_id)
        if fields["status"] is not JobStatus.SUCCEEDED:  # nothing half-made stays behind
            out.unlink(missing_ok=True)
            shutil.rmtree(folder, ignore_errors=True)
        fields.setdefault("frames_done", last.frames_done)
        try:
            finished = await asyncio.to_thread(
                self.store.update_job, job_id, only_if=[JobStatus.RUNNING], finished_at=utcnow(), **fields
            )
        finally:
            # Dropped only now: until the row says finished, a reader of the row (still
            # "running", progress not in it) takes the progress from here, so it never dips to 0.
            self._running.pop(job_id, None)
        if finished is not None:
            self._publish("status", finished)

    async def _requeue_after_stop(self, job_id: str, runs: int) -> None:
        """A stop is not the job's fault: put it back as it was before this run."""
        with contextlib.suppress(Exception):
            await asyncio.shield(
                asyncio.to_thread(
                    self.store.update_job,
                    job_id,
                    only_if=[JobStatus.RUNNING],
                    status=JobStatus.QUEUED,
                    runs=max(0, runs - 1),
                    frames_done=0,
                    started_at=None,
                )
            )

    def _progress_callback(self, job_id: str) -> Callable[[str, int, int], None]:
        loop = self._loop or asyncio.get_running_loop()

        def progress(stage: str, done: int, total: int) -> None:  # may be called from a worker thread
            loop.call_soon_threadsafe(self._on_progress, job_id, stage, done, total)

        return progress

    def _on_progress(self, job_id: str, stage: str, done: int, total: int) -> None:
        job = self._running.get(job_id)
        if job is None or self._is_behind(job, stage):
            return
        new_stage = job.stage is None or job.stage.name != stage
        job = replace(job, stage=JobStage(stage, done, total))
        if stage == RENDERING:
            job = replace(job, frames_done=done, frames_total=total or job.frames_total)
        self._running[job_id] = job
        now = time.monotonic()
        if not new_stage and done < total and now - self._last_progress.get(job_id, 0.0) < PROGRESS_INTERVAL:
            return
        self._last_progress[job_id] = now
        self._publish("progress", job)

    def _is_behind(self, job: Job, stage: str) -> bool:
        """A report from a stage before the job's current one: scenes are voiced and fetched side
        by side, so a late voice arrives after fetching began. The job stays where it is, so
        its progress never goes back."""
        stages = list(self.kind_stages(job))
        if job.stage is None or stage not in stages or job.stage.name not in stages:
            return False
        return stages.index(stage) < stages.index(job.stage.name)

    def _publish(self, kind: EventKind, job: Job) -> None:
        job = self._with_live_progress(job, self._running.get(job.id))
        if kind == "progress" and self._progress_rows is not None:
            stage = job.stage or JobStage(RENDERING, job.frames_done, job.frames_total)
            self._progress_rows.write(
                job.id,
                frames_done=job.frames_done,
                frames_total=job.frames_total,
                stage_name=stage.name,
                stage_done=stage.done,
                stage_total=stage.total,
            )
        self._broker.publish(JobEvent(kind, job))
        if kind == "status" and job.finished and self._remote is None:  # a farm's: _watch_finished
            self._notify_soon(job)

    def _notify_soon(self, job: Job) -> None:
        if not self._finish_listeners:  # a farm worker's manager: the API processes tell theirs
            return
        task = asyncio.create_task(self._notify(job))
        self._listener_tasks.add(task)
        task.add_done_callback(self._listener_tasks.discard)

    async def _notify(self, job: Job) -> None:
        """Tell the finish listeners of `job`, if this process is the one that claims it."""
        stale_before = utcnow() - NOTICE_LEASE
        if not await asyncio.to_thread(self.store.claim_notice, job.id, stale_before):
            return
        await asyncio.gather(*(self._tell(listener, job) for listener in self._finish_listeners))
        await asyncio.to_thread(self.store.mark_notified, job.id)

    async def _watch_finished(self) -> None:
        """A farm's API process: jobs finish on the workers, so find them in the database."""
        while True:
            try:
                for job in await asyncio.to_thread(self.store.jobs_to_notify, utcnow() - NOTICE_LEASE):
                    self._notify_soon(job)
            except Exception:  # the database away for a while: try again
                log.exception("looking for finished jobs failed")
            await asyncio.sleep(NOTICE_POLL_SECONDS)

    @staticmethod
    async def _tell(listener: FinishListener, job: Job) -> None:
        try:
            await listener(job)
        except Exception:
            log.exception("job %s: a finish listener failed", job.id)

    def _with_live_progress(self, job: Job, live: Job | None) -> Job:
        if live is None or job.status is not JobStatus.RUNNING:
            return job
        return replace(job, frames_done=live.frames_done, frames_total=live.frames_total, stage=live.stage)

    # ---- restart recovery and housekeeping ----------------------------------------------

    async def _recover(self) -> None:
        """Queued jobs run again; a job that was running is re-queued once, then failed with a reason."""
        for job in await asyncio.to_thread(self.store.jobs_with_status, ACTIVE):
            if job.status is JobStatus.QUEUED or await self._recover_one(job):
                self._active.add(job.id)
                self._queue.put_nowait(job.id)

    async def _recover_one(self, job: Job) -> bool:
        """A job left running by a process that stopped: queued again (True) once, then failed."""
        if job.runs >= 2:
            failed = await asyncio.to_thread(
                self.store.update_job,
                job.id,
                only_if=[JobStatus.RUNNING],
                status=JobStatus.FAILED,
                error="the service stopped twice while rendering this job; not retrying it again",
                error_code="interrupted",
                finished_at=utcnow(),
            )
            log.warning("job %s: interrupted twice, marked failed", job.id)
            if failed is not None:
                self._publish("status", failed)
            return False
        await asyncio.to_thread(
            self.store.update_job,
            job.id,
            only_if=[JobStatus.RUNNING],
            status=JobStatus.QUEUED,
            frames_done=0,
            started_at=None,
        )
        log.info("job %s: was running when the service stopped; re-queued", job.id)
        return True

    async def _prune_loop(self) -> None:
        while True:
            try:
                await self._prune_videos()
            except Exception:
                log.exception("pruning old videos failed")
            await asyncio.sleep(PRUNE_INTERVAL)

    async def _prune_videos(self) -> None:
        cutoff = utcnow() - timedelta(hours=self.settings.video_retention_hours)
        for job in await asyncio.to_thread(self.store.jobs_with_videos_finished_before, cutoff):
            if job.video_path is not None:
                job.video_path.unlink(missing_ok=True)
            shutil.rmtree(self.outputs_dir(job.id), ignore_errors=True)
            await asyncio.to_thread(self.store.update_job, job.id, video_path=None)


_CANCELLED_FIELDS = {
    "status": JobStatus.CANCELLED,
    "error": "cancelled while rendering",
    "error_code": "cancelled",
}


class _Cancelled(Exception):
    """Internal: the render stopped because someone cancelled the job."""
