"""Where jobs run when the API process does not run them: the render farm's workers.

The API process then holds no render state. The database is the one truth about a job, so
any API process can answer for any job: a worker writes the job's status and frame progress
to it, and `JobManager.subscribe` follows the row (every `POLL_SECONDS`).
"""

from __future__ import annotations

from typing import Protocol

POLL_SECONDS = 0.25
"""How often an API process reads a farm job's row for its event stream (the progress throttle)."""


class RemoteJobs(Protocol):
    def send(self, job_id: str) -> None:
        """Hand a queued job to a worker."""
        ...

    def stop(self, job_id: str) -> None:
        """Stop the job's run on whichever worker has it (its browser and ffmpeg die with it)."""
        ...
