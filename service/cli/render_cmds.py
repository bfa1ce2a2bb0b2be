"""`seekreel render`, `seekreel frame` and `seekreel doctor`: the renderer from the shell."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from sandbox import (
    DEFAULT_FPS,
    RenderError,
    RenderOptions,
    RenderResult,
    capture_frame,
    render_to_file,
    run_checks,
)

from ..files import write_atomically
from ..settings import Settings, get_settings
from .app import WarningLines, app, fail, run_work
from .inputs import read_composition, read_variables
from .option_types import QualityOpt, QuietOpt, ResolutionOpt, SeekTimeoutOpt, VarOpt, VarsFileOpt, WorkersOpt
from .progress import FrameCallback, frame_progress

console = Console(highlight=False)


@app.command()
def render(
    page: Annotated[Path, typer.Argument(help="The composition (an HTML file).")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Where to write the MP4.")] = None,
    fps: Annotated[
        float | None, typer.Option(help=f"Frames per second (default: data-fps, else {DEFAULT_FPS:g}).")
    ] = None,
    resolution: ResolutionOpt = None,
    quality: QualityOpt = "standard",
    workers: WorkersOpt = None,
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
    seek_timeout: SeekTimeoutOpt = None,
    timeout: Annotated[
        float | None,
        typer.Option(min=1, help="Seconds the whole render may take (default: SEEKREEL_RENDER_TIMEOUT)."),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Render a composition to an MP4 (files beside PAGE may be used by relative path)."""
    html = read_composition(page)
    out = output or page.with_suffix(".mp4")
    if out.exists() and out.is_dir():
        fail(f"{out} is a folder: give a file name such as {out / page.with_suffix('.mp4').name}")
    if not out.parent.exists():
        fail(f"output folder {out.parent} does not exist")
    settings = get_settings()
    options = settings.render_options(
        fps=fps,
        resolution=resolution,
        quality=quality,
        workers=workers,
        variables=read_variables(var, vars_file),
        assets_dir=page.resolve().parent,
        seek_timeout=seek_timeout,
        render_timeout=timeout,
    )
    on_farm = settings.broker_url is not None
    unit = "segments" if on_farm else "frames"
    with frame_progress(enabled=not quiet, label=f"rendering {page.name}", unit=unit) as on_progress:
        try:
            result = run_work(
                farm_render(html, out, options, settings, on_progress)
                if on_farm
                else render_to_file(html, out, options, progress=on_progress)
            )
        except RenderError as exc:
            fail(str(exc), code=1)
    if not quiet:
        console.print(
            f"[green]✓[/] {result.path} — {result.width}x{result.height}, {result.frames} frames "
            f"at {result.fps:g} fps ({result.duration:g} s), {result.workers} worker(s)"
            + (" on the farm" if on_farm else "")
        )


def farm_render(
    html: str, out: Path, options: RenderOptions, settings: Settings, progress: FrameCallback
) -> Coroutine[Any, Any, RenderResult]:
    """The farm's render (Celery loads only when a broker is set); a setting that cannot work is
    a usage error, as a bad option is."""
    from ..farm import FarmMisconfigured, farm_app, render_on_farm

    try:
        app = farm_app(settings)
    except FarmMisconfigured as exc:
        fail(str(exc))
    logging.getLogger("seekreel.farm").addHandler(WarningLines())  # e.g. "Redis restarted: …"
    return render_on_farm(html, out, options, settings, app=app, progress=progress)


@app.command()
def frame(
    page: Annotated[Path, typer.Argument(help="The composition (an HTML file).")],
    at: Annotated[float, typer.Option("--at", help="Time in seconds.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Where to write the PNG.")] = None,
    resolution: Annotated[str | None, typer.Option(help="720p, 1080p, … or WxH.")] = None,
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
    seek_timeout: SeekTimeoutOpt = None,
) -> None:
    """Write one frame of a composition as PNG."""
    html = read_composition(page)
    out = output or page.with_suffix(f".{at:g}s.png")
    if not out.parent.exists():
        fail(f"output folder {out.parent} does not exist")
    options = get_settings().render_options(
        resolution=resolution,
        variables=read_variables(var, vars_file),
        assets_dir=page.resolve().parent,
        seek_timeout=seek_timeout,
    )
    try:
        png = asyncio.run(capture_frame(html, at, options))
    except RenderError as exc:
        fail(str(exc), code=1)
    write_atomically(out, png)
    console.print(f"[green]✓[/] {out}")


@app.command()
def doctor() -> None:
    """Check the browser, ffmpeg, fonts, isolation layers, model providers and the render farm."""
    from ..storage.db import database_url  # the database layer loads only for the one command that needs it
    from ..storage.doctor import database_check

    checks = asyncio.run(run_checks())
    settings = get_settings()
    checks.append(database_check(database_url(settings.data_dir, settings.database_url)))
    if settings.broker_url is not None:
        from ..farm import farm_checks  # Celery loads only when a broker is set

        checks += farm_checks(settings)
    table = Table(show_header=True, header_style="bold")
    table.add_column("check")
    table.add_column("")
    table.add_column("detail", overflow="fold")
    failed = False
    for c in checks:
        mark = "[green]ok[/]" if c.ok else ("[red]FAIL[/]" if c.required else "[yellow]off[/]")
        failed |= c.required and not c.ok
        table.add_row(c.name, mark, c.detail)
    for name, detail in provider_lines():
        table.add_row(name, "[blue]info[/]", detail)
    console.print(table)
    if failed:
        raise typer.Exit(1)


def provider_lines() -> list[tuple[str, str]]:
    s = get_settings()
    return [
        ("provider: default", f"{s.provider}" + (f" (model {s.model})" if s.model else "")),
        ("provider: offline", "always available (templates, no network)"),
        ("provider: openai", "key set" if s.openai_api_key else "no OPENAI_API_KEY"),
        ("provider: anthropic", "key set" if s.anthropic_api_key else "no ANTHROPIC_API_KEY"),
        ("provider: openai-compatible", s.openai_base_url or "no OPENAI_BASE_URL"),
    ]
