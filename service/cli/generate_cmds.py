"""`seekreel draft` (prompt → validated HTML) and `seekreel generate` (prompt → HTML → MP4)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from sandbox import (
    CANONICAL_SIZES,
    BrowserPool,
    CompositionError,
    RenderError,
    RenderOptions,
    RenderResult,
    is_aspect,
    output_size,
    render_to_file,
)

from ..files import write_atomically
from ..generation.loop import GenerationEvent, GenerationRequest, GenerationResult, InvalidRequest
from ..generation.loop import generate_composition as run_generation
from ..generation.providers import ProviderError
from ..settings import Settings, get_settings
from .app import app, err_console, fail, run_work
from .inputs import check_aspect, check_output, read_variables
from .option_types import (
    AspectOpt,
    AttemptsOpt,
    BaseUrlOpt,
    DurationOpt,
    FpsOpt,
    ModelOpt,
    PromptArg,
    ProviderOpt,
    QualityOpt,
    QuietOpt,
    ResolutionOpt,
    VarOpt,
    WorkersOpt,
)
from .progress import frame_progress

console = Console(highlight=False)


@dataclass(frozen=True)
class _Ask:
    """What the user asked for, checked, as the loop's request."""

    request: GenerationRequest
    settings: Settings


@app.command()
def draft(
    prompt: PromptArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the HTML draft.")],
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    duration: DurationOpt = None,
    aspect: AspectOpt = None,
    fps: FpsOpt = None,
    var: VarOpt = None,
    max_attempts: AttemptsOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result (attempts, findings) as JSON.")
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """Write a validated HTML composition for a prompt (repairing it with the model if needed)."""
    ask = _ask(prompt, provider, model, base_url, duration, aspect, fps, var, max_attempts)
    check_output(output)
    result = run_work(_draft(ask, quiet=quiet or as_json))
    if as_json:
        data = result.to_dict()
        data["path"] = str(output) if result.ok else None
        if result.ok and result.html is not None:
            write_atomically(output, result.html.encode())
        else:
            data["rejected_path"] = _reject(result, output)
        print(json.dumps(data, indent=2))
        raise typer.Exit(0 if result.ok else 1)
    if not result.ok or result.html is None:
        _fail_rejected(result, output)
    write_atomically(output, result.html.encode())
    _print_warnings(result)
    if not quiet:
        console.print(f"[green]✓[/] {output} — {_summary(result)}")


@app.command()
def generate(
    prompt: PromptArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the MP4.")],
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    duration: DurationOpt = None,
    aspect: AspectOpt = None,
    fps: FpsOpt = None,
    var: VarOpt = None,
    max_attempts: AttemptsOpt = None,
    draft_out: Annotated[
        Path | None, typer.Option("--draft-out", help="Also keep the validated HTML here.")
    ] = None,
    resolution: ResolutionOpt = None,
    quality: QualityOpt = "standard",
    workers: WorkersOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Prompt → validated HTML → MP4, with progress through writing, checking and rendering."""
    ask = _ask(prompt, provider, model, base_url, duration, aspect, fps, var, max_attempts)
    check_output(output)
    if draft_out is not None:
        check_output(draft_out)
    _check_resolution(resolution, aspect)
    options = ask.settings.render_options(
        fps=fps,
        resolution=resolution,
        quality=quality,
        workers=workers,
        variables=dict(ask.request.variables or {}),
    )
    result = run_work(_generate(ask, output, draft_out, options, quiet=quiet))
    if not quiet:
        console.print(
            f"[green]✓[/] {result.path} — {result.width}x{result.height}, {result.frames} frames at "
            f"{result.fps:g} fps ({result.duration:g} s)" + (f"; draft {draft_out}" if draft_out else "")
        )


def _ask(
    prompt: str,
    provider: str | None,
    model: str | None,
    base_url: str | None,
    duration: float | None,
    aspect: str | None,
    fps: float | None,
    var: list[str] | None,
    max_attempts: int | None,
) -> _Ask:
    settings = get_settings()
    check_aspect(aspect)
    request = GenerationRequest(
        prompt=prompt,
        duration=duration,
        aspect=aspect,
        fps=fps,
        variables=dict[str, object](read_variables(var)) or None,
        provider=provider,
        model=model,
        base_url=base_url,
        max_attempts=max_attempts,
    )
    return _Ask(request, settings)


def _check_resolution(resolution: str | None, aspect: str | None) -> None:
    """Refuse a bad --resolution before spending a model call (the layout is known once aspect is)."""
    if resolution is None:
        return
    layouts = [CANONICAL_SIZES[aspect]] if aspect and is_aspect(aspect) else list(CANONICAL_SIZES.values())
    errors: list[str] = []
    for layout in layouts:
        try:
            output_size(layout, resolution)
            return
        except CompositionError as exc:
            errors.append(str(exc))
    fail(f"--resolution: {errors[0]}")


async def _draft(ask: _Ask, *, quiet: bool) -> GenerationResult:
    async with BrowserPool(size=1) as pool, _guard():
        with stage_status(enabled=not quiet) as on_event:
            return await run_generation(ask.request, settings=ask.settings, pool=pool, on_event=on_event)


async def _generate(
    ask: _Ask, output: Path, draft_out: Path | None, options: RenderOptions, *, quiet: bool
) -> RenderResult:
    async with BrowserPool(size=options.workers) as pool, _guard():
        with stage_status(enabled=not quiet) as on_event:
            result = await run_generation(ask.request, settings=ask.settings, pool=pool, on_event=on_event)
        if not result.ok:
            _fail_rejected(result, output)
        _print_warnings(result)
        assert result.html is not None
        if draft_out is not None:
            write_atomically(draft_out, result.html.encode())
        if not quiet and not err_console.is_terminal:
            err_console.print("· rendering")
        with frame_progress(enabled=not quiet, label="rendering") as on_frame:
            return await render_to_file(result.html, output, options, pool=pool, progress=on_frame)


@contextlib.asynccontextmanager
async def _guard() -> AsyncIterator[None]:
    """Turn the errors a user can act on into one line and an exit status (2: fix your input; 1: other)."""
    try:
        yield
    except InvalidRequest as exc:
        fail(str(exc))
    except ProviderError as exc:
        fail(str(exc), code=1 if exc.transient else 2)
    except CompositionError as exc:
        fail(str(exc))
    except RenderError as exc:
        fail(str(exc), code=1)


@contextlib.contextmanager
def stage_status(*, enabled: bool) -> Iterator[Callable[[GenerationEvent], None]]:
    """A spinner naming the stage on a terminal; one line per stage elsewhere (logs, CI)."""
    if not enabled:
        yield lambda event: None
        return
    if not err_console.is_terminal:
        yield lambda event: err_console.print(f"· {event.describe()}")
        return
    with err_console.status("starting…") as status:
        yield lambda event: status.update(event.describe())


def _fail_rejected(result: GenerationResult, output: Path) -> NoReturn:
    table = Table(show_header=True, header_style="bold", title="findings", title_justify="left")
    for column in ("code", "severity", "line", "message"):
        table.add_column(column, overflow="fold")
    for f in result.findings:
        table.add_row(f.code, f.severity, "" if f.line is None else str(f.line), f.message)
    err_console.print(table)
    rejected = _reject(result, output)
    where = f"; the last version is in {rejected}" if rejected else ""
    tries = len(result.attempts)
    fail(
        f"the composition still fails validation after {tries} attempt{'s' if tries != 1 else ''}{where}",
        code=1,
    )


def _reject(result: GenerationResult, output: Path) -> str | None:
    """Keep the last document beside the output as NAME.rejected.html, for a person to look at."""
    if result.html is None:
        return None
    path = output.with_name(f"{output.stem}.rejected.html")
    write_atomically(path, result.html.encode())
    return str(path)


def _print_warnings(result: GenerationResult) -> None:
    for f in result.findings:
        if f.severity != "error":
            err_console.print(f"[yellow]warning[/] {f}", soft_wrap=True)


def _summary(result: GenerationResult) -> str:
    tries = len(result.attempts)
    return f"{result.provider} ({result.model}), {tries} attempt{'s' if tries != 1 else ''}"
