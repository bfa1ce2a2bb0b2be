"""The job manager: real renders in real Chromium, persistence across restarts, cancel, events, bounds."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from media import video_info
from service_helpers import THROWS_LATE, make_settings, tiny

from sandbox import BrowserPool, CompositionError
from service.jobs import JobManager, JobNotFound, JobStatus, QueueFull
from service.jobs.progress_rows import ProgressRows
from service.storage import Job, Store, open_store
from service.storage.models import utcnow


def manager(tmp_path: Path, **overrides: object) -> JobManager:
    settings = make_settings(tmp_path, **overrides)
    return JobManager(settings, open_store(settings.data_dir, settings.database_url))


def test_a_job_renders_and_reports_snapshot_progress_and_status_events(tmp_path: Path) -> None:
    async def main() -> tuple[list[tuple[str, str, int]], object]:
        async with manager(tmp_path) as jobs:
            job = await jobs.submit_render(tiny(), jobs.render_options(fps=10), meta={"who": "test"})
            assert job.status is JobStatus.QUEUED and job.frames_total == 10
            seen = []
            async with contextlib.aclosing(jobs.subscribe(job.id)) as events:
                async for event in events:
                    seen.append((event.kind, event.job.status.value, event.job.frames_done))
            return seen, await jobs.get(job.id)

    seen, done = asyncio.run(main())
    assert seen[0][0] == "snapshot"
    assert seen[-1] == ("status", "succeeded", 10)
    progress = [frames for kind, _, frames in seen if kind == "progress"]
    assert progress == sorted(progress) and progress[-1] == 10
    assert done.status is JobStatus.SUCCEEDED and done.meta == {"who": "test"}
    assert done.video_path is not None and done.video_bytes == done.video_path.stat().st_size
    info = video_info(done.video_path)
    assert (info["width"], info["height"], info["frames"]) == (320, 180, 10)


def test_a_queued_job_left_by_a_stopped_manager_runs_in_the_next_one(tmp_path: Path) -> None:
    async def main() -> None:
        first = manager(tmp_path)
        job = await first.submit_render(tiny(), first.render_options(fps=10))  # never started: stays queued
        await first.stop()
        first.store.close()
        assert (await manager(tmp_path).get(job.id)).status is JobStatus.QUEUED

        async with manager(tmp_path) as second:
            done = await second.wait(job.id, timeout=120)
        assert done.status is JobStatus.SUCCEEDED and done.video_path.exists()

    asyncio.run(main())


def test_a_job_that_was_running_is_requeued_once_then_failed_with_a_reason(tmp_path: Path) -> None:
    """A process that died mid-render leaves `running` rows: run them again once, never leave them stuck."""
    settings = make_settings(tmp_path)
    store = open_store(settings.data_dir, settings.database_url)
    options = {"fps": 10, "variables": {}}
    once = store.create_job(html=tiny(), options=options, frames_total=10)
    store.update_job(once.id, status=JobStatus.RUNNING, runs=1, started_at=utcnow())
    twice = store.create_job(html=tiny(), options=options, frames_total=10)
    store.update_job(twice.id, status=JobStatus.RUNNING, runs=2, started_at=utcnow())

    async def main() -> None:
        async with JobManager(settings, store) as jobs:
            rerun = await jobs.wait(once.id, timeout=120)
            gave_up = await jobs.get(twice.id)
        assert rerun.status is JobStatus.SUCCEEDED and rerun.runs == 2
        assert gave_up.status is JobStatus.FAILED and gave_up.error_code == "interrupted"
        assert "stopped twice" in gave_up.error and gave_up.finished_at is not None

    asyncio.run(main())


def test_stopping_mid_render_puts_the_job_back_in_the_queue(tmp_path: Path) -> None:
    async def main() -> None:
        jobs = manager(tmp_path, render_concurrency=1)
        await jobs.start()
        job = await jobs.submit_render(tiny(3), jobs.render_options(fps=30))
        async with contextlib.aclosing(jobs.subscribe(job.id)) as events:
            async for event in events:
                if event.kind == "progress":
                    break
        await jobs.stop()
        back = await jobs.get(job.id)
        assert back.status is JobStatus.QUEUED and back.runs == 0  # a stop is not the job's fault
        async with manager(tmp_path) as again:
            assert (await again.wait(job.id, timeout=120)).status is JobStatus.SUCCEEDED

    asyncio.run(main())


def test_cancel_a_queued_and_a_running_job(tmp_path: Path) -> None:
    async def main() -> None:
        async with manager(tmp_path, render_concurrency=1) as jobs:
            running = await jobs.submit_render(tiny(3), jobs.render_options(fps=30))
            queued = await jobs.submit_render(tiny(), jobs.render_options(fps=10))
            cancelled = await jobs.cancel(queued.id)
            assert cancelled.status is JobStatus.CANCELLED and cancelled.error_code == "cancelled"

            async with contextlib.aclosing(jobs.subscribe(running.id)) as events:
                async for event in events:
                    if event.kind == "progress":
                        break
            stopped = await jobs.cancel(running.id)
            assert stopped.status is JobStatus.CANCELLED
            assert stopped.frames_done < stopped.frames_total
            assert not (jobs.videos_dir / f"{running.id}.mp4").exists()
            assert jobs.queue_depth() == 0
            # the runner is free again
            after = await jobs.submit_render(tiny(), jobs.render_options(fps=10))
            assert (await jobs.wait(after.id, timeout=120)).status is JobStatus.SUCCEEDED
            # cancelling a finished job changes nothing
            assert (await jobs.cancel(after.id)).status is JobStatus.SUCCEEDED

    asyncio.run(main())


def test_a_page_error_fails_only_its_own_job(tmp_path: Path) -> None:
    async def main() -> None:
        async with manager(tmp_path) as jobs:
            bad = await jobs.submit_render(THROWS_LATE, jobs.render_options(fps=10))
            good = await jobs.submit_render(tiny(), jobs.render_options(fps=10))
            failed, ok = await jobs.wait(bad.id, timeout=120), await jobs.wait(good.id, timeout=120)
        assert failed.status is JobStatus.FAILED and failed.error_code == "page_error"
        assert "boom at the middle" in failed.error
        assert ok.status is JobStatus.SUCCEEDED

    asyncio.run(main())


def test_submit_refuses_bad_html_and_a_full_queue_before_storing_anything(tmp_path: Path) -> None:
    async def main() -> None:
        jobs = manager(tmp_path, queue_size=2)  # not started: nothing drains the queue
        with pytest.raises(CompositionError, match="data-duration"):
            await jobs.submit_render("<!doctype html><html><body>no duration</body></html>")
        with pytest.raises(CompositionError, match="LABEL"):
            await jobs.submit_render(tiny().replace('"LABEL": "hello"', '"OTHER": "x"'))
        for _ in range(2):
            await jobs.submit_render(tiny(), jobs.render_options(fps=10))
        with pytest.raises(QueueFull, match="full"):
            await jobs.submit_render(tiny(), jobs.render_options(fps=10))
        assert jobs.store.count_jobs([JobStatus.QUEUED]) == 2
        with pytest.raises(JobNotFound):
            await jobs.wait("job_missing", timeout=5)

    asyncio.run(main())


def test_a_shared_pool_survives_a_killed_browser(tmp_path: Path) -> None:
    """A browser that dies between jobs is replaced: the next job still renders."""

    async def main() -> None:
        settings = make_settings(tmp_path, render_concurrency=1)
        store = open_store(settings.data_dir, settings.database_url)
        async with BrowserPool(size=1) as pool, JobManager(settings, store, pool=pool) as jobs:
            first = await jobs.submit_render(tiny(), jobs.render_options(fps=10))
            assert (await jobs.wait(first.id, timeout=120)).status is JobStatus.SUCCEEDED
            for browser in list(pool._idle):
                browser.proc.kill()
                await browser.proc.wait()
            second = await jobs.submit_render(tiny(), jobs.render_options(fps=10))
            assert (await jobs.wait(second.id, timeout=120)).status is JobStatus.SUCCEEDED

    asyncio.run(main())


def test_old_videos_are_pruned_but_the_job_record_stays(tmp_path: Path) -> None:
    async def main() -> None:
        async with manager(tmp_path, video_retention_hours=0) as jobs:
            job = await jobs.submit_render(tiny(), jobs.render_options(fps=10))
            done = await jobs.wait(job.id, timeout=120)
            assert done.video_path.exists()
            await jobs._prune_videos()
            pruned = await jobs.get(job.id)
        assert pruned.status is JobStatus.SUCCEEDED and pruned.video_path is None
        assert not done.video_path.exists()

    asyncio.run(main())


def test_one_claim_per_finished_job_and_a_lapsed_claim_is_taken_over(tmp_path: Path) -> None:
    """What makes a farm's finish listeners run once: only one process's claim of a finished
    job succeeds, until the claim is older than the lease (its process died before it told
    them); once told, nobody claims it again."""
    store = open_store(tmp_path)
    try:
        job = store.create_job(html="<p>x</p>", options={})
        assert not store.claim_notice(job.id, utcnow()), "not finished yet"
        store.update_job(job.id, status=JobStatus.SUCCEEDED, finished_at=utcnow())
        lease_start = utcnow() - timedelta(minutes=2)
        assert [j.id for j in store.jobs_to_notify(lease_start)] == [job.id]
        assert store.claim_notice(job.id, lease_start)
        assert not store.claim_notice(job.id, lease_start), "a second process finds it claimed"
        assert store.jobs_to_notify(lease_start) == []
        later = utcnow() + timedelta(seconds=1)  # the first claim has lapsed
        assert [j.id for j in store.jobs_to_notify(later)] == [job.id]
        assert store.claim_notice(job.id, later)
        store.mark_notified(job.id)
        assert not store.claim_notice(job.id, later + timedelta(hours=1))
        assert store.jobs_to_notify(later + timedelta(hours=1)) == []
    finally:
        store.close()


def test_progress_read_while_the_finished_row_is_written_never_goes_back(tmp_path: Path) -> None:
    """A reader between the render's end and the final row write sees the last progress, not 0."""
    jobs = manager(tmp_path)
    write = jobs.store.update_job

    def slow_final_write(job_id: str, **fields: object) -> object:
        if fields.get("status") is JobStatus.SUCCEEDED:
            time.sleep(1.0)  # a slow database: the row still says running meanwhile
        return write(job_id, **fields)

    read = jobs.store.get_job

    def slow_read(job_id: str) -> object:
        row = read(job_id)
        time.sleep(0.05)  # a read that comes back late: the final write may land meanwhile
        return row

    jobs.store.update_job = slow_final_write  # type: ignore[method-assign]
    jobs.store.get_job = slow_read  # type: ignore[method-assign]

    async def main() -> list[tuple[str, int]]:
        async with jobs:
            job = await jobs.submit_render(tiny(), jobs.render_options(fps=10))
            seen: list[tuple[str, int]] = []
            while True:
                now = await jobs.get(job.id)
                assert now is not None
                seen.append((now.status.value, now.frames_done))
                if now.finished:
                    return seen
                await asyncio.sleep(0.02)

    seen = asyncio.run(main())
    frames = [done for _, done in seen]
    assert frames == sorted(frames) and seen[-1] == ("succeeded", 10)
    assert ("running", 10) in seen  # the slow write was really read through


class SlowProgressStore:
    """A real store whose progress writes wait for `gate` (a database slow to answer), recording
    the frames each one wrote in the order they reached the database."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.gate = threading.Event()
        self.written: list[int] = []

    def update_job(self, job_id: str, **fields: Any) -> Job | None:
        self.gate.wait(timeout=60)
        self.written.append(fields["frames_done"])
        return self.store.update_job(job_id, **fields)


def test_a_farm_workers_progress_reaches_the_row_without_holding_up_the_loop_and_in_order(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path)
    store = open_store(settings.data_dir, settings.database_url)
    job = store.create_job(html=tiny(), options={}, frames_total=100)
    store.update_job(job.id, status=JobStatus.RUNNING)
    slow = SlowProgressStore(store)

    async def main() -> None:
        rows = ProgressRows(cast(Store, slow))
        rows.write(job.id, frames_done=10)
        await asyncio.sleep(0.05)  # the first write is under way (and waiting on the database)
        for frames in (20, 30, 40):  # the loop goes on meanwhile; only the newest figure waits
            rows.write(job.id, frames_done=frames)
            await asyncio.sleep(0)
        slow.gate.set()
        await rows.settle(timeout=60)
        store.update_job(job.id, status=JobStatus.SUCCEEDED, frames_done=100)
        rows.write(job.id, frames_done=50)  # a late figure: the finished row keeps its own
        await rows.settle(timeout=60)

    asyncio.run(main())
    assert slow.written == [10, 40, 50]
    finished = store.get_job(job.id)
    assert finished is not None and finished.frames_done == 100 and finished.status is JobStatus.SUCCEEDED
