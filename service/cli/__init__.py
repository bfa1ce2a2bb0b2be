"""Console script `seekreel`: each command group lives in its own module and registers on `app`."""

from __future__ import annotations

from . import (
    db_cmd,  # noqa: F401  (registers db upgrade)
    generate_cmds,  # noqa: F401  (registers draft, generate)
    lint_cmd,  # noqa: F401  (registers lint)
    render_cmds,  # noqa: F401  (registers render, frame, doctor)
    serve_cmd,  # noqa: F401  (registers serve)
    story_cmds,  # noqa: F401  (registers story, voices)
    worker_cmd,  # noqa: F401  (registers worker)
)
from .app import app


def main() -> None:
    app()
