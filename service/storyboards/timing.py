"""Scene timing: the narration decides how long each scene lasts.

A scene lasts max(narration + pause_after, min_duration), rounded up to whole frames, so
every scene starts exactly on a frame and the video's length is a whole number of frames
(the soundtrack is then cut to the same length).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .splitting import StoryScene


@dataclass(frozen=True)
class TimedScene:
    scene: StoryScene
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def scene_frames(scene: StoryScene, narration_seconds: float, fps: float) -> int:
    """How many frames the scene lasts: max(narration + pause_after, min_duration), rounded up."""
    seconds = max(narration_seconds + scene.pause_after, scene.min_duration)
    return max(1, math.ceil(seconds * fps - 1e-6))


def scene_seconds(scene: StoryScene, narration_seconds: float, fps: float) -> float:
    return scene_frames(scene, narration_seconds, fps) / fps


def time_scenes(
    scenes: Sequence[StoryScene], narration_seconds: Sequence[float], fps: float
) -> list[TimedScene]:
    """Start and end of each scene; counted in frames so no rounding accumulates."""
    timed: list[TimedScene] = []
    frame = 0
    for scene, spoken in zip(scenes, narration_seconds, strict=True):
        frames = scene_frames(scene, spoken, fps)
        timed.append(TimedScene(scene, frame / fps, (frame + frames) / fps))
        frame += frames
    return timed
