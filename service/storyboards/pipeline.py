"""Storyboard → MP4 with sound, in the steps a project with an approval step needs:

    scenes = await prepare_scenes(board, assets_dir=…, settings=…)   # voice + background per scene
    compiled = compile_storyboard(board, scenes)                      # timing, captions, page: no I/O
    result = await finish_storyboard(compiled, outputs, assets_dir=…, settings=…, render_options=…)

`render_storyboard` does all three. Finishing renders the page with the sandbox like any
other composition while the soundtrack is mixed and encoded (AAC, exactly the picture's
length) beside it, then copies both into the MP4. Work happens
in hidden folders beside the output; the outputs (captions, composition with its assets,
video last) appear only when everything succeeded, so a failed run leaves nothing half-written.
"""

from __future__ import annotations

import asyncio
import dataclasses
import mimetypes
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from sandbox import BrowserPool, RenderOptions, render_to_file
from service.captions import Cue, cues_from_phrases, write_captions
from service.files import move_atomically, replace_folder, write_atomically
from service.safe_fetch import AUDIO_TYPES, FetchError, FetchFailed, fetch_source
from service.settings import Settings
from service.soundtrack import MusicBed, PlacedClip, SoundtrackError, mix_soundtrack, mux

from .compose import caption_line_chars, compile_composition
from .errors import StoryError
from .inputs import StoryboardInvalid
from .model import Music, Storyboard
from .scenes import PreparedScene, ProgressCallback, first_failure_stops_all, prepare_scenes
from .splitting import expand_scenes
from .timing import time_scenes

DEFAULT_ASSETS = "assets"


@dataclass(frozen=True)
class StoryOutputs:
    video: Path
    captions: Path | None = None
    """A .vtt or .srt sidecar."""
    html: Path | None = None
    """The composition; its pictures go in a folder beside it (`<stem>.assets` from `render_storyboard`)."""


@dataclass(frozen=True)
class CompiledStoryboard:
    """The storyboard as one composition plus what its soundtrack is made of."""

    html: str
    duration: float
    cues: list[Cue]
    clips: list[PlacedClip]
    music: Music | None
    assets_name: str
    """The folder, beside the page, its pictures are referred to in ("" → beside the page itself)."""
    scenes: int
    narration_seconds: float
    """All the narrations together, as synthesised."""
    warnings: list[str]
    """Backgrounds that fell back to the palette, each naming its scene."""
    credits: list[str]
    """Attribution the media's sources ask for, e.g. "scene 3: Photo by … on Pexels"."""


@dataclass(frozen=True)
class StageTimes:
    """Seconds spent, for the benchmark and for anyone asking where the time went."""

    voice: float = 0.0
    """Narrations, summed over scenes (they run a few at a time)."""
    backgrounds: float = 0.0
    """Fetching and decoding backgrounds, summed over scenes."""
    prepare: float = 0.0
    """Until every scene was voiced and had its background (wall time)."""
    render: float = 0.0
    soundtrack: float = 0.0
    """Music, mixing and encoding the sound, while the picture renders."""
    mux: float = 0.0
    total: float = 0.0


@dataclass(frozen=True)
class StoryResult:
    outputs: StoryOutputs
    duration: float
    scenes: int
    warnings: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    times: StageTimes = field(default_factory=StageTimes)


def compile_storyboard(
    storyboard: Storyboard, scenes: Sequence[PreparedScene], *, assets_name: str = ""
) -> CompiledStoryboard:
    """Time the scenes by their narration and compile the page (no I/O). `scenes` are the
    storyboard's after splitting, in order; the page refers to their picture files in the
    folder `assets_name` beside it ("" → beside the page itself)."""
    expanded = expand_scenes(storyboard)
    timed = time_scenes(expanded, [s.narration.duration for s in scenes], storyboard.fps)
    line_chars, lines = caption_line_chars(storyboard), storyboard.captions.style.max_lines
    cues = [
        cue
        for t, s in zip(timed, scenes, strict=True)
        for cue in cues_from_phrases(
            s.narration.phrases, offset=t.start, max_chars=line_chars, max_lines=lines
        )
    ]
    prefix = f"{quote(assets_name)}/" if assets_name else ""
    return CompiledStoryboard(
        html=compile_composition(
            storyboard, timed, [s.background for s in scenes], cues, asset_prefix=prefix
        ),
        duration=timed[-1].end,
        cues=cues,
        clips=[PlacedClip(s.narration.path, t.start) for s, t in zip(scenes, timed, strict=True)],
        music=storyboard.music,
        assets_name=assets_name,
        scenes=len(scenes),
        narration_seconds=sum(s.narration.duration for s in scenes),
        warnings=[w for s in scenes for w in s.warnings],
        credits=[
            f"{t.scene.label}: {s.background.credit}"
            for s, t in zip(scenes, timed, strict=True)
            if s.background.credit
        ],
    )


async def finish_storyboard(
    compiled: CompiledStoryboard,
    outputs: StoryOutputs,
    *,
    assets_dir: Path,
    settings: Settings,
    render_options: RenderOptions,
    base_dir: Path | None = None,
    pool: BrowserPool | None = None,
    progress: ProgressCallback | None = None,
    cancel: asyncio.Event | None = None,
) -> StoryResult:
    """Render the page while the music is fetched (`base_dir` resolves a local path) and the
    soundtrack mixed; mux; then put the outputs in place, the video last. StoryboardInvalid,
    before any work, when the narration or the video is over its cap in `settings`.

    `assets_dir` is the page's own folder: its picture references start there (the pictures
    are in `assets_dir / compiled.assets_name`). `outputs.html` gets the page and a copy of that
    folder beside it; compiled without an assets folder, the page must go into `assets_dir`.
    """
    _check_lengths(compiled, settings)
    if outputs.html and not compiled.assets_name and outputs.html.parent.resolve() != assets_dir.resolve():
        raise ValueError("a page compiled without an assets folder must be written beside its pictures")
    report = progress or (lambda stage, done, total: None)
    options = dataclasses.replace(
        render_options, fps=None, assets_dir=assets_dir, max_duration=compiled.duration + 1.0
    )
    work = Path(tempfile.mkdtemp(prefix=f".{outputs.video.name}.", dir=outputs.video.parent))
    picture, sound, video = work / "picture.mp4", work / "soundtrack.m4a", work / "video.mp4"
    took: dict[str, float] = {}

    async def render() -> None:
        started = time.perf_counter()
        await render_to_file(
            compiled.html,
            picture,
            options,
            pool=pool,
            progress=lambda done, total: report("rendering", done, total),
            cancel=cancel,
        )
        took["render"] = time.perf_counter() - started

    async def soundtrack() -> None:
        started = time.perf_counter()
        bed = await _music_bed(compiled.music, work, base_dir, settings)
        try:
            await mix_soundtrack(compiled.clips, compiled.duration, sound, music=bed)
        except SoundtrackError as exc:
            raise StoryError(str(exc)) from exc
        took["soundtrack"] = time.perf_counter() - started

    try:
        await first_failure_stops_all([render(), soundtrack()])
        report("mixing", 0, 1)
        started = time.perf_counter()
        try:
            await mux(picture, sound, video)
        except SoundtrackError as exc:
            raise StoryError(str(exc)) from exc
        took["mux"] = time.perf_counter() - started
        report("mixing", 1, 1)
        if outputs.captions:
            write_captions(compiled.cues, outputs.captions)
        if outputs.html:
            if compiled.assets_name:
                replace_folder(
                    assets_dir / compiled.assets_name, outputs.html.with_name(compiled.assets_name)
                )
            write_atomically(outputs.html, compiled.html.encode())
        move_atomically(video, outputs.video)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return StoryResult(
        outputs,
        compiled.duration,
        compiled.scenes,
        compiled.warnings,
        compiled.credits,
        StageTimes(**took),
    )


async def render_storyboard(
    storyboard: Storyboard,
    outputs: StoryOutputs,
    *,
    settings: Settings,
    options: RenderOptions | None = None,
    base_dir: Path | None = None,
    pool: BrowserPool | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: asyncio.Event | None = None,
) -> StoryResult:
    """Make the video (and the sidecars asked for). `base_dir` resolves local paths (CLI only)."""
    started = time.perf_counter()
    assets_name = f"{outputs.html.stem}.assets" if outputs.html else DEFAULT_ASSETS
    work = Path(tempfile.mkdtemp(prefix=f".{outputs.video.name}.", dir=outputs.video.parent))
    try:
        assets = work / assets_name
        assets.mkdir()
        scenes = await prepare_scenes(
            storyboard, assets_dir=assets, settings=settings, base_dir=base_dir, progress=on_progress
        )
        prepared = time.perf_counter()
        compiled = compile_storyboard(storyboard, scenes, assets_name=assets_name)
        result = await finish_storyboard(
            compiled,
            outputs,
            assets_dir=work,
            settings=settings,
            render_options=options or RenderOptions(),
            base_dir=base_dir,
            pool=pool,
            progress=on_progress,
            cancel=cancel,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    times = dataclasses.replace(
        result.times,
        voice=sum(s.voice_seconds for s in scenes),
        backgrounds=sum(s.background_seconds for s in scenes),
        prepare=prepared - started,
        total=time.perf_counter() - started,
    )
    return dataclasses.replace(result, times=times)


async def _music_bed(
    music: Music | None, dest: Path, base_dir: Path | None, settings: Settings
) -> MusicBed | None:
    """The music file, read like a background source, only when its bytes say it is audio."""
    if music is None:
        return None
    try:
        fetched = await fetch_source(music.src, base_dir=base_dir, settings=settings, accept=AUDIO_TYPES)
    except FetchFailed as exc:
        raise StoryError(f"music.src: {exc}") from exc
    except FetchError as exc:
        raise StoryboardInvalid([f"music.src: {exc}"]) from exc
    path = dest / f"music{mimetypes.guess_extension(fetched.content_type) or ''}"
    path.write_bytes(fetched.data)
    return MusicBed(path, music.volume)


def _check_lengths(compiled: CompiledStoryboard, settings: Settings) -> None:
    """The caps again, now measured: the estimate before synthesis can be off for dense text."""
    spoken = compiled.narration_seconds
    if spoken > settings.story_max_narration_seconds:
        raise StoryboardInvalid(
            [
                f"scenes: the narration lasts {spoken:.0f} s, over the "
                f"{settings.story_max_narration_seconds:g} s limit (SEEKREEL_STORY_MAX_NARRATION_SECONDS): "
                "shorten the text"
            ]
        )
    if compiled.duration > settings.story_max_video_seconds:
        raise StoryboardInvalid(
            [
                f"scenes: the video would last {compiled.duration:.0f} s, over the "
                f"{settings.story_max_video_seconds:g} s limit (SEEKREEL_STORY_MAX_VIDEO_SECONDS): "
                "shorten the text, min_duration or pause_after"
            ]
        )
