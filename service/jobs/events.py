"""Job events and the in-process fan-out that delivers them to subscribers (SSE streams, the Slack bot)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from ..storage import Job

EventKind = Literal["snapshot", "status", "progress"]


@dataclass(frozen=True)
class JobEvent:
    """Something happened to a job; `job` is its full state right after.

    kind: `snapshot` (the state when you subscribed), `status` (queued → running →
    succeeded/failed/cancelled) or `progress` (frames_done moved).
    """

    kind: EventKind
    job: Job


class Broker:
    """Per-job subscriber queues. Publishing never blocks: queues are unbounded, progress is throttled."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[JobEvent]]] = defaultdict(set)

    def open(self, job_id: str) -> asyncio.Queue[JobEvent]:
        queue: asyncio.Queue[JobEvent] = asyncio.Queue()
        self._subscribers[job_id].add(queue)
        return queue

    def close(self, job_id: str, queue: asyncio.Queue[JobEvent]) -> None:
        subs = self._subscribers.get(job_id)
        if subs is not None:
            subs.discard(queue)
            if not subs:
                del self._subscribers[job_id]

    def publish(self, event: JobEvent) -> None:
        for queue in self._subscribers.get(event.job.id, ()):
            queue.put_nowait(event)
