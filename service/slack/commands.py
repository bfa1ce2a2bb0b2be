"""What a person typed after `/render`: a prompt with optional leading options, or a request for help.

Slack sends the text with its own markup (`&amp;`, `<@U123|kira>`, `<https://…|label>`); it is turned
back into plain words here so the model sees what the person wrote.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from sandbox import ASPECTS, attribute_number, is_aspect

MAX_PROMPT_CHARS = 1500
"""The prompt travels inside the "Render again" button, whose value Slack caps at 2,000 characters."""

_HELP_WORDS = {"help", "-h", "--help", "?"}
_OPTION_RE = re.compile(r"^--?(?P<name>[a-z-]+)(?:=(?P<inline>\S+))?$")
_OPTION_ALIASES = {"duration": "duration", "d": "duration", "aspect": "aspect", "a": "aspect"}
_MENTION_RE = re.compile(r"<[@#!]([^>|]+)\|([^>]+)>")
_BARE_MENTION_RE = re.compile(r"<([@#!][^>|]+)>")
_LINK_RE = re.compile(r"<([^>|]+)\|([^>]+)>")
_BARE_LINK_RE = re.compile(r"<([^>]+)>")


@dataclass(frozen=True)
class RenderCommand:
    """Make a video from `prompt`; `duration`/`aspect` None → the generator's defaults."""

    prompt: str
    duration: float | None = None
    aspect: str | None = None


@dataclass(frozen=True)
class HelpCommand:
    """`/render help`, or nothing at all."""

    empty: bool = False


@dataclass(frozen=True)
class CommandProblem:
    """The text cannot become a render; `message` tells the person what to change."""

    message: str


Command = RenderCommand | HelpCommand | CommandProblem


def parse_command(text: str, *, max_duration: float, max_prompt_chars: int = MAX_PROMPT_CHARS) -> Command:
    """Parse `[--duration N] [--aspect W:H] prompt…`; options only at the start, so prompts stay free text."""
    words = plain_text(text).split()
    if not words:
        return HelpCommand(empty=True)
    if len(words) == 1 and words[0].lower() in _HELP_WORDS:
        return HelpCommand()
    options: dict[str, str] = {}
    while words and (match := _OPTION_RE.match(words[0])):
        name = _OPTION_ALIASES.get(match.group("name"))
        if name is None:
            return CommandProblem(
                f"I don't know the option `{words[0]}`. Options: `--duration SECONDS`, `--aspect "
                + "|".join(ASPECTS)
                + "`. Type `/render help` for examples."
            )
        words.pop(0)
        value = match.group("inline")
        if value is None:
            if not words:
                return CommandProblem(f"`--{name}` needs a value, e.g. `--{name} {_example(name)}`.")
            value = words.pop(0)
        options[name] = value
    prompt = " ".join(words)
    if not prompt:
        return CommandProblem(
            "Tell me what to make after the options, e.g. `/render --duration 4 a title card`."
        )
    if len(prompt) > max_prompt_chars:
        return CommandProblem(
            f"Your prompt is {len(prompt):,} characters; the limit is {max_prompt_chars:,}. "
            "Describe the video in fewer words — the model fills in the details."
        )
    duration, problem = _duration(options.get("duration"), max_duration)
    if problem:
        return CommandProblem(problem)
    aspect = options.get("aspect")
    if aspect is not None and not is_aspect(aspect):
        return CommandProblem(
            f"`--aspect {aspect}` is not one I render; use one of " + ", ".join(ASPECTS) + "."
        )
    return RenderCommand(prompt=prompt, duration=duration, aspect=aspect)


def plain_text(text: str) -> str:
    """Slack's escaped, marked-up text → what the person saw: `@kira`, `#launch`, link labels, `&`."""
    text = _MENTION_RE.sub(lambda m: _sigil(m.group(0)) + m.group(2).lstrip("@#"), text)
    text = _BARE_MENTION_RE.sub(lambda m: _sigil(m.group(0)) + m.group(1)[1:], text)
    text = _LINK_RE.sub(lambda m: m.group(2), text)
    text = _BARE_LINK_RE.sub(lambda m: m.group(1).removeprefix("mailto:"), text)
    return html.unescape(text).strip()


def _sigil(token: str) -> str:
    """`<@U…>` and `<!here>` read as @, `<#C…>` as #."""
    return "#" if token[1] == "#" else "@"


def _duration(raw: str | None, max_duration: float) -> tuple[float | None, str | None]:
    if raw is None:
        return None, None
    value = attribute_number(raw.lower().removesuffix("sec"))  # 6, 6s (as data-duration takes) or 6sec
    if value is None:
        return None, f"`--duration {raw}` is not a number of seconds; try `--duration 6`."
    if not 0 < value <= max_duration:
        return (
            None,
            f"The duration must be more than 0 and at most {max_duration:g} seconds (you asked for {raw}).",
        )
    return value, None


def _example(name: str) -> str:
    return "6" if name == "duration" else "9:16"
