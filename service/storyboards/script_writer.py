"""A topic → a storyboard, written by the configured model and checked like the HTML loop.

The model answers with storyboard JSON; we find the JSON in the answer, validate it
against the schema and the narration cap, and on problems send them back and ask for
the whole corrected storyboard, up to `story_max_attempts` times. The offline provider
cannot write a script: it refuses with a line naming the options that need no model.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.generation.extract import fenced_bodies, strip_reasoning
from service.generation.model_prompts import (
    storyboard_brief,
    storyboard_repair_prompt,
    storyboard_system_prompt,
)
from service.generation.providers import Message, OfflineProvider, get_provider

from .inputs import WORDS_PER_MINUTE, StoryboardInvalid, storyboard_from_data
from .model import MAX_SCENE_CHARS, MAX_SCENES, MAX_TITLE_CHARS, Storyboard

if TYPE_CHECKING:
    from service.settings import Settings

ECHO_CHARS = 60_000
AttemptCallback = Callable[[int, int], Awaitable[None] | None]
"""(attempt, max_attempts) before each request to the model."""


class NoModelToWrite(ValueError):
    """The provider is offline: there is no model to write a script from a topic."""


class StoryboardNotWritten(Exception):
    """Every attempt's answer was rejected; `problems` are the last attempt's."""

    def __init__(self, attempts: int, problems: list[str]) -> None:
        self.problems = problems
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        super().__init__(f"the model's storyboard is still invalid after {tries}: {problems[0]}")


@dataclass(frozen=True)
class WrittenStoryboard:
    storyboard: Storyboard
    attempts: int
    provider: str
    model: str


async def write_storyboard(
    topic: str,
    *,
    settings: Settings,
    provider: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    aspect: str | None = None,
    on_attempt: AttemptCallback | None = None,
) -> WrittenStoryboard:
    """Ask the model for a storyboard about `topic` until one validates (or the attempts run out)."""
    chosen = get_provider(provider, model, settings, base_url=base_url)
    try:
        if isinstance(chosen, OfflineProvider):
            raise NoModelToWrite(
                "the offline provider cannot write a script from a topic: pass --text story.txt (one "
                "paragraph per scene) or --storyboard story.json, or choose a model with --provider"
            )
        system = storyboard_system_prompt(
            aspect=aspect,
            max_narration_seconds=settings.story_max_narration_seconds,
            words_per_minute=WORDS_PER_MINUTE,
            max_scenes=MAX_SCENES,
            max_scene_chars=MAX_SCENE_CHARS,
            max_title=MAX_TITLE_CHARS,
        )
        first = Message("user", storyboard_brief(topic))
        messages = [first]
        max_attempts = max(1, settings.story_max_attempts)
        problems: list[str] = []
        for attempt in range(1, max_attempts + 1):
            if on_attempt is not None:
                result = on_attempt(attempt, max_attempts)
                if inspect.isawaitable(result):
                    await result
            completion = await chosen.complete(system, messages)
            data = json_object_in(completion.text)
            try:
                if data is None:
                    raise StoryboardInvalid(
                        [
                            "the answer contains no JSON object: answer with the storyboard in one ```json block"
                        ]
                    )
                storyboard = storyboard_from_data(
                    data, max_narration_seconds=settings.story_max_narration_seconds
                )
            except StoryboardInvalid as exc:
                problems = exc.problems
            else:
                return WrittenStoryboard(storyboard, attempt, chosen.name, chosen.model)
            repair = storyboard_repair_prompt(
                problems, attempt=attempt + 1, max_attempts=max_attempts, has_json=data is not None
            )
            echo = completion.text if completion.text.strip() else "(empty answer)"
            messages = [first, Message("assistant", echo[:ECHO_CHARS]), Message("user", repair)]
        raise StoryboardNotWritten(max_attempts, problems)
    finally:
        await chosen.aclose()


def json_object_in(answer: str) -> object | None:
    """The storyboard object in a model's answer: the last fenced JSON object, else the answer
    itself, else the span from its first `{` to its last `}`; None when there is none."""
    text = strip_reasoning(answer)
    candidates = [*reversed(fenced_bodies(text)), text, text[text.find("{") : text.rfind("}") + 1]]
    for candidate in candidates:
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(data, dict):
            return data
    return None
