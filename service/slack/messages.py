"""Block Kit payloads the bot sends: the acknowledgement, help, problems, failures, and the result card.

Every builder returns a plain dict ready for Slack (the slash-command response, `response_url`,
or `chat.postMessage`), so the wording lives in one place and tests can read it.
"""

from __future__ import annotations

from typing import Any

from sandbox import ASPECTS, is_aspect

from .commands import RenderCommand

RENDER_AGAIN_ACTION = "render_again"
OPEN_EDITOR_ACTION = "open_editor"

Message = dict[str, Any]


def escape(text: str) -> str:
    """Slack's mrkdwn treats &, < and > as markup; a prompt must show as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ephemeral(text: str, *, blocks: list[dict[str, Any]] | None = None) -> Message:
    """A message only the person who asked sees, posted as a new message (never replacing the card)."""
    message: Message = {"response_type": "ephemeral", "replace_original": False, "text": text}
    if blocks:
        message["blocks"] = blocks
    return message


def help_message(
    command: str = "/render", *, max_prompt_chars: int, max_duration: float, empty: bool = False
) -> Message:
    """What `/render help` (or a bare `/render`) answers."""
    lead = "Tell me what video to make." if empty else "I turn a sentence into a short video."
    body = (
        f"*{lead}*\n"
        f"`{command} a 6-second title card for our launch, dark background, orange accent`\n\n"
        "*Options* (before the prompt):\n"
        f"• `--duration SECONDS` — length of the video (up to {max_duration:g} s)\n"
        f"• `--aspect {'|'.join(ASPECTS)}` — 16:9 is landscape, 9:16 is vertical\n"
        f"• e.g. `{command} --duration 4 --aspect 9:16 a countdown from 3 to 1`\n\n"
        "*Narrated videos*, reviewed before they are rendered:\n"
        f"• `{command} story how a bill becomes law` — the model writes the script\n"
        f"• `{command} story` and your script on the next lines, one paragraph per section\n"
        "I post the script here with *Approve* and *Cancel*; the video follows once you approve.\n\n"
        f"Prompts can be up to {max_prompt_chars:,} characters. The video is posted in this channel "
        "(invite me first with `/invite @seekreel`), with buttons to open it in the editor or render it again."
    )
    return ephemeral(body, blocks=[section(body)])


def problem_message(text: str) -> Message:
    """A mistake in the command itself: shown at once, nothing is rendered."""
    return ephemeral(f":warning: {text}", blocks=[section(f":warning: {text}")])


def ack_message(command: RenderCommand) -> Message:
    """The immediate answer to a command: the render has been accepted."""
    details = _details(command)
    text = f":clapper: Rendering “{escape(clip(command.prompt, 200))}”{details}… The video will appear here."
    return ephemeral(text, blocks=[section(text)])


def failure_message(what: str, why: str, hint: str | None = None) -> Message:
    """A render that did not reach the channel: what failed, why, and what to do next."""
    text = f":x: *{what}*\n{why}" + (f"\n{hint}" if hint else "")
    return ephemeral(text, blocks=[section(text)])


def initial_comment(command: RenderCommand) -> str:
    """The text posted with the video: the prompt itself."""
    return escape(command.prompt)


def result_message(
    channel: str,
    command: RenderCommand,
    *,
    user_id: str,
    facts: str,
    editor_url: str | None,
    thread_ts: str | None = None,
) -> Message:
    """The card under the video, with "Open in editor" (when there is a public URL) and "Render again"."""
    buttons = [button(OPEN_EDITOR_ACTION, "Open in editor", url=editor_url)] if editor_url else []
    buttons.append(button(RENDER_AGAIN_ACTION, "Render again", value=encode_command(command)))
    text = f"Rendered for <@{user_id}>: “{escape(clip(command.prompt, 300))}”"
    message: Message = {
        "channel": channel,
        "text": text,
        "blocks": [
            section(text),
            {"type": "context", "elements": [{"type": "mrkdwn", "text": facts}]},
            {"type": "actions", "elements": buttons},
        ],
    }
    if thread_ts:
        message["thread_ts"] = thread_ts
    return message


def encode_command(command: RenderCommand) -> str:
    """The "Render again" button's value: `duration|aspect|prompt` (fits Slack's 2,000-character cap)."""
    duration = "" if command.duration is None else f"{command.duration:g}"
    return f"{duration}|{command.aspect or ''}|{command.prompt}"


def decode_command(value: str) -> RenderCommand | None:
    """The inverse of `encode_command`; None for a value this bot did not write."""
    parts = value.split("|", 2)
    if len(parts) != 3 or not parts[2].strip():
        return None
    duration_text, aspect, prompt = parts
    try:
        duration = float(duration_text) if duration_text else None
    except ValueError:
        return None
    if aspect and not is_aspect(aspect):
        return None
    return RenderCommand(prompt=prompt, duration=duration, aspect=aspect or None)


def _details(command: RenderCommand) -> str:
    parts = []
    if command.duration is not None:
        parts.append(f"{command.duration:g} s")
    if command.aspect:
        parts.append(command.aspect)
    return f" ({', '.join(parts)})" if parts else ""


def button(
    action_id: str, text: str, *, value: str | None = None, url: str | None = None, style: str | None = None
) -> dict[str, Any]:
    """A Block Kit button: `value` comes back in the click, `url` opens a page (the click is still sent)."""
    element: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text},
    }
    for name, given in (("value", value), ("url", url), ("style", style)):
        if given is not None:
            element[name] = given
    return element


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
