"""A farm worker's progress, written to each running job's row for the API processes to read.

Off the event loop: the loop drives the renders, and a database write (a remote PostgreSQL's
round trip, or SQLite waiting on its lock) must not stall it, up to four times a second per
job. One write at a time per job, so a later figure is never overtaken by an earlier one; while
one is under way only the newest figure waits, so a slow database sees fewer writes, not a
backlog. Only a running job's row is written: a figure that arrives after the job finished
(or went back to the queue) changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from ..storage import JobStatus, Store

log = logging.getLogger("seekreel.jobs")


class ProgressRows:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._waiting: dict[str, dict[str, Any]] = {}
        """Per job, the newest figure not yet handed to a write."""
        self._writers: dict[str, asyncio.Task[None]] = {}

    def write(self, job_id: str, **fields: Any) -> None:
        """Record `fields` on the job's row soon (call on the event loop; returns at once)."""
        self._waiting[job_id] = fields
        if job_id not in self._writers:
            self._writers[job_id] = asyncio.get_running_loop().create_task(
                self._drain(job_id), name=f"seekreel-progress-{job_id}"
            )

    async def _drain(self, job_id: str) -> None:
        try:
            while (fields := self._waiting.pop(job_id, None)) is not None:
                try:
                    await asyncio.to_thread(
                        self._store.update_job, job_id, only_if=[JobStatus.RUNNING], **fields
                    )
                except Exception:  # the database away for a moment: the next figure tries again
                    log.exception("job %s: writing its progress failed", job_id)
        finally:
            del self._writers[job_id]

    async def settle(self, timeout: float) -> None:
        """Wait up to `timeout` seconds for the writes waiting or under way (a stopping manager)."""
        if self._writers:
            await asyncio.wait(list(self._writers.values()), timeout=timeout)
