"""How the bot talks back to Slack: ephemeral replies, posts, uploads — from background tasks.

Request handlers answer Slack at once and leave the talking to tasks started here, so Slack's
3-second limit never depends on Slack's own Web API, the renderer or the model. A reply to a
person goes through the request's `response_url` first and falls back to `chat.postEphemeral`
(a `response_url` expires after 30 minutes): a failure is never silent.

The Slack Web API is `slack_sdk.WebClient`; its calls block, so they run in a thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from slack_sdk.webhook import WebhookClient

from . import messages
from .outcomes import Failure, describe_upload_error

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Origin:
    """Who asked, where, and where answers go. `thread_ts` set → the video is posted in that thread."""

    channel_id: str
    user_id: str
    response_url: str | None
    thread_ts: str | None = None


@dataclass(frozen=True)
class Posted:
    """Where `chat.postMessage` put a message: what `chat.update` needs to change it later."""

    channel: str
    ts: str


class SlackOutbox:
    """The bot's side of the conversation, and the background tasks that carry it."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._tasks: dict[asyncio.Task[None], tuple[Origin, messages.Message] | None] = {}
        """Background work in flight → whom to tell what if a shutdown cuts it short."""
        self._bot_user_id: str | None = None

    def spawn(
        self,
        work: Coroutine[Any, Any, None],
        *,
        if_interrupted: tuple[Origin, messages.Message] | None = None,
    ) -> asyncio.Task[None]:
        """Run `work` in the background; `if_interrupted` is sent should a shutdown cut it short."""
        task = asyncio.create_task(work)
        self._tasks[task] = if_interrupted
        task.add_done_callback(lambda done: self._tasks.pop(done, None))
        return task

    def notify(self, origin: Origin, message: messages.Message) -> asyncio.Task[None]:
        """Send `message` in the background, so a request handler can answer Slack at once."""
        return self.spawn(self.tell(origin, message))

    async def aclose(self) -> None:
        """Server shutdown: stop the work in flight and tell each person whose work was cut short."""
        pending = list(self._tasks.items())
        for task, _ in pending:
            task.cancel()
        await asyncio.gather(*(task for task, _ in pending), return_exceptions=True)
        await asyncio.gather(
            *(self.tell(*told) for task, told in pending if told is not None and task.cancelled())
        )

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

    async def respond(self, response_url: str, message: messages.Message) -> bool:
        """Post to an interaction's `response_url` (e.g. to replace the message a button was on)."""
        return await asyncio.to_thread(_respond, response_url, message)

    async def post(self, message: messages.Message) -> Posted:
        """`chat.postMessage` (channel, text, blocks, thread_ts in `message`); SlackClientError if refused."""
        reply = await asyncio.to_thread(lambda: self.client.chat_postMessage(**message))
        return Posted(channel=str(reply["channel"]), ts=str(reply["ts"]))

    async def update(self, posted: Posted, message: messages.Message) -> None:
        """`chat.update` of a message the bot posted (text, blocks in `message`). A refusal — the
        message was deleted, the channel archived — is logged: the message stays as it was."""
        try:
            await asyncio.to_thread(
                lambda: self.client.chat_update(
                    channel=posted.channel,
                    ts=posted.ts,
                    text=message.get("text", ""),
                    blocks=message.get("blocks"),
                )
            )
        except (SlackClientError, OSError) as exc:
            log.warning("could not update the message %s in %s: %s", posted.ts, posted.channel, exc)

    async def upload(self, video: Path, origin: Origin, *, filename: str, title: str, comment: str) -> None:
        """The MP4 into the channel (its thread, if any); Failure worded for the person if Slack refuses."""

        def upload() -> None:
            self.client.files_upload_v2(
                channel=origin.channel_id,
                file=str(video),
                filename=filename,
                title=title[:200],
                initial_comment=comment,
                thread_ts=origin.thread_ts,
            )

        try:
            await asyncio.to_thread(upload)
        except (SlackClientError, OSError) as exc:
            raise Failure(describe_upload_error(exc, await self.bot_mention())) from exc

    async def bot_mention(self) -> str:
        """`<@U…>` for the bot (Slack shows its name), learned once from `auth.test`."""
        if self._bot_user_id is None:
            try:
                reply = await asyncio.to_thread(self.client.auth_test)
                self._bot_user_id = str(reply.get("user_id") or "")
            except (SlackClientError, OSError):
                return "@seekreel"
        return f"<@{self._bot_user_id}>" if self._bot_user_id else "@seekreel"


def _respond(response_url: str, message: messages.Message) -> bool:
    try:
        reply = WebhookClient(response_url, timeout=10).send_dict(message)
    except (SlackClientError, OSError):
        log.warning("response_url post failed", exc_info=True)
        return False
    if reply.status_code != 200:
        log.warning("response_url answered %s: %s", reply.status_code, reply.body)
    return reply.status_code == 200
