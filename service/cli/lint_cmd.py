"""`seekreel lint PAGE.html`: the validator's report on a composition, for people and for scripts."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from service.validation import ValidationReport, validate

from .app import app, err_console, fail
from .inputs import read_variables

_STYLE = {"error": "bold red", "warning": "yellow"}


@app.command()
def lint(
    page: Annotated[Path, typer.Argument(help="The composition (an HTML file).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    no_runtime: Annotated[
        bool, typer.Option("--no-runtime", help="Static checks only (no browser).")
    ] = False,
    var: Annotated[
        list[str] | None, typer.Option("--var", help="Set a {{$VAR}}: NAME=VALUE (repeatable).")
    ] = None,
    vars_file: Annotated[Path | None, typer.Option("--vars-file", help="JSON object of variables.")] = None,
) -> None:
    """Check a composition against the contract; exit status 1 when there is an error."""
    html = _read(page)
    variables = read_variables(var, vars_file)
    interactive = sys.stdout.isatty() and not as_json
    if no_runtime:
        report = asyncio.run(validate(html, variables=variables, runtime=False))
    else:
        status = err_console.status("checking in the renderer…") if interactive else contextlib.nullcontext()
        with status:
            report = asyncio.run(validate(html, variables=variables, runtime=True))
    if as_json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    elif interactive:
        _table(page, report)
    else:
        for f in report.findings:
            where = f"{page}:{f.line}" if f.line is not None else str(page)
            print(f"{where}: {f.severity} {f.code}: {f.message}")
    raise typer.Exit(0 if report.ok else 1)


def _read(page: Path) -> str:
    """The file's text; one clear line and exit status 2 when it cannot be read."""
    try:
        return page.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"{page}: no such file")
    except IsADirectoryError:
        fail(f"{page} is a folder; give the composition's .html file")
    except UnicodeDecodeError:
        fail(f"{page} is not UTF-8 text (expected an HTML composition)")
    except OSError as exc:
        fail(f"cannot read {page}: {exc.strerror}")


def _table(page: Path, report: ValidationReport) -> None:
    console = Console(highlight=False)
    if report.findings:
        table = Table(title=str(page), title_justify="left", show_lines=False)
        table.add_column("line", justify="right", style="dim")
        table.add_column("severity")
        table.add_column("code", style="bold")
        table.add_column("message", overflow="fold")
        for f in report.findings:
            table.add_row(
                str(f.line or ""), Text(f.severity, _STYLE[f.severity]), Text(f.code), Text(f.message)
            )
        console.print(table)
    errors, warnings = len(report.errors), len(report.warnings)
    if errors:
        console.print(f"[bold red]✗[/] {errors} error(s), {warnings} warning(s)")
    else:
        console.print("[green]✓[/] no errors" + (f", {warnings} warning(s)" if warnings else ""))
