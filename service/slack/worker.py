"""One Slack render, start to finish: prompt → composition → render job → MP4 in the channel.

Runs as a background task of the outbox after the request has been acknowledged, so Slack's
3-second limit never depends on how busy the renderer is. Whatever goes wrong reaches the
person who asked as an ephemeral message: a failure is never silent.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk.errors import SlackClientError

from sandbox import CompositionError, RenderOptions

from ..byte_sizes import size_text
from ..drafts import editor_url, save_prompt_draft
from ..jobs import QueueFull
from ..storage import Draft, Job, JobStatus, Store
from . import messages
from .commands import RenderCommand
from .outbox import Origin, SlackOutbox
from .outcomes import Failure, describe_failure

log = logging.getLogger(__name__)

_INTERRUPTED = messages.failure_message(
    "Your render was interrupted", "The seekreel server is restarting.", "Run the command again in a minute."
)


@dataclass(frozen=True)
class Composed:
    """What the generation loop produced for a prompt."""

    ok: bool
    html: str
    attempts: int
    findings: list[dict[str, Any]]


Compose = Callable[[RenderCommand], Awaitable[Composed]]


class RenderJobs(Protocol):
    """The part of the service's job system (`service.jobs.JobManager`) the bot uses."""

    async def submit_render(
        self,
        html: str,
        options: RenderOptions | None = None,
        *,
        draft_id: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Job: ...

    async def wait(self, job_id: str, timeout: float | None = None) -> Job: ...


class SlackRenderer:
    """Starts renders as background tasks and sees each one through to the channel or to a clear error."""

    def __init__(
        self,
        *,
        outbox: SlackOutbox,
        compose: Compose,
        jobs: RenderJobs,
        options: RenderOptions,
        drafts: Store | None = None,
        public_base_url: str | None = None,
    ) -> None:
        self.outbox = outbox
        self._compose = compose
        self._jobs = jobs
        self._options = options
        self._drafts = drafts
        self._public_base_url = public_base_url

    def start(self, command: RenderCommand, origin: Origin, *, announce: bool = False) -> asyncio.Task[None]:
        """Run `command` in the background; `announce` first tells the person it started (for buttons)."""
        return self.outbox.spawn(
            self.run(command, origin, announce=announce), if_interrupted=(origin, _INTERRUPTED)
        )

    async def run(self, command: RenderCommand, origin: Origin, *, announce: bool = False) -> None:
        """The whole pipeline; never raises (but for cancellation) — every failure becomes a message."""
        try:
            if announce:
                await self.outbox.tell(origin, messages.ack_message(command))
            await self._render_and_post(command, origin)
        except Failure as failure:
            await self.outbox.tell(origin, failure.message)
        except Exception as exc:
            log.exception("Slack render of %r failed", command.prompt[:80])
            await self.outbox.tell(origin, describe_failure(exc))

    async def _render_and_post(self, command: RenderCommand, origin: Origin) -> None:
        composed = await self._compose(command)
        draft = await self._save_draft(command, composed, origin)
        editor_url = self._editor_url(draft)
        if not composed.ok:
            raise Failure.invalid_composition(composed.attempts, composed.findings, editor_url)
        try:
            job = await self._jobs.submit_render(
                composed.html,
                self._options,
                draft_id=draft.id if draft else None,
                meta={"source": "slack", "channel": origin.channel_id, "user": origin.user_id},
            )
        except QueueFull as exc:
            raise Failure.queue_full() from exc
        except CompositionError as exc:
            raise Failure.unrenderable(str(exc), editor_url) from exc
        job = await self._jobs.wait(job.id)
        if job.status is not JobStatus.SUCCEEDED or job.video_path is None:
            raise Failure.job_failed(job, editor_url)
        await self.outbox.upload(
            job.video_path,
            origin,
            filename=f"seekreel-{slug(command.prompt)}.mp4",
            title=command.prompt,
            comment=messages.initial_comment(command),
        )
        card = messages.result_message(
            origin.channel_id,
            command,
            user_id=origin.user_id,
            facts=_facts(job),
            editor_url=editor_url,
            thread_ts=origin.thread_ts,
        )
        try:
            await self.outbox.post(card)
        except SlackClientError:
            log.warning("posting the result card failed; the video itself was posted", exc_info=True)

    async def _save_draft(self, command: RenderCommand, composed: Composed, origin: Origin) -> Draft | None:
        """Keep the composition as a draft so "Open in editor" has something to open."""
        if self._drafts is None or not composed.html:
            return None
        try:
            return await asyncio.to_thread(
                save_prompt_draft,
                self._drafts,
                prompt=command.prompt,
                html=composed.html,
                findings=composed.findings,
                meta={"source": "slack", "channel": origin.channel_id, "user": origin.user_id},
            )
        except Exception:
            log.warning("could not save the Slack render's draft; rendering without it", exc_info=True)
            return None

    def _editor_url(self, draft: Draft | None) -> str | None:
        """A link in Slack must be absolute: none without the service's public address."""
        if draft is None or not self._public_base_url:
            return None
        return editor_url(draft.id, self._public_base_url)


def _facts(job: Job) -> str:
    """One line under the result, e.g. `6 s · 1280x720 · 30 fps · 1.2 MiB · rendered in 14 s`."""
    fps = job.options.get("fps")
    parts = []
    if fps and job.frames_total:
        parts.append(f"{job.frames_total / fps:g} s")
    if job.options.get("resolution"):
        parts.append(str(job.options["resolution"]))
    if fps:
        parts.append(f"{fps:g} fps")
    if job.video_bytes:
        parts.append(size_text(job.video_bytes))
    if job.started_at and job.finished_at:
        parts.append(f"rendered in {(job.finished_at - job.started_at).total_seconds():.0f} s")
    return " · ".join(parts) or "rendered by seekreel"


def slug(prompt: str) -> str:
    """A file name's worth of the words: `a-title-card-for-launch-day`."""
    words = re.findall(r"[a-z0-9]+", prompt.lower())
    return "-".join(words)[:40].strip("-") or "video"
