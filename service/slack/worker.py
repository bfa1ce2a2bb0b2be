"""One Slack render, start to finish: prompt → composition → render job → MP4 in the channel.

Runs as a background task after the request has been acknowledged, so Slack's 3-second limit
never depends on how busy the renderer is. Whatever goes wrong reaches the person who asked,
as an ephemeral message through `response_url` (falling back to `chat.postEphemeral`): a
failure is never silent.

The Slack Web API is `slack_sdk.WebClient`; its calls block, so they run in a thread.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from slack_sdk.webhook import WebhookClient

from sandbox import CompositionError, RenderOptions

from ..drafts import editor_url, save_prompt_draft
from ..jobs import QueueFull
from ..storage import Draft, Job, JobStatus, Store
from . import messages
from .commands import RenderCommand
from .outcomes import Failure, describe_failure, describe_upload_error

log = logging.getLogger(__name__)

_INTERRUPTED = messages.failure_message(
    "Your render was interrupted", "The seekreel server is restarting.", "Run the command again in a minute."
)


@dataclass(frozen=True)
class Origin:
    """Who asked, where, and where answers go. `thread_ts` set → the video is posted in that thread."""

    channel_id: str
    user_id: str
    response_url: str | None
    thread_ts: str | None = None


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
        client: WebClient,
        compose: Compose,
        jobs: RenderJobs,
        options: RenderOptions,
        drafts: Store | None = None,
        public_base_url: str | None = None,
    ) -> None:
        self.client = client
        self._compose = compose
        self._jobs = jobs
        self._options = options
        self._drafts = drafts
        self._public_base_url = public_base_url
        self._tasks: dict[asyncio.Task[None], Origin | None] = {}
        """Background work in flight, with whom to tell if a shutdown interrupts it."""
        self._bot_user_id: str | None = None

    def start(self, command: RenderCommand, origin: Origin, *, announce: bool = False) -> asyncio.Task[None]:
        """Run `command` in the background; `announce` first tells the person it started (for buttons)."""
        return self._spawn(self.run(command, origin, announce=announce), origin)

    def notify(self, origin: Origin, message: messages.Message) -> asyncio.Task[None]:
        """Send `message` in the background, so a request handler can answer Slack at once."""
        return self._spawn(self.tell(origin, message), None)

    def _spawn(self, work: Coroutine[Any, Any, None], origin: Origin | None) -> asyncio.Task[None]:
        task = asyncio.create_task(work)
        self._tasks[task] = origin
        task.add_done_callback(lambda done: self._tasks.pop(done, None))
        return task

    async def aclose(self) -> None:
        """Server shutdown: stop renders in flight and tell each person theirs was interrupted."""
        pending = list(self._tasks.items())
        for task, _ in pending:
            task.cancel()
        await asyncio.gather(*(task for task, _ in pending), return_exceptions=True)
        interrupted = [origin for task, origin in pending if origin is not None and task.cancelled()]
        await asyncio.gather(*(self.tell(origin, _INTERRUPTED) for origin in interrupted))

    async def run(self, command: RenderCommand, origin: Origin, *, announce: bool = False) -> None:
        """The whole pipeline; never raises (but for cancellation) — every failure becomes a message."""
        try:
            if announce:
                await self.tell(origin, messages.ack_message(command))
            await self._render_and_post(command, origin)
        except Failure as failure:
            await self.tell(origin, failure.message)
        except Exception as exc:
            log.exception("Slack render of %r failed", command.prompt[:80])
            await self.tell(origin, describe_failure(exc))

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
        await self._upload(job.video_path, command, origin)
        card = messages.result_message(
            origin.channel_id,
            command,
            user_id=origin.user_id,
            facts=_facts(job),
            editor_url=editor_url,
            thread_ts=origin.thread_ts,
        )
        try:
            await asyncio.to_thread(lambda: self.client.chat_postMessage(**card))
        except SlackClientError:
            log.warning("posting the result card failed; the video itself was posted", exc_info=True)

    async def _upload(self, video: Path, command: RenderCommand, origin: Origin) -> None:
        def upload() -> None:
            self.client.files_upload_v2(
                channel=origin.channel_id,
                file=str(video),
                filename=f"seekreel-{_slug(command.prompt)}.mp4",
                title=command.prompt[:200],
                initial_comment=messages.initial_comment(command),
                thread_ts=origin.thread_ts,
            )

        try:
            await asyncio.to_thread(upload)
        except (SlackClientError, OSError) as exc:
            raise Failure(describe_upload_error(exc, await self.bot_mention())) from exc

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

    async def bot_mention(self) -> str:
        """`<@U…>` for the bot (Slack shows its name), learned once from `auth.test`."""
        if self._bot_user_id is None:
            try:
                reply = await asyncio.to_thread(self.client.auth_test)
                self._bot_user_id = str(reply.get("user_id") or "")
            except (SlackClientError, OSError):
                return "@seekreel"
        return f"<@{self._bot_user_id}>" if self._bot_user_id else "@seekreel"

    async def tell(self, origin: Origin, message: messages.Message) -> None:
        """An ephemeral message to the person: `response_url` first, `chat.postEphemeral` if that fails."""
        if origin.response_url:
            delivered = await asyncio.to_thread(_respond, origin.response_url, message)
            if delivered:
                return
        try:
            await asyncio.to_thread(
                lambda: self.client.chat_postEphemeral(
                    channel=origin.channel_id,
                    user=origin.user_id,
                    text=message.get("text", ""),
                    blocks=message.get("blocks"),
                    thread_ts=origin.thread_ts,
                )
            )
        except (SlackClientError, OSError):
            log.error("could not tell %s in %s: %s", origin.user_id, origin.channel_id, message.get("text"))


def _respond(response_url: str, message: messages.Message) -> bool:
    try:
        reply = WebhookClient(response_url, timeout=10).send_dict(message)
    except (SlackClientError, OSError):
        log.warning("response_url post failed", exc_info=True)
        return False
    if reply.status_code != 200:
        log.warning("response_url answered %s: %s", reply.status_code, reply.body)
    return reply.status_code == 200


def _facts(job: Job) -> str:
    """One line under the result, e.g. `6 s · 1280x720 · 30 fps · 1.2 MB · rendered in 14 s`."""
    fps = job.options.get("fps")
    parts = []
    if fps and job.frames_total:
        parts.append(f"{job.frames_total / fps:g} s")
    if job.options.get("resolution"):
        parts.append(str(job.options["resolution"]))
    if fps:
        parts.append(f"{fps:g} fps")
    if job.video_bytes:
        size = job.video_bytes / 1e6
        parts.append(f"{size:.1f} MB" if size >= 1 else f"{job.video_bytes / 1e3:.0f} KB")
    if job.started_at and job.finished_at:
        parts.append(f"rendered in {(job.finished_at - job.started_at).total_seconds():.0f} s")
    return " · ".join(parts) or "rendered by seekreel"


def _slug(prompt: str) -> str:
    words = re.findall(r"[a-z0-9]+", prompt.lower())
    return "-".join(words)[:40].strip("-") or "video"
