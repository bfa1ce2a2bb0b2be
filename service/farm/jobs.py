"""An API process's side of farm jobs: each queued job becomes one task that a worker runs
whole (service/farm/tasks.py); the API keeps nothing of it but the database row."""

from __future__ import annotations

import math

from celery import Celery

from ..settings import Settings
from .app import JOB_TASK, farm_app


class FarmJobs:
    """`service.jobs.RemoteJobs` over Celery: the task id is the job id, so a cancel finds it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app: Celery = farm_app(settings)

    def send(self, job_id: str) -> None:
        limit = math.ceil(self.settings.render_timeout)  # a whole job, not one segment
        self.app.send_task(
            JOB_TASK, args=[job_id], task_id=job_id, soft_time_limit=limit, time_limit=limit + 30
        )

    def stop(self, job_id: str) -> None:
        self.app.control.revoke(job_id, terminate=True)
