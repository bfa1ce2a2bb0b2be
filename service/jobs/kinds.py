"""Job kinds: what a job makes. `html` renders a composition as it is; other kinds (a narrated
storyboard) are registered by the application and may go through several stages.

A kind never touches the job's row: it gets the queued Job, makes the MP4 at `out` (atomically)
and any other outputs in `folder`, reports stage progress, and returns what to record.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sandbox import BrowserPool, render_to_file

from ..storage import Job, JobStage
from .stored_options import options_from_dict

StageProgress = Callable[[str, int, int], None]
"""(stage, done, total); may be called from worker threads."""

HTML = "html"
RENDERING = "rendering"
"""The stage whose counts are the frames rendered, in any kind that renders (the html kind's only one)."""


@dataclass(frozen=True)
class KindResult:
    frames: int
    html: str | None = None
    """The composition the job made and rendered (kept on the job); None → the job's own."""
    meta: dict[str, Any] = field(default_factory=dict)
    """Merged into the job's meta: what the outputs are."""


class JobKindError(Exception):
    """A kind's failure that is not the renderer's: `code` is stable for programs, `str()` one line."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class JobKind(Protocol):
    def stages(self, job: Job) -> Mapping[str, float]:
        """The stages this job goes through, in order, each with how much of the job's whole time
        it roughly takes (for one progress figure)."""
        ...

    async def run(
        self,
        job: Job,
        out: Path,
        *,
        folder: Path,
        pool: BrowserPool,
        progress: StageProgress,
        cancel: asyncio.Event,
    ) -> KindResult: ...


class HtmlKind:
    """The job's HTML, rendered as it is."""

    def stages(self, job: Job) -> Mapping[str, float]:
        return {RENDERING: 1.0}

    async def run(
        self,
        job: Job,
        out: Path,
        *,
        folder: Path,
        pool: BrowserPool,
        progress: StageProgress,
        cancel: asyncio.Event,
    ) -> KindResult:
        result = await render_to_file(
            job.html,
            out,
            options_from_dict(job.options),
            pool=pool,
            progress=lambda done, total: progress(RENDERING, done, total),
            cancel=cancel,
        )
        return KindResult(frames=result.frames)


def overall_progress(job: Job, stages: Mapping[str, float]) -> float:
    """0 to 1 over the kind's stages, each by its weight (frames alone for one stage)."""
    stage = job.stage or (
        JobStage(RENDERING, job.frames_done, job.frames_total) if job.frames_total else None
    )
    if stage is None or stage.name not in stages:
        return 0.0
    weights = list(stages.values())
    index = list(stages).index(stage.name)
    within = min(1.0, stage.done / stage.total) if stage.total else 0.0
    return (sum(weights[:index]) + weights[index] * within) / sum(weights)
