"""Block Kit for `/render story`: the acknowledgement, the review card with Approve / Cancel,
the card once someone decided, and why a project did not become a video.

Builders return plain dicts ready for Slack, like messages.py; the wording lives here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ..storage import Project
from .commands import StoryCommand
from .messages import Message, button, clip, ephemeral, escape, failure_message, section

APPROVE_ACTION = "project_approve"
CANCEL_ACTION = "project_cancel"
OPEN_REVIEW_ACTION = "project_open"
REVIEW_ACTIONS = (APPROVE_ACTION, CANCEL_ACTION, OPEN_REVIEW_ACTION)
"""The review card's buttons: each click carries the project's id and is the requester's alone."""
MAX_SECTIONS_SHOWN = 40
"""A message holds at most 50 blocks; the rest of a long script is a line pointing to the editor."""
MAX_LISTED = 3


def review_url(project_id: str, public_base_url: str, grant: str) -> str:
    """The editor's review page for a project, with the grant that opens it to the page's holder
    (a Slack person has no API key). Only ever sent to the person who asked: whoever holds it can
    edit, approve or cancel the project."""
    query = urlencode({"project": project_id, "grant": grant})
    return f"{public_base_url.rstrip('/')}/?{query}"


def story_ack(command: StoryCommand) -> Message:
    """The immediate answer to `/render story`."""
    if command.topic is not None:
        text = f":memo: Writing a script about “{escape(clip(command.topic, 200))}”…"
    else:
        paragraphs = len([p for p in (command.text or "").split("\n\n") if p.strip()])
        text = f":memo: Voicing your script ({paragraphs} paragraph{'s' if paragraphs != 1 else ''})…"
    text += " I'll post it here for you to review before anything is rendered."
    return ephemeral(text, blocks=[section(text)])


def review_card(
    project: Project,
    *,
    channel: str,
    requester: str,
    editor: bool,
    thread_ts: str | None = None,
    decided: str | None = None,
) -> Message:
    """The sections for everyone in the channel to read, with Approve / Cancel for the person who
    asked (`requester`, a Slack user id). `decided` replaces the buttons once someone decided.

    `editor`: an "Open in editor" button too. It is not a link: a link on a card is everyone's,
    and the review page's link opens the project to whoever holds it, so a click on it is answered
    with the link, to the person who asked alone."""
    count = len(project.sections)
    intro = (
        f"<@{requester}> asked for a narrated video: {count} section{'s' if count != 1 else ''}. "
        "Read the script below; nothing is rendered until it is approved."
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(f"Review: {project.title}", 150)}},
        section(intro),
    ]
    for position, part in enumerate(project.sections[:MAX_SECTIONS_SHOWN], start=1):
        blocks.append(section(f"*{position}.* {escape(part.text)}"))
        warnings = (part.media or {}).get("warnings") or []
        if warnings:
            blocks.append(_context(":warning: " + escape("; ".join(warnings))))
    hidden = count - MAX_SECTIONS_SHOWN
    if hidden > 0:
        blocks.append(_context(f"…and {hidden} more section{'s' if hidden != 1 else ''}, in the editor."))
    if decided:
        blocks.append(_context(decided))
    else:
        if editor:
            blocks.append(
                _context("*Open in editor* to change a section, hear it and scrub the whole video.")
            )
        blocks.append({"type": "actions", "elements": _buttons(project.id, editor)})
    message: Message = {
        "channel": channel,
        "text": f"Review “{escape(clip(project.title, 150))}”: {count} sections to approve or cancel.",
        "blocks": blocks,
    }
    if thread_ts:
        message["thread_ts"] = thread_ts
    return message


def approved(by: str | None) -> str:
    """The review card's last line once approved: by a Slack user's click, or (None) in the editor."""
    who = f"by <@{by}>" if by else "in the editor"
    return f":white_check_mark: Approved {who} — rendering, the video will appear here."


def cancelled(by: str | None) -> str:
    """The review card's last line once cancelled: by a Slack user's click, or (None) in the editor."""
    return f":wastebasket: Cancelled {f'by <@{by}>' if by else 'in the editor'}."


def _buttons(project_id: str, editor: bool) -> list[dict[str, Any]]:
    cancel = button(CANCEL_ACTION, "Cancel", value=project_id, style="danger")
    cancel["confirm"] = {
        "title": {"type": "plain_text", "text": "Cancel this video?"},
        "text": {"type": "plain_text", "text": "The script and its voices are dropped; nothing is rendered."},
        "confirm": {"type": "plain_text", "text": "Cancel it"},
        "deny": {"type": "plain_text", "text": "Keep it"},
    }
    buttons = [button(APPROVE_ACTION, "Approve", value=project_id, style="primary"), cancel]
    if editor:
        buttons.append(button(OPEN_REVIEW_ACTION, "Open in editor", value=project_id))
    return buttons


def video_comment(project: Project, approver: str | None) -> str:
    """The text posted with the finished video."""
    by = f" — approved by <@{approver}>" if approver else ""
    return f"“{escape(clip(project.title, 300))}”{by}"


def not_yours(requester: str) -> Message:
    return ephemeral(
        f":lock: Only <@{requester}>, who asked for this video, can open it in the editor, approve or cancel it."
    )


def review_link(project: Project, url: str, valid_for: int) -> Message:
    """The answer to "Open in editor": the review page's link, for the person who asked alone."""
    days, unit = (valid_for // 86400, "day") if valid_for >= 86400 else (max(1, valid_for // 60), "minute")
    lasts = f"{days} {unit}{'s' if days != 1 else ''}"
    text = (
        f":pencil2: <{url}|Open “{escape(clip(project.title, 150))}” in the editor> to change a section, "
        f"hear it, scrub the whole video and approve it. This link is yours alone (it works for {lasts}): "
        "don't share it."
    )
    return ephemeral(text, blocks=[section(text)])


def active_project(project: Project | None, project_id: str, url: str | None) -> Message:
    """The one-active-project rule: name the project that is in the way and how to get it out of it."""
    name = f"“{escape(clip(project.title, 150))}” (`{project_id}`)" if project else f"`{project_id}`"
    status = f", {project.status.value}" if project else ""
    where = f" <{url}|Open it>, then approve" if url else " Approve"
    return failure_message(
        "You already have a video in the works",
        f"Your project {name}{status} is waiting for you.",
        f"{where} or cancel it before starting another.",
    )


def not_started(
    what: str, why: str, hint: str | None = None, *, problems: list[str] | None = None
) -> Message:
    """`/render story` input that could not become a project (nothing was stored)."""
    return failure_message(what, escape(why) + ("\n" + listed(problems) if problems else ""), hint)


def listed(lines: list[str]) -> str:
    """Up to MAX_LISTED lines as bullets, and how many more there were."""
    shown = [f"• {escape(line)}" for line in lines[:MAX_LISTED]]
    if len(lines) > MAX_LISTED:
        shown.append(f"• …and {len(lines) - MAX_LISTED} more")
    return "\n".join(shown)


def project_failed(project: Project, url: str | None) -> Message:
    """A project that ended Failed: what happened, in the person's terms, and what to do next."""
    title = f"“{escape(clip(project.title, 150))}”"
    code, error = project.error_code, escape(project.error or "no reason was given")
    if code == "cancelled":
        return failure_message(f"Cancelled {title}", "Nothing was rendered.")
    if code == "script_not_written":
        why = "The model never wrote a storyboard I could use" + (
            ":\n" + listed(project.findings) if project.findings else f": {error}"
        )
        return failure_message(
            f"I couldn't write a script for {title}",
            why,
            "Try again with a more specific topic, or paste your own script on the lines after `/render story`.",
        )
    if code == "section_failed":
        lines = [f"section {f.get('position', 0) + 1}: {f.get('error')}" for f in project.failures]
        return failure_message(
            f"Some sections of {title} could not be made",
            listed(lines) if lines else error,
            "Change the script (or its backgrounds) and run `/render story` again.",
        )
    hint = f"<{url}|Open it in the editor> to look at it, or try again." if url else "Try again."
    what = "The render failed" if project.job_id else "Your video could not be made"
    return failure_message(f"{what}: {title}", error, hint)


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}
