"""Each scene made ready: its narration (voice) and then its background, cached on disk.

A scene's background is prepared as soon as its own narration is known (a video background
is decoded for as long as the scene lasts), so while one scene is being voiced another's
picture is being fetched and decoded. The first scene that fails stops the others; its
error names it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from service.backgrounds import (
    BackgroundError,
    BackgroundUnreachable,
    PreparedBackground,
    prepare_background,
)
from service.settings import Settings
from service.speech import Narration, SpeechError, VoiceSpec, check_voice, synthesize

from .errors import StoryError
from .inputs import StoryboardInvalid, check_narration_length
from .model import BackgroundSpec, Storyboard
from .splitting import StoryScene, expand_scenes
from .stages import Stage
from .timing import scene_seconds

T = TypeVar("T")
ProgressCallback = Callable[[Stage, int, int], None]
"""(stage, done, total): scenes voiced, backgrounds fetched, frames rendered, mixing steps."""


@dataclass(frozen=True)
class PreparedScene:
    """One scene (after `split`) with its voice and its background, ready to compile. A project
    may keep these between voicing a scene and rendering the storyboard, and build them again
    from what it stored."""

    index: int
    """Position among the storyboard's scenes after splitting, from 0."""
    text: str
    narration: Narration
    background: PreparedBackground
    warnings: list[str]
    """Why the background fell back to the palette, naming the scene."""
    voice_seconds: float = 0.0
    """Time spent on the narration (near 0 when it came from the speech cache)."""
    background_seconds: float = 0.0
    """Time spent fetching and decoding the background."""


def storyboard_voice(storyboard: Storyboard, settings: Settings) -> VoiceSpec:
    """The storyboard's voice, checked once before any scene is voiced: an unknown voice is a
    mistake in the storyboard, not a failure of scene 1."""
    voice = storyboard.voice
    try:
        return check_voice(VoiceSpec(voice.provider, voice.name, voice.speed), settings)
    except SpeechError as exc:
        raise StoryboardInvalid([f"voice: {exc}"]) from None


async def prepare_scene(
    storyboard: Storyboard,
    index: int,
    *,
    assets_dir: Path,
    settings: Settings,
    base_dir: Path | None = None,
) -> PreparedScene:
    """Scene `index` (after splitting): voice, then background, its files written to `assets_dir`.

    `base_dir` resolves local paths (the command line); None allows URLs only.
    """
    scene = expand_scenes(storyboard)[index]
    voice = storyboard_voice(storyboard, settings)
    return await _prepare(storyboard, index, scene, voice, assets_dir, settings, base_dir)


async def prepare_scenes(
    storyboard: Storyboard,
    *,
    assets_dir: Path,
    settings: Settings,
    base_dir: Path | None = None,
    progress: ProgressCallback | None = None,
) -> list[PreparedScene]:
    """Every scene, `settings.story_concurrency` at a time; in order."""
    check_narration_length(storyboard, settings.story_max_narration_seconds)
    scenes = expand_scenes(storyboard)
    voice = storyboard_voice(storyboard, settings)
    report = progress or (lambda stage, done, total: None)
    counts = {"voicing": 0, "fetching": 0}

    def step(stage: Literal["voicing", "fetching"]) -> None:
        counts[stage] += 1
        report(stage, counts[stage], len(scenes))

    report("voicing", 0, len(scenes))
    gate = asyncio.Semaphore(max(1, settings.story_concurrency))

    async def one(index: int, scene: StoryScene) -> PreparedScene:
        async with gate:
            return await _prepare(storyboard, index, scene, voice, assets_dir, settings, base_dir, step)

    return await first_failure_stops_all([one(i, s) for i, s in enumerate(scenes)])


async def _prepare(
    storyboard: Storyboard,
    index: int,
    scene: StoryScene,
    voice: VoiceSpec,
    assets_dir: Path,
    settings: Settings,
    base_dir: Path | None,
    step: Callable[[Literal["voicing", "fetching"]], None] = lambda stage: None,
) -> PreparedScene:
    started = time.perf_counter()
    try:
        narration = await synthesize(scene.text, voice, settings=settings)
    except SpeechError as exc:
        raise StoryError(f"{scene.label}: {exc}") from exc
    voiced = time.perf_counter()
    step("voicing")
    palette = storyboard.palette
    try:
        background = await prepare_background(
            scene.background or BackgroundSpec(color=palette[index % len(palette)]),
            scene_index=index,
            scene_text=scene.text,
            duration=scene_seconds(scene, narration.duration, storyboard.fps),
            assets_dir=assets_dir,
            palette=palette,
            settings=settings,
            base_dir=base_dir,
            scene_label=scene.label,
            aspect=storyboard.aspect,
        )
    except BackgroundUnreachable as exc:  # names the scene and the source already
        raise StoryError(str(exc)) from exc
    except BackgroundError as exc:
        raise StoryboardInvalid([str(exc)]) from exc
    step("fetching")
    return PreparedScene(
        index,
        scene.text,
        narration,
        background,
        list(background.warnings),
        voice_seconds=voiced - started,
        background_seconds=time.perf_counter() - voiced,
    )


async def first_failure_stops_all(work: Sequence[Awaitable[T]]) -> list[T]:
    """The results of `work`, in order; the first failure cancels the rest and is raised as itself."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_awaited(w)) for w in work]
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return [task.result() for task in tasks]


async def _awaited(work: Awaitable[T]) -> T:
    return await work
