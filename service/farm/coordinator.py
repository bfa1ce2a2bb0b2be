"""The coordinator: a render planned here, its segments fanned out to the farm as tasks, their
results collected and joined here — into the bytes `render_to_file` writes on one machine.

It never waits without a bound. No worker answering for `SEEKREEL_FARM_WAIT` seconds, or the
broker unreachable for as long, fails the render with one line; Redis restarting (and so
losing the queued tasks and finished results) is noticed by its changed run id and the
unfinished segments are sent again — harmless, since a segment task is idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, cast

import redis
from celery import Celery, states
from celery.backends.base import KeyValueStoreBackend
from celery.exceptions import TimeLimitExceeded
from kombu.exceptions import OperationalError

from sandbox import (
    RenderCancelled,
    RenderError,
    RenderOptions,
    RenderPlan,
    RenderResult,
    RenderTimeout,
    join_segments,
    plan_render,
)

from ..settings import Settings
from .app import RENDER_QUEUE, SEGMENT_TASK, farm_app, shown_url
from .bundle import Bundle, pack
from .segments import SegmentDone, bundle_name, task_id
from .shelf import redis_client, shelf_for

log = logging.getLogger("seekreel.farm")
T = TypeVar("T")
Progress = Callable[[int, int], None]

POLL_SECONDS = 0.25
HEALTH_SECONDS = 2.0
"""How often the coordinator checks that Redis is the same and that a worker answers."""
CALL_TIMEOUT = 15.0
"""Longest one call to the broker may block (kombu retries some calls without end)."""


class FarmError(RenderError):
    """The farm could not render: no worker alive, or the broker lost."""


class NoAnswer(Exception):
    """A call to the broker blocked for longer than CALL_TIMEOUT."""


BROKER_TROUBLE = (redis.RedisError, OperationalError, OSError, NoAnswer)


async def render_on_farm(
    html: str,
    out: Path,
    options: RenderOptions,
    settings: Settings,
    *,
    app: Celery | None = None,
    progress: Progress | None = None,
    cancel: asyncio.Event | None = None,
) -> RenderResult:
    """Render `html` to `out` on the farm's workers; `progress(segments done, segments)`.
    Written atomically, as `render_to_file` writes: on any failure no file is left."""
    plan = plan_render(html, options)
    out = Path(out)
    if not out.parent.is_dir():
        raise RenderError(f"output folder {out.parent} does not exist")
    bundle = await asyncio.to_thread(
        pack, html, options, leave_out=out, max_assets_bytes=settings.farm_max_assets_bytes
    )
    render = _FarmRender(settings, app or farm_app(settings), plan, bundle)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        async with asyncio.timeout(options.render_timeout):
            await render.start(progress)
            parts = await render.collect(work, progress, cancel)
            await join_segments(parts, out)
    except TimeoutError:
        raise RenderTimeout(
            f"the render took longer than {options.render_timeout:g} s and was stopped"
        ) from None
    finally:
        await render.clean_up()
        shutil.rmtree(work, ignore_errors=True)
    return render.result(out)


class _FarmRender:
    """One render's segments on the farm: sent, followed, collected, cleaned up."""

    def __init__(self, settings: Settings, app: Celery, plan: RenderPlan, bundle: Bundle) -> None:
        self.settings, self.app, self.plan, self.bundle = settings, app, plan, bundle
        self.client = redis_client(settings)
        self.shelf = shelf_for(settings, self.client)
        self.backend = cast(KeyValueStoreBackend, app.backend)
        self.render_id = uuid.uuid4().hex[:12]
        self.ids = [task_id(bundle.key, i, self.render_id) for i in range(len(plan.segments))]
        self.pending = set(range(len(plan.segments)))
        self.done: dict[int, SegmentDone] = {}
        self.run_id = ""
        now = time.monotonic()
        self.last_contact = self.last_life = self.last_health = now

    async def start(self, progress: Progress | None) -> None:
        try:
            self.run_id = await _bounded(self._redis_run_id)
            await _bounded(self._send)
        except BROKER_TROUBLE as exc:
            raise FarmError(f"cannot reach the broker at {shown_url(self.settings)}: {exc}") from None
        self.last_life = time.monotonic()
        if progress is not None:
            progress(0, len(self.ids))

    async def collect(
        self, work: Path, progress: Progress | None, cancel: asyncio.Event | None
    ) -> list[Path]:
        """The segment files in `work`, in order, once every segment is done."""
        total = len(self.ids)
        while self.pending:
            if cancel is not None and cancel.is_set():
                raise RenderCancelled("the render was cancelled")
            try:
                finished = await _bounded(functools.partial(self._poll, work))
                await self._check_health()
                self.last_contact = time.monotonic()
            except BROKER_TROUBLE as exc:
                if time.monotonic() - self.last_contact > self.settings.farm_wait:
                    raise FarmError(
                        f"lost the broker at {shown_url(self.settings)} for more than "
                        f"{self.settings.farm_wait:g} s (SEEKREEL_FARM_WAIT): {exc}"
                    ) from None
                finished = []
            for done in finished:
                self.done[done["index"]] = done
                self.last_life = time.monotonic()
                if progress is not None:
                    progress(len(self.done), total)
            if self.pending:
                await asyncio.sleep(POLL_SECONDS)
        return [_part(work, index) for index in range(total)]

    async def clean_up(self) -> None:
        """Unfinished segments revoked (a running one's worker process is terminated, its browser
        and ffmpeg with it); results and stored segments deleted. Best effort: the broker may be gone."""
        with contextlib.suppress(*BROKER_TROUBLE):
            await _bounded(self._clean_up)

    def result(self, out: Path) -> RenderResult:
        comp = self.plan.composition
        labels = sorted({d["browser"] for d in self.done.values()})
        return RenderResult(
            out, comp.frame_count, self.plan.width, self.plan.height, comp.fps, comp.duration,
            len(self.ids), len({d["worker"] for d in self.done.values()}), ", ".join(labels),
            all(d["isolated"] for d in self.done.values()),
        )  # fmt: skip

    # --- blocking calls, each run in a thread of its own -------------------------------------

    def _redis_run_id(self) -> str:
        return str(self.client.info("server")["run_id"])

    def _send(self, indices: set[int] | None = None) -> None:
        """The bundle (again, after a Redis restart) and the tasks of `indices` (all pending)."""
        ttl = self.settings.render_timeout + self.settings.farm_time_limit
        self.shelf.put(bundle_name(self.bundle.key), self.bundle.data, ttl)
        for index in sorted(self.pending if indices is None else indices):
            self.app.send_task(
                SEGMENT_TASK,
                args=[self.bundle.key, index, self.render_id],
                task_id=self.ids[index],
                queue=RENDER_QUEUE,
            )

    def _poll(self, work: Path) -> list[SegmentDone]:
        """The segments finished since the last poll, written into `work`; raises for one that failed."""
        order = sorted(self.pending)
        keys = [self.backend.get_key_for_task(self.ids[i]) for i in order]
        finished = []
        for index, raw in zip(order, self.client.mget(keys), strict=True):
            if not isinstance(raw, bytes):  # not finished (no result yet)
                continue
            meta = self.backend.decode_result(raw)
            if meta["status"] == states.SUCCESS:
                done = cast(SegmentDone, meta["result"])
                _part(work, index).write_bytes(self._segment_bytes(done))
                done["data"] = None  # on disk now: a long render's segments need not fit in memory
                self.pending.discard(index)
                finished.append(done)
            elif meta["status"] == states.FAILURE:
                raise RenderError(self._failure(index, meta["result"]))
            elif meta["status"] == states.REVOKED:
                raise RenderCancelled(f"segment {index} was revoked (by an operator?)")
        return finished

    def _failure(self, index: int, exc: object) -> str:
        if isinstance(exc, TimeLimitExceeded):
            return (
                f"segment {index} took longer than {self.settings.farm_time_limit:g} s "
                "(SEEKREEL_FARM_TIME_LIMIT): its worker process was killed"
            )
        return str(exc)

    async def _check_health(self) -> None:
        """Every HEALTH_SECONDS: send again what a Redis restart lost; fail when no worker answers."""
        now = time.monotonic()
        if now - self.last_health < HEALTH_SECONDS:
            return
        self.last_health = now
        run_id = await _bounded(self._redis_run_id)
        if run_id != self.run_id:
            log.warning("Redis restarted: sending the %d unfinished segments again", len(self.pending))
            self.run_id = run_id
            await _bounded(self._send)
        if now - self.last_life < HEALTH_SECONDS:
            return
        if await _bounded(lambda: self.app.control.ping(timeout=1.0, limit=1)):
            self.last_life = time.monotonic()
        elif now - self.last_life > self.settings.farm_wait:
            raise FarmError(
                f"no render worker answered for {self.settings.farm_wait:g} s (SEEKREEL_FARM_WAIT; "
                f"broker {shown_url(self.settings)}): start one with `seekreel worker`"
            )

    def _segment_bytes(self, done: SegmentDone) -> bytes:
        if done["data"] is not None:
            return done["data"]
        assert done["stored"] is not None
        data = self.shelf.get(done["stored"])
        if data is None:
            raise FarmError(
                f"segment {done['index']} is missing from the segment store {self.settings.segment_store}"
            )
        return data

    def _clean_up(self) -> None:
        unfinished = [self.ids[i] for i in sorted(self.pending)]
        if unfinished:
            self.client.ping()  # a revoke to a broker that is gone would retry without end
            self.app.control.revoke(unfinished, terminate=True, signal="SIGTERM")
        self.client.delete(*(self.backend.get_key_for_task(t) for t in self.ids))
        self.shelf.discard([d["stored"] for d in self.done.values() if d["stored"] is not None])


def _part(work: Path, index: int) -> Path:
    return work / f"seg{index:05d}.mp4"


async def _bounded(call: Callable[[], T]) -> T:
    """`call()` in a daemon thread, awaited at most CALL_TIMEOUT: a call stuck in kombu's endless
    retries can neither hang the render nor keep the process from exiting."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[], object]) -> None:
        if not future.done():
            outcome()

    def run() -> None:
        outcome: Callable[[], object]
        try:
            outcome = functools.partial(future.set_result, call())
        except BaseException as exc:
            outcome = functools.partial(future.set_exception, exc)
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody is waiting
            loop.call_soon_threadsafe(settle, outcome)

    threading.Thread(target=run, daemon=True, name="seekreel-farm-call").start()
    try:
        async with asyncio.timeout(CALL_TIMEOUT):
            return await future
    except TimeoutError:
        raise NoAnswer(f"the broker did not answer within {CALL_TIMEOUT:g} s") from None
