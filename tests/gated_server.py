"""The service with the real storyboard engine and a gate, in a process of its own (for tests
that kill it mid-render, or that must subscribe to a job before it reports its first stage).

SEEKREEL_DATA_DIR=… GATE_FILE=/tmp/gate python tests/gated_server.py PORT
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn

from sandbox import BrowserPool, RenderOptions
from service.api import create_app
from service.projects import RenderedStory, SceneMedia, StoryFailed
from service.projects.engine import StageProgress
from service.projects.pipeline_engine import PipelineEngine
from service.settings import Settings


class GatedEngine(PipelineEngine):
    """PipelineEngine whose renders wait while the file `gate` exists, then run unchanged.

    The only control the real engine does not give a test: holding a render at its start, so
    the test can listen to every stage, cancel it, or kill the server while it is Finalizing.
    """

    def __init__(self, settings: Settings, *, gate: Path) -> None:
        super().__init__(settings)
        self.gate = gate

    async def render(
        self,
        storyboard: dict[str, Any],
        out: Path,
        *,
        folder: Path,
        prepared: Sequence[SceneMedia] | None,
        options: RenderOptions,
        pool: BrowserPool,
        progress: StageProgress,
        cancel: asyncio.Event,
    ) -> RenderedStory:
        while self.gate.exists():
            if cancel.is_set():
                raise StoryFailed("cancelled while waiting at the gate")
            await asyncio.sleep(0.05)
        return await super().render(
            storyboard,
            out,
            folder=folder,
            prepared=prepared,
            options=options,
            pool=pool,
            progress=progress,
            cancel=cancel,
        )


if __name__ == "__main__":
    settings = Settings()
    app = create_app(settings, engine=GatedEngine(settings, gate=Path(os.environ["GATE_FILE"])))
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
