"""Webhooks of the storyboard API: the final job body is POSTed to the URL the client gave.

A render job's webhook gets the render's final body once it finished; a preview's gets the
preview's body once it is ready to approve (or failed). Delivery goes through the SSRF guard
(a webhook is a user's URL like any background), is tried three times, and is logged; it is
never what decides a job's outcome.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from ...jobs import Job, JobManager
from ...projects import SourceRefused, StoryEngine
from ...settings import Settings
from ...storage import Project, ProjectStatus
from ..auth import AuthConfig
from .bodies import Links, preview_body, render_body

log = logging.getLogger("seekreel.webhooks")

PAUSES = (0.0, 2.0, 10.0)
"""Before each attempt, seconds."""


class Webhooks:
    def __init__(self, settings: Settings, auth: AuthConfig, jobs: JobManager, engine: StoryEngine) -> None:
        self.settings = settings
        self.auth = auth
        self.jobs = jobs
        self.engine = engine

    def links(self, meta: Mapping[str, Any]) -> Links:
        """Links for the base URL the client used (kept in the meta), else the public base URL."""
        base = self.settings.public_base_url or str(meta.get("base_url") or "")
        return Links(self.auth, base, self.settings.signed_url_ttl)

    async def job_finished(self, job: Job) -> None:
        url = job.meta.get("webhook")
        if url:
            await self.deliver(
                str(url), render_body(job, self.jobs.kind_stages(job), self.links(job.meta)), job.id
            )

    async def project_changed(self, project: Project) -> None:
        url = project.meta.get("webhook")
        preview_done = project.status is ProjectStatus.NEEDS_APPROVAL or (
            project.status is ProjectStatus.FAILED and project.job_id is None
        )
        if url and preview_done:
            await self.deliver(str(url), preview_body(project, self.links(project.meta)), project.id)

    async def deliver(self, url: str, body: Mapping[str, Any], what: str) -> None:
        for pause in PAUSES:
            await asyncio.sleep(pause)
            try:
                status = await self.engine.post_json(url, body)
            except SourceRefused as exc:
                log.warning("%s: webhook refused: %s", what, exc)
                return
            except Exception as exc:
                log.warning("%s: webhook %s failed: %s", what, url, exc)
                continue
            if 200 <= status < 300:
                log.info("%s: webhook %s delivered", what, url)
                return
            log.warning("%s: webhook %s answered HTTP %s", what, url, status)
        log.error("%s: webhook %s not delivered after %d attempts", what, url, len(PAUSES))
