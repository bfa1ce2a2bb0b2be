"""`seekreel story` (a topic, a text or a storyboard → a narrated MP4) and `seekreel voices`."""

from __future__ import annotations

import dataclasses
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sandbox import ASPECTS, CANONICAL_SIZES, CompositionError, RenderError, RenderOptions, output_size

from ..files import write_atomically
from ..generation.providers import ProviderError
from ..settings import Settings, get_settings
from ..speech import SpeechError, available_voices, voice_from_name
from ..storyboards import (
    STAGE_LABELS,
    NoModelToWrite,
    ProgressCallback,
    Storyboard,
    StoryboardInvalid,
    StoryboardNotWritten,
    StoryError,
    StoryOutputs,
    StoryResult,
    render_storyboard,
    storyboard_from_data,
    storyboard_from_json,
    storyboard_from_text,
    storyboard_schema,
    write_storyboard,
)
from .app import app, fail, run_work
from .inputs import check_aspect, check_output
from .option_types import BaseUrlOpt, ModelOpt, ProviderOpt, QualityOpt, QuietOpt, ResolutionOpt, WorkersOpt
from .progress import StageCallback, stage_progress

console = Console(highlight=False)
WRITING = "writing the storyboard"
"""The step before the storyboard's stages (STAGE_LABELS), for a topic."""
CAPTION_SUFFIXES = (".vtt", ".srt")


class SplitChoice(StrEnum):
    none = "none"
    sentence = "sentence"
    line = "line"


@app.command()
def story(
    topic: Annotated[
        str | None, typer.Argument(help="What the video is about; a model writes the script.")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Where to write the MP4.")] = None,
    text: Annotated[
        Path | None, typer.Option("--text", help="A plain-text script: one scene per paragraph.")
    ] = None,
    storyboard_file: Annotated[
        Path | None, typer.Option("--storyboard", help="A storyboard (or video_transcript) JSON file.")
    ] = None,
    captions_out: Annotated[
        Path | None, typer.Option("--captions-out", help="Also write the captions: a .vtt or .srt file.")
    ] = None,
    html_out: Annotated[
        Path | None,
        typer.Option(
            "--html-out", help="Also keep the composition (its pictures go in NAME.assets/ beside it)."
        ),
    ] = None,
    storyboard_out: Annotated[
        Path | None,
        typer.Option("--storyboard-out", help="Write the storyboard JSON; without -o, stop there."),
    ] = None,
    voice: Annotated[
        str | None, typer.Option(help="A voice from `seekreel voices`: joe, alloy, piper:joe, openai:alloy…")
    ] = None,
    aspect: Annotated[
        str | None, typer.Option(help=f"{', '.join(ASPECTS)} (overrides the storyboard).")
    ] = None,
    resolution: ResolutionOpt = None,
    quality: QualityOpt = "standard",
    workers: WorkersOpt = None,
    no_captions: Annotated[
        bool, typer.Option("--no-captions", help="No captions in the picture (sidecars still work).")
    ] = False,
    split: Annotated[
        SplitChoice | None, typer.Option(help="One scene per sentence or per line of each scene's text.")
    ] = None,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    schema: Annotated[
        bool, typer.Option("--schema", help="Print the storyboard JSON Schema and exit.")
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """A narrated video: a topic (written by a model), a text or a storyboard → MP4 with voice and captions."""
    if schema:
        print(json.dumps(storyboard_schema(), indent=2))
        return
    settings = get_settings()
    given = [
        name
        for name, value in (("TOPIC", topic), ("--text", text), ("--storyboard", storyboard_file))
        if value
    ]
    if len(given) != 1:
        fail(
            "give one of TOPIC, --text story.txt or --storyboard story.json"
            + (f" (got {', '.join(given)})" if given else "")
        )
    if output is None and storyboard_out is None:
        fail("say where the video goes with -o out.mp4 (or write only the storyboard with --storyboard-out)")
    for path in (output, captions_out, html_out, storyboard_out):
        if path is not None:
            check_output(path)
    if captions_out is not None and captions_out.suffix.lower() not in CAPTION_SUFFIXES:
        fail(f"--captions-out {captions_out}: use a .vtt or .srt file name")
    check_aspect(aspect)

    with stage_progress(enabled=not quiet) as on_stage:
        board, base_dir = _storyboard(
            topic, text, storyboard_file, settings, provider, model, base_url, aspect, on_stage
        )
        board = _overrides(board, settings, voice=voice, aspect=aspect, split=split, no_captions=no_captions)
        if resolution is not None:
            try:
                output_size(CANONICAL_SIZES[board.aspect], resolution)
            except CompositionError as exc:
                fail(f"--resolution: {exc}")
        if storyboard_out is not None:
            data = board.model_dump(mode="json", exclude_none=True)
            write_atomically(storyboard_out, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode())
        if output is None:
            if not quiet:
                console.print(f"[green]✓[/] {storyboard_out} — {len(board.scenes)} scenes")
            return
        outputs = StoryOutputs(output, captions_out, html_out)
        options = settings.render_options(resolution=resolution, quality=quality, workers=workers)
        result = run_work(
            _render(
                board,
                outputs,
                settings,
                options,
                base_dir,
                lambda stage, done, total: on_stage(STAGE_LABELS[stage], done, total),
            )
        )
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    for credit in result.credits:
        typer.echo(f"credit: {credit}", err=True)
    if not quiet:
        extras = [str(p) for p in (captions_out, html_out, storyboard_out) if p is not None]
        console.print(
            f"[green]✓[/] {output} — {result.scenes} scenes, {result.duration:.1f} s"
            + (f"; also {', '.join(extras)}" if extras else "")
        )


@app.command()
def voices(
    as_json: Annotated[bool, typer.Option("--json", help="Print the voices as JSON.")] = False,
) -> None:
    """The voices `seekreel story --voice` can use: offline Piper voices and hosted ones."""
    found = available_voices(get_settings())
    if as_json:
        print(json.dumps([dataclasses.asdict(v) for v in found], indent=2))
        return
    table = Table(show_header=True, header_style="bold")
    for column in ("provider", "name", "description", "ready"):
        table.add_column(column, overflow="fold")
    for v in found:
        table.add_row(v.provider, v.name, v.description, "yes" if v.available else "needs a key")
    console.print(table)


def _storyboard(
    topic: str | None,
    text: Path | None,
    storyboard_file: Path | None,
    settings: Settings,
    provider: str | None,
    model: str | None,
    base_url: str | None,
    aspect: str | None,
    on_stage: StageCallback,
) -> tuple[Storyboard, Path]:
    """The storyboard from whichever input was given, and the folder its local paths are relative to."""
    cap = settings.story_max_narration_seconds
    source = text or storyboard_file
    if source is not None:
        content = _read(source)
        try:
            if text is not None:
                return storyboard_from_text(content, title=text.stem, max_narration_seconds=cap), text.parent
            return storyboard_from_json(content, max_narration_seconds=cap), source.parent
        except StoryboardInvalid as exc:
            fail(f"{source}: {exc}")
    assert topic is not None
    if not topic.strip():
        fail("the topic is empty: say what the video is about")

    async def write() -> Storyboard:
        written = await write_storyboard(
            topic,
            settings=settings,
            provider=provider,
            model=model,
            base_url=base_url,
            aspect=aspect,
            on_attempt=lambda k, n: on_stage(f"{WRITING} (attempt {k} of {n})", k - 1, n),
        )
        return written.storyboard

    try:
        return run_work(write()), Path.cwd()
    except NoModelToWrite as exc:
        fail(str(exc))
    except ProviderError as exc:
        fail(str(exc), code=1 if exc.transient else 2)
    except StoryboardNotWritten as exc:
        fail(str(exc), code=1)


def _overrides(
    board: Storyboard,
    settings: Settings,
    *,
    voice: str | None,
    aspect: str | None,
    split: SplitChoice | None,
    no_captions: bool,
) -> Storyboard:
    """The command line's options over the storyboard's own values, validated again as a whole."""
    data = board.model_dump(mode="json")
    if aspect is not None:
        data["aspect"] = aspect
    if split is not None:
        data["split"] = split.value
    if no_captions:
        data["captions"]["enabled"] = False
    if voice is not None:
        try:
            spec = voice_from_name(voice, settings, speed=board.voice.speed)
        except SpeechError as exc:
            fail(f"--voice: {exc}")
        data["voice"] = {"provider": spec.provider, "name": spec.name, "speed": spec.speed}
    try:
        return storyboard_from_data(data, max_narration_seconds=settings.story_max_narration_seconds)
    except StoryboardInvalid as exc:
        fail(str(exc))


async def _render(
    board: Storyboard,
    outputs: StoryOutputs,
    settings: Settings,
    options: RenderOptions,
    base_dir: Path,
    on_progress: ProgressCallback,
) -> StoryResult:
    try:
        return await render_storyboard(
            board, outputs, settings=settings, options=options, base_dir=base_dir, on_progress=on_progress
        )
    except StoryboardInvalid as exc:
        fail(str(exc))
    except (StoryError, RenderError, CompositionError) as exc:
        fail(str(exc), code=1)


def _read(path: Path) -> str:
    if not path.is_file():
        fail(f"{path}: no such file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"{path} is not a UTF-8 text file")
