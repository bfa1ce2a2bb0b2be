"""Console script `seekreel`: each command group lives in its own module and registers on `app`.

A command's module is imported only when that command runs (all of them for `--help` or an
unknown name): the story and database commands pull in numpy, SQLAlchemy and Alembic, and
`seekreel render` should not wait a second for libraries it never calls.
"""

from __future__ import annotations

import importlib
import sys

import typer

from .app import app

COMMAND_MODULES = {
    "db": "db_cmd",
    "doctor": "render_cmds",
    "draft": "generate_cmds",
    "frame": "render_cmds",
    "generate": "generate_cmds",
    "lint": "lint_cmd",
    "render": "render_cmds",
    "serve": "serve_cmd",
    "story": "story_cmds",
    "voices": "story_cmds",
    "worker": "worker_cmd",
}
"""Every command name (as typed after `seekreel`) and the module that registers it."""


def load_commands(argv: list[str]) -> None:
    """Register the command `argv` names, or every command when it names none of them."""
    name = next((arg for arg in argv if not arg.startswith("-")), None)
    wanted = COMMAND_MODULES.get(name or "")
    for module in [wanted] if wanted else sorted(set(COMMAND_MODULES.values())):
        importlib.import_module(f".{module}", __name__)


def every_command() -> typer.Typer:
    """The app with all its commands registered, as `seekreel --help` shows it."""
    load_commands([])
    return app


def main() -> None:
    load_commands(sys.argv[1:])
    app()
