"""What a person typed after `/render`: a prompt with optional leading options, or a request for help.

Slack sends the text with its own markup (`&amp;`, `<@U123|kira>`, `<https://…|label>`); it is turned
back into plain words here so the model sees what the person wrote.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from sandbox import ASPECTS, attribute_number, duration_problem, is_aspect

MAX_PROMPT_CHARS = 1500
"""The prompt travels inside the "Render again" button, whose value Slack caps at 2,000 characters."""

_HELP_WORDS = {"help", "-h", "--help", "?"}
_OPTION_RE = re.compile(r"^--?(?P<name>[a-z-]+)(?:=(?P<inline>\S+))?$")
_OPTION_ALIASES = {"duration": "duration", "d": "duration", "aspect": "aspect", "a": "aspect"}
_STORY_OPTIONS = {"aspect": "aspect", "a": "aspect", "voice": "voice", "v": "voice"}
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
class StoryCommand:
    """`/render story …`: a narrated project a person reviews before it is rendered.

    Exactly one of `topic` (the model writes the script) and `text` (the script itself, one
    section per paragraph); `title` is what stood on the first line above a pasted script.
    """

    topic: str | None = None
    text: str | None = None
    title: str | None = None
    aspect: str | None = None
    voice: str | None = None


@dataclass(frozen=True)
class HelpCommand:
    """`/render help`, or nothing at all."""

    empty: bool = False


@dataclass(frozen=True)
class CommandProblem:
    """The text cannot become a render; `message` tells the person what to change."""

    message: str


Command = RenderCommand | StoryCommand | HelpCommand | CommandProblem

STORY_WORD = "story"


def parse_command(text: str, *, max_duration: float, max_prompt_chars: int = MAX_PROMPT_CHARS) -> Command:
    """Parse `[--duration N] [--aspect W:H] prompt…`; options only at the start, so prompts stay free text.
    `story …` asks for a narrated project instead (`parse_story`)."""
    plain = plain_text(text)
    first_line, _, script = plain.partition("\n")
    head = first_line.split()
    if head and head[0].lower() == STORY_WORD:
        return parse_story(head[1:], script)
    words = plain.split()
    if not words:
        return HelpCommand(empty=True)
    if len(words) == 1 and words[0].lower() in _HELP_WORDS:
        return HelpCommand()
    options = _leading_options(
        words,
        _OPTION_ALIASES,
        "`--duration SECONDS`, `--aspect " + "|".join(ASPECTS) + "`. Type `/render help` for examples.",
    )
    if isinstance(options, CommandProblem):
        return options
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
        return _bad_aspect(aspect)
    return RenderCommand(prompt=prompt, duration=duration, aspect=aspect)


def parse_story(words: list[str], script: str) -> StoryCommand | CommandProblem:
    """The words after `story` on its line — `[--aspect W:H] [--voice NAME] topic` — and the lines
    below it: a script there is narrated as written (the words above, if any, are its title)."""
    options = _leading_options(words, _STORY_OPTIONS, "`--aspect " + "|".join(ASPECTS) + "`, `--voice NAME`.")
    if isinstance(options, CommandProblem):
        return options
    aspect, voice = options.get("aspect"), options.get("voice")
    if aspect is not None and not is_aspect(aspect):
        return _bad_aspect(aspect)
    line, script = " ".join(words), script.strip()
    if script:
        return StoryCommand(text=script, title=line or None, aspect=aspect, voice=voice)
    if not line:
        return CommandProblem(
            "Tell me what the story is about, e.g. `/render story how a bill becomes law` — or put "
            "your script on the lines after `/render story`, one paragraph per section."
        )
    return StoryCommand(topic=line, aspect=aspect, voice=voice)


def _leading_options(
    words: list[str], aliases: dict[str, str], known: str
) -> dict[str, str] | CommandProblem:
    """Take `--name value` / `--name=value` options off the front of `words` (in place)."""
    options: dict[str, str] = {}
    while words and (match := _OPTION_RE.match(words[0])):
        name = aliases.get(match.group("name"))
        if name is None:
            return CommandProblem(f"I don't know the option `{words[0]}`. Options: {known}")
        words.pop(0)
        value = match.group("inline")
        if value is None:
            if not words:
                return CommandProblem(f"`--{name}` needs a value, e.g. `--{name} {_example(name)}`.")
            value = words.pop(0)
        options[name] = value
    return options


def _bad_aspect(aspect: str) -> CommandProblem:
    return CommandProblem(f"`--aspect {aspect}` is not one I render; use one of " + ", ".join(ASPECTS) + ".")


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
    problem = duration_problem(value, max_duration, given=f"`--duration {raw}`")
    return (None, problem) if problem else (value, None)


def _example(name: str) -> str:
    return {"duration": "6", "voice": "joe"}.get(name, "9:16")
