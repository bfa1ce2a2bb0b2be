"""`seekreel worker`: a Celery worker of the render queue, started in this process.

Each pool process makes its own event loop and warm browser pool after the fork and kills its
browsers when it ends, however it ends (a signal, a time limit, max tasks per child).
"""

from __future__ import annotations

import os
import socket
from typing import Any

from celery import signals

from ..settings import Settings
from .app import farm_app
from .tasks import start_process, stop_process


def default_name() -> str:
    """A node name unique per process, so that several workers can share a host."""
    return f"seekreel-{os.getpid()}@{socket.gethostname()}"


def run_worker(
    settings: Settings, *, concurrency: int, queues: list[str], name: str | None, loglevel: str
) -> int:
    """Run until stopped (Ctrl-C or SIGTERM: a warm shutdown that lets running segments finish);
    returns the exit status."""
    app = farm_app(settings)

    def process_started(**_: Any) -> None:
        start_process(settings)

    def process_ending(**_: Any) -> None:
        stop_process()

    signals.worker_process_init.connect(process_started, weak=False)
    signals.worker_process_shutdown.connect(process_ending, weak=False)
    worker = app.Worker(
        hostname=name or default_name(), concurrency=concurrency, queues=queues, loglevel=loglevel
    )
    worker.start()
    return int(worker.exitcode or 0)
