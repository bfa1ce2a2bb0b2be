"""Every way a storyboard arrives — storyboard JSON, a `video_transcript` answer, plain text —
turned into one validated `Storyboard`, with errors that name the scene and the field.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from service.speech import paragraphs

from .model import MAX_SCENES, Storyboard

WORDS_PER_MINUTE = 150.0
"""A narrator's pace, for estimating the narration length before any synthesis."""


class StoryboardInvalid(ValueError):
    """The storyboard is wrong; `problems` are lines like 'scene 3 (scenes[2].text): …'."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        more = len(self.problems) - 1
        super().__init__(self.problems[0] + (f" (and {more} more problem{'s' * (more > 1)})" if more else ""))


class _TranscriptLine(BaseModel):
    """One section of a `video_transcript` answer; other keys (durations, ids) are ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    text: str
    gif_hint: str | None = Field(None, alias="gifHint")
    gif: str | None = None
    timestamp: str | None = None
    """Ignored: the narration decides the timing."""


class _Transcript(BaseModel):
    model_config = ConfigDict(extra="allow")

    video_transcript: list[_TranscriptLine] = Field(min_length=1, max_length=MAX_SCENES)


def storyboard_from_data(data: object, *, max_narration_seconds: float) -> Storyboard:
    """A storyboard (or a `video_transcript`) decoded from JSON → a checked Storyboard."""
    if isinstance(data, dict) and "video_transcript" in data:
        data = _transcript_to_storyboard(data)
    try:
        storyboard = Storyboard.model_validate(data)
    except ValidationError as exc:
        raise StoryboardInvalid(describe_errors(exc)) from None
    check_narration_length(storyboard, max_narration_seconds)
    return storyboard


def storyboard_from_json(text: str, *, max_narration_seconds: float) -> Storyboard:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise StoryboardInvalid([f"not valid JSON: {exc}"]) from None
    return storyboard_from_data(data, max_narration_seconds=max_narration_seconds)


def storyboard_from_text(text: str, *, title: str = "", max_narration_seconds: float) -> Storyboard:
    """Plain text: one scene per paragraph (blank-line separated); backgrounds from the palette."""
    scenes = [{"text": p.replace("\r\n", "\n")} for p in paragraphs(text)]
    if not scenes:
        raise StoryboardInvalid(["the text is empty: write one paragraph per scene"])
    data = {"title": title, "scenes": scenes}
    return storyboard_from_data(data, max_narration_seconds=max_narration_seconds)


def estimated_narration_seconds(storyboard: Storyboard) -> float:
    words = sum(len(scene.text.split()) for scene in storyboard.scenes)
    return words / WORDS_PER_MINUTE * 60.0 / storyboard.voice.speed


def check_narration_length(storyboard: Storyboard, max_seconds: float) -> None:
    """Refuse, before any synthesis, a script that would speak for longer than the cap."""
    estimate = estimated_narration_seconds(storyboard)
    if estimate > max_seconds:
        raise StoryboardInvalid(
            [
                f"scenes: the narration would last about {_minutes(estimate)} "
                f"(at {WORDS_PER_MINUTE:g} words a minute); the limit is {_minutes(max_seconds)}: shorten the text"
            ]
        )


def describe_errors(exc: ValidationError) -> list[str]:
    """Pydantic's errors as one line each: 'scene 3 (scenes[2].background): give exactly one …'."""
    lines = []
    for error in exc.errors():
        loc = error["loc"]
        path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
        message = _message(error)
        if len(loc) >= 2 and loc[0] in ("scenes", "video_transcript") and isinstance(loc[1], int):
            lines.append(f"scene {loc[1] + 1} ({path}): {message}")
        else:
            lines.append(f"{path or 'storyboard'}: {message}")
    return lines


def _message(error: Any) -> str:
    kind, message = error["type"], str(error["msg"])
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; `seekreel story --schema` lists the fields)"
    if kind == "missing":
        return "required field is missing"
    return message.removeprefix("Value error, ")


def _transcript_to_storyboard(data: dict[str, Any]) -> dict[str, Any]:
    """`{"video_transcript": [{"timestamp", "text", "gifHint"|"gif"}], …}` → storyboard data.

    The other top-level keys (title, voice, captions, …) pass through as storyboard fields.
    """
    try:
        transcript = _Transcript.model_validate(data)
    except ValidationError as exc:
        raise StoryboardInvalid(describe_errors(exc)) from None
    scenes: list[dict[str, Any]] = []
    for line in transcript.video_transcript:
        scene: dict[str, Any] = {"text": line.text}
        hint = (line.gif_hint or line.gif or "").strip()
        if hint:
            scene["background"] = {"search": hint}
        scenes.append(scene)
    rest = {k: v for k, v in data.items() if k != "video_transcript"}
    if "scenes" in rest:
        raise StoryboardInvalid(["scenes: give either scenes or video_transcript, not both"])
    return {**rest, "scenes": scenes}


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} minutes" if seconds >= 90 else f"{seconds:.0f} seconds"
