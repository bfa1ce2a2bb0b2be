"""`split`: one scene per sentence or per line, before anything is voiced.

Sentences are the narration's own (`service.speech.split_sentences`), so a split scene and
its voice agree on where sentences end. Each part becomes a scene of its own
with a copy of its scene's background, `min_duration` and `pause_after`; its label
("scene 3.2") keeps pointing at the scene the person wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.speech import split_sentences

from .inputs import StoryboardInvalid
from .model import MAX_SCENES, BackgroundSpec, Split, Storyboard


@dataclass(frozen=True)
class StoryScene:
    """A scene as it will be voiced and shown: after splitting, numbered for messages."""

    label: str
    """'scene 3', or 'scene 3.2' for the second part of a split scene 3."""
    text: str
    background: BackgroundSpec | None
    min_duration: float
    pause_after: float


def split_text(text: str, how: Split) -> list[str]:
    """The parts of `text`: itself, its non-empty lines, or the sentences of each line."""
    if how == "none":
        return [text]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if how == "line":
        return lines
    return [sentence for line in lines for sentence in split_sentences(line)]


def expand_scenes(storyboard: Storyboard) -> list[StoryScene]:
    """The storyboard's scenes with every `split` applied (a scene's own split wins)."""
    scenes: list[StoryScene] = []
    for number, scene in enumerate(storyboard.scenes, start=1):
        parts = split_text(scene.text, scene.split or storyboard.split)
        for k, text in enumerate(parts, start=1):
            label = f"scene {number}" if len(parts) == 1 else f"scene {number}.{k}"
            scenes.append(StoryScene(label, text, scene.background, scene.min_duration, scene.pause_after))
    if len(scenes) > MAX_SCENES:
        raise StoryboardInvalid(
            [
                f"split: splitting makes {len(scenes)} scenes, more than {MAX_SCENES}: split less or merge scenes"
            ]
        )
    return scenes
