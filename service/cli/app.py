"""The Typer application object and the one way the CLI reports a user error."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Coroutine
from typing import Any, NoReturn, TextIO, TypeVar

import typer
from rich.console import Console

app = typer.Typer(
    name="seekreel",
    help="Prompt → HTML → deterministic, sandboxed MP4.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True, highlight=False)


@app.callback()
def _commands() -> None:
    """Keeps `seekreel COMMAND` a command name even when only that command's module is loaded
    (Typer runs a lone command without its name otherwise)."""


T = TypeVar("T")


def fail(message: str, code: int = 2) -> NoReturn:
    """One clear line on stderr and a non-zero exit; never a traceback for user errors."""
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code)


def run_work(work: Coroutine[Any, Any, T]) -> T:
    """Run the async work; Ctrl-C stops it (browsers closed, no partial output) with one line, exit 130."""
    try:
        return asyncio.run(work)
    except KeyboardInterrupt:
        fail("interrupted", code=130)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    err_console.print(f"[yellow]warning:[/] {message}", soft_wrap=True)


warnings.showwarning = _show_warning  # one plain line on stderr, not the source location


class WarningLines(logging.Handler):
    """A logger's warnings as the CLI shows warnings: one `warning:` line each on stderr."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        err_console.print(f"[yellow]warning:[/] {record.getMessage()}", soft_wrap=True)
