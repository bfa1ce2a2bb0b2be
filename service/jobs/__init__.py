"""Render jobs: a persistent queue, bounded concurrency over a shared warm browser pool, progress events.

    from service.jobs import JobManager, JobStatus
    job = await jobs.submit_render(html, jobs.render_options(fps=30), meta={"source": "slack"})
    done = await jobs.wait(job.id)

See JobManager for the whole in-process API.
"""

from __future__ import annotations

from ..storage import Job, JobStatus
from .error_codes import CALLER_ERROR_CODES
from .events import JobEvent
from .kinds import JobKind, JobKindError, KindResult, StageProgress, overall_progress
from .manager import JobManager, JobNotFound, QueueFull
from .remote import RemoteJobs
from .stored_options import options_from_dict

__all__ = [
    "CALLER_ERROR_CODES",
    "Job",
    "JobEvent",
    "JobKind",
    "JobKindError",
    "JobManager",
    "JobNotFound",
    "JobStatus",
    "KindResult",
    "QueueFull",
    "RemoteJobs",
    "StageProgress",
    "options_from_dict",
    "overall_progress",
]
