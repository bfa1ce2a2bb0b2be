"""Why a Slack render did not reach the channel, worded for the person who asked.

Each failure says what failed, why, and what to do next — the person only ever sees Slack,
so an error code or a traceback would be useless to them.
"""

from __future__ import annotations

from typing import Any
from urllib.error import HTTPError, URLError

from slack_sdk.errors import SlackApiError, SlackClientError

from ..generation.loop import InvalidRequest
from ..generation.providers import ProviderError
from ..storage import Job, JobStatus
from . import messages
from .messages import escape

MAX_FINDINGS_SHOWN = 3


class Failure(Exception):
    """A render that ends with `message` sent to the person instead of a video."""

    def __init__(self, message: messages.Message) -> None:
        super().__init__(message.get("text", ""))
        self.message = message

    @classmethod
    def invalid_composition(
        cls, attempts: int, findings: list[dict[str, Any]], editor_url: str | None
    ) -> Failure:
        errors = [f for f in findings if f.get("severity", "error") == "error"] or findings
        lines = [
            f"• `{f.get('code', '?')}` {escape(str(f.get('message', '')))}"
            for f in errors[:MAX_FINDINGS_SHOWN]
        ]
        if len(errors) > MAX_FINDINGS_SHOWN:
            lines.append(f"• …and {len(errors) - MAX_FINDINGS_SHOWN} more")
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        hint = "Try a simpler or more specific prompt"
        hint += f", or <{editor_url}|fix the last attempt in the editor>." if editor_url else "."
        why = f"After {tries} the composition still failed validation:\n" + "\n".join(lines)
        return cls(messages.failure_message("I couldn't make a valid video for that prompt", why, hint))

    @classmethod
    def queue_full(cls) -> Failure:
        why = "Too many videos are waiting to be rendered right now."
        return cls(messages.failure_message("The render queue is full", why, "Try again in a minute."))

    @classmethod
    def unrenderable(
        cls, reason: str, editor_url: str | None, what: str = "The video can't be rendered"
    ) -> Failure:
        hint = (
            f"<{editor_url}|Open it in the editor> to fix it, or try again." if editor_url else "Try again."
        )
        return cls(messages.failure_message(what, escape(reason), hint))

    @classmethod
    def job_failed(cls, job: Job, editor_url: str | None) -> Failure:
        if job.status is JobStatus.CANCELLED:
            return cls(messages.failure_message("Your render was cancelled", "Someone stopped the job."))
        why = job.error or "The renderer stopped without saying why."
        return cls.unrenderable(why, editor_url, what="The render failed")


def describe_upload_error(exc: Exception, bot: str) -> messages.Message:
    """`files_upload_v2` failed: say why in terms of what the person can do about it."""
    code = exc.response.get("error") if isinstance(exc, SlackApiError) else None
    if code == "not_in_channel":
        return messages.failure_message(
            "I can't post the video here",
            "I'm not a member of this channel.",
            f"Invite me with /invite {bot} and run the command again.",
        )
    if code == "channel_not_found":
        return messages.failure_message(
            "I can't post the video in this conversation",
            "It is a private channel or a direct message I'm not part of.",
            f"Add me to the channel (/invite {bot}), or use the command in a channel I'm in.",
        )
    if code == "is_archived":
        return messages.failure_message("I can't post the video here", "This channel is archived.")
    if code in {"not_authed", "invalid_auth", "account_inactive", "token_revoked", "missing_scope"}:
        return messages.failure_message(
            "Slack refused the upload",
            f"The bot's token was rejected (`{code}`).",
            "Ask whoever runs seekreel to check SLACK_BOT_TOKEN and the app's scopes (files:write).",
        )
    if code:
        return messages.failure_message("Slack refused the upload", f"Slack answered `{code}`.", "Try again.")
    if isinstance(exc, HTTPError):
        why = f"Slack's file server answered HTTP {exc.code}."
    elif isinstance(exc, URLError):
        why = f"Slack could not be reached ({exc.reason})."
    else:
        why = escape(str(exc) or type(exc).__name__)
    return messages.failure_message("Slack refused the upload", why, "Try again in a minute.")


def describe_failure(exc: BaseException) -> messages.Message:
    """Anything unexpected: still a clear answer, with the details left in the server log."""
    if isinstance(exc, SlackClientError):
        return messages.failure_message("Slack refused a request", escape(str(exc)), "Try again in a minute.")
    if isinstance(exc, ProviderError):
        hint = (
            "Try again in a minute."
            if exc.transient
            else "Ask whoever runs seekreel to check its model settings."
        )
        return messages.failure_message("The model could not write your video", escape(str(exc)), hint)
    if isinstance(exc, InvalidRequest):
        return messages.failure_message(
            "That request can't be rendered", escape(str(exc)), "Type `/render help`."
        )
    first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    return messages.failure_message(
        "Something went wrong while making your video",
        escape(first_line),
        "Try again; if it keeps happening, the server log has the details.",
    )
