"""`seekreel worker`: one host's share of the render farm (docs/scale.md)."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from sandbox import default_workers

from ..settings import get_settings
from .app import app, fail

LogLevel = Literal["debug", "info", "warning", "error"]


@app.command()
def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="Segments rendered at once (processes; one browser each)."),
    ] = None,
    queues: Annotated[str, typer.Option(help="Comma-separated queues to take tasks from.")] = "render",
    name: Annotated[
        str | None, typer.Option(help="Node name NAME@HOST (default: seekreel-PID@this host).")
    ] = None,
    loglevel: Annotated[LogLevel, typer.Option(help="Logging level.")] = "info",
) -> None:
    """Render segments for the farm at SEEKREEL_BROKER_URL until stopped."""
    from ..farm import FarmMisconfigured, run_worker  # Celery loads only for farm commands

    settings = get_settings()
    if settings.broker_url is None:
        fail(
            "SEEKREEL_BROKER_URL is not set: a worker takes its tasks from Redis, e.g. redis://localhost:6379/0"
        )
    wanted = [q.strip() for q in queues.split(",") if q.strip()]
    if not wanted:
        fail("--queues names no queue")
    try:
        code = run_worker(
            settings,
            concurrency=concurrency or default_workers(),
            queues=wanted,
            name=name,
            loglevel=loglevel.upper(),
        )
    except FarmMisconfigured as exc:
        fail(str(exc))
    raise typer.Exit(code)
