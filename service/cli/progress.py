"""Progress on a terminal (Rich), silence elsewhere: long work should show where it is."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

FrameCallback = Callable[[int, int], None]


@contextlib.contextmanager
def frame_progress(
    *, enabled: bool = True, label: str = "rendering", unit: str = "frames"
) -> Iterator[FrameCallback]:
    """Yields a `(done, total)` callback that drives a progress bar of `unit` when stderr is a terminal."""
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda done, total: None
        return
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    with progress:
        yield update
    sys.stderr.flush()


StageCallback = Callable[[str, int, int], None]


@contextlib.contextmanager
def stage_progress(*, enabled: bool = True) -> Iterator[StageCallback]:
    """Yields a `(stage, done, total)` callback: one bar that follows the stages on a terminal,
    one line per stage elsewhere (logs, CI)."""
    console = Console(stderr=True, highlight=False)
    if not enabled:
        yield lambda stage, done, total: None
        return
    if not console.is_terminal:
        seen: set[str] = set()

        def line(stage: str, done: int, total: int) -> None:
            if stage not in seen:
                seen.add(stage)
                console.print(f"· {stage}")

        yield line
        return
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task("starting", total=None)

    def update(stage: str, done: int, total: int) -> None:
        progress.update(task, description=stage, completed=done, total=total or None)

    with progress:
        yield update
    sys.stderr.flush()
