"""Storyboard → MP4 with sound: voice every scene, time the scenes, prepare their
backgrounds, compile one composition, render it as any other, mix the soundtrack, mux.

All work happens in a hidden folder beside the output; the outputs (video, captions,
composition with its assets) appear only when everything succeeded, so a failed run leaves
nothing half-written. A scene's failure is reported naming the scene.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from sandbox import BrowserPool, RenderOptions, render_to_file

from .compose import caption_line_chars, compile_composition
from .inputs import check_narration_length
from .model import BackgroundSpec, Storyboard
from .music import MusicUnusable, fetch_music
from .parts import Parts, real_parts
from .splitting import StoryScene, expand_scenes
from .timing import TimedScene, time_scenes

if TYPE_CHECKING:
    from service.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

Stage = Literal["voicing", "fetching", "rendering", "mixing"]
ProgressCallback = Callable[[Stage, int, int], None]
"""(stage, done, total): scenes voiced, backgrounds fetched, frames rendered, mixing steps."""


class StoryError(Exception):
    """The storyboard could not be made into a video; `str()` is one line, naming the scene if one is at fault."""


@dataclass(frozen=True)
class StoryOutputs:
    video: Path
    captions: Path | None = None
    """A .vtt or .srt sidecar."""
    html: Path | None = None
    """The composition; its pictures go in a folder `<stem>.assets` beside it."""


@dataclass(frozen=True)
class StoryResult:
    outputs: StoryOutputs
    duration: float
    scenes: int
    warnings: list[str] = field(default_factory=list)
    """Backgrounds that fell back to a colour, each naming its scene."""
    credits: list[str] = field(default_factory=list)
    """Attribution the media's sources ask for, e.g. "scene 3: Photo by … on Pexels"."""


async def render_storyboard(
    storyboard: Storyboard,
    outputs: StoryOutputs,
    *,
    settings: Settings,
    options: RenderOptions | None = None,
    base_dir: Path | None = None,
    parts: Parts | None = None,
    pool: BrowserPool | None = None,
    on_progress: ProgressCallback | None = None,
) -> StoryResult:
    """Make the video (and the sidecars asked for). `base_dir` resolves local paths (CLI only)."""
    parts = parts or real_parts()
    progress = on_progress or (lambda stage, done, total: None)
    check_narration_length(storyboard, settings.story_max_narration_seconds)
    scenes = expand_scenes(storyboard)
    work = Path(tempfile.mkdtemp(prefix=f".{outputs.video.name}.", dir=outputs.video.parent))
    try:
        prefix = f"{outputs.html.stem}.assets/" if outputs.html else "assets/"
        assets = work / prefix
        assets.mkdir()
        narrations = await _voice(storyboard, scenes, settings, parts, progress)
        timed = time_scenes(scenes, [n.duration for n in narrations], storyboard.fps)
        _check_lengths(narrations, timed, settings)
        backgrounds, music = await _fetch(storyboard, timed, assets, base_dir, settings, parts, progress)
        line_chars, lines = caption_line_chars(storyboard), storyboard.captions.style.max_lines
        cues = [
            cue
            for t, narration in zip(timed, narrations, strict=True)
            for cue in parts.captions.cues_from_phrases(
                narration.phrases, offset=t.start, max_chars=line_chars, max_lines=lines
            )
        ]
        html = compile_composition(storyboard, timed, backgrounds, cues, asset_prefix=prefix)
        duration = timed[-1].end
        render_options = dataclasses.replace(
            options or RenderOptions(), fps=None, assets_dir=work, max_duration=duration + 1.0
        )
        silent = work / "picture.mp4"
        await render_to_file(
            html,
            silent,
            render_options,
            pool=pool,
            progress=lambda done, total: progress("rendering", done, total),
        )
        progress("mixing", 0, 2)
        clips = [parts.soundtrack.PlacedClip(n.path, t.start) for n, t in zip(narrations, timed, strict=True)]
        bed = (
            parts.soundtrack.MusicBed(music, storyboard.music.volume) if music and storyboard.music else None
        )
        audio = await parts.soundtrack.mix_soundtrack(clips, duration, work / "soundtrack.m4a", music=bed)
        progress("mixing", 1, 2)
        video = work / "video.mp4"
        await parts.soundtrack.mux(silent, audio, video)
        progress("mixing", 2, 2)
        if outputs.captions:
            parts.captions.write_captions(cues, work / f"captions{outputs.captions.suffix}")
        _publish(work, outputs, html, prefix)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    warnings = [w for bg in backgrounds for w in bg.warnings]
    credits = [f"{t.scene.label}: {bg.credit}" for t, bg in zip(timed, backgrounds, strict=True) if bg.credit]
    return StoryResult(outputs, duration, len(scenes), warnings, credits)


async def _voice(
    storyboard: Storyboard,
    scenes: Sequence[StoryScene],
    settings: Settings,
    parts: Parts,
    progress: ProgressCallback,
) -> list[Any]:
    voice = parts.speech.VoiceSpec(storyboard.voice.provider, storyboard.voice.name, storyboard.voice.speed)
    progress("voicing", 0, len(scenes))

    def narrate(scene: StoryScene) -> Awaitable[Any]:
        spoken: Awaitable[Any] = parts.speech.synthesize(scene.text, voice, settings=settings)
        return spoken

    return await _each(
        [(s.label, s) for s in scenes],
        narrate,
        settings.story_concurrency,
        lambda n: progress("voicing", n, len(scenes)),
    )


async def _fetch(
    storyboard: Storyboard,
    timed: Sequence[TimedScene],
    assets: Path,
    base_dir: Path | None,
    settings: Settings,
    parts: Parts,
    progress: ProgressCallback,
) -> tuple[list[Any], Path | None]:
    """Every scene's background (a palette colour where none is given) and the music bed."""
    palette = storyboard.palette
    total = len(timed) + (storyboard.music is not None)
    music = None
    progress("fetching", 0, total)
    if storyboard.music is not None:
        try:
            music = await fetch_music(
                storyboard.music.src,
                dest_dir=assets.parent,
                base_dir=base_dir,
                settings=settings,
                safe_fetch=parts.safe_fetch,
            )
        except MusicUnusable as exc:
            raise StoryError(str(exc)) from None
        progress("fetching", 1, total)

    def prepare(item: tuple[int, TimedScene]) -> Awaitable[Any]:
        index, t = item
        spec = t.scene.background or BackgroundSpec(color=palette[index % len(palette)])
        prepared: Awaitable[Any] = parts.backgrounds.prepare_background(
            spec,
            scene_index=index,
            scene_text=t.scene.text,
            duration=t.duration,
            assets_dir=assets,
            palette=palette,
            settings=settings,
            base_dir=base_dir,
            scene_label=t.scene.label,
            aspect=storyboard.aspect,
        )
        return prepared

    backgrounds = await _each(
        [(t.scene.label, (i, t)) for i, t in enumerate(timed)],
        prepare,
        settings.story_concurrency,
        lambda n: progress("fetching", n + (music is not None), total),
    )
    return backgrounds, music


async def _each(
    items: Sequence[tuple[str, T]],
    work: Callable[[T], Awaitable[Any]],
    limit: int,
    done: Callable[[int], None],
) -> list[Any]:
    """`work` on every (label, item), at most `limit` at once, results in order. The first
    failure cancels the rest and is raised as a StoryError naming the item's scene."""
    gate = asyncio.Semaphore(max(1, limit))
    finished = 0

    async def one(label: str, item: T) -> Any:
        nonlocal finished
        async with gate:
            try:
                result = await work(item)
            except Exception as exc:
                message = _one_line(exc)
                raise StoryError(message if message.startswith(label) else f"{label}: {message}") from exc
        finished += 1
        done(finished)
        return result

    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(one(label, item)) for label, item in items]
    except BaseExceptionGroup as group:
        raise group.exceptions[0] from None
    return [task.result() for task in tasks]


def _one_line(exc: Exception) -> str:
    """seekreel's own errors already read as one line; anything else is unexpected and logged."""
    if type(exc).__module__.startswith("service."):
        return str(exc)
    log.error("unexpected failure", exc_info=exc)
    return f"{type(exc).__name__}: {exc}"


def _check_lengths(narrations: Sequence[Any], timed: Sequence[TimedScene], settings: Settings) -> None:
    """The caps again, now measured: the estimate before synthesis can be off for dense text."""
    spoken = sum(n.duration for n in narrations)
    if spoken > settings.story_max_narration_seconds:
        raise StoryError(
            f"the narration lasts {spoken:.0f} s, over the {settings.story_max_narration_seconds:g} s limit "
            "(SEEKREEL_STORY_MAX_NARRATION_SECONDS): shorten the text"
        )
    total = timed[-1].end
    if total > settings.story_max_video_seconds:
        raise StoryError(
            f"the video would last {total:.0f} s, over the {settings.story_max_video_seconds:g} s limit "
            "(SEEKREEL_STORY_MAX_VIDEO_SECONDS): shorten the text, min_duration or pause_after"
        )


def _publish(work: Path, outputs: StoryOutputs, html: str, prefix: str) -> None:
    """Move the finished files into place: sidecars first, the video last, each by rename."""
    if outputs.captions:
        _place(work / f"captions{outputs.captions.suffix}", outputs.captions)
    if outputs.html:
        assets = outputs.html.with_name(prefix.rstrip("/"))
        staged = Path(tempfile.mkdtemp(prefix=f".{assets.name}.", dir=assets.parent))
        shutil.copytree(work / prefix, staged, dirs_exist_ok=True)
        shutil.rmtree(assets, ignore_errors=True)
        os.replace(staged, assets)
        page = work / "page.html"
        page.write_text(html, encoding="utf-8")
        _place(page, outputs.html)
    _place(work / "video.mp4", outputs.video)


def _place(src: Path, dest: Path) -> None:
    """Move `src` to `dest` by a rename within dest's folder (never a half-copied file)."""
    staged = dest.with_name(f".{dest.name}.partial")
    shutil.copyfile(src, staged)
    os.replace(staged, dest)
