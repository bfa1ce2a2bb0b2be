"""The `storyboard` job kind: a narrated storyboard → MP4 with sound, captions, its composition.

The job's meta holds its input: `storyboard` (JSON, checked before submitting) and, for a
project's render, `prepared` — every scene's voice and background made earlier, so the job
only compiles, renders and mixes. Outputs go in the job's folder and are named in
`meta.outputs` (relative names), which the jobs API links:

    captions.vtt, captions.srt   sidecar captions
    audio.m4a                    the soundtrack (copied out of the MP4)
    composition/index.html       the composition that was rendered, with its assets beside it
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sandbox import BrowserPool, RenderOptions

from ..jobs import Job, JobKindError, JobManager, KindResult, StageProgress, options_from_dict
from ..soundtrack import SoundtrackError, extract_audio
from ..storyboards import PREPARED_STAGES, STAGE_WEIGHTS
from .engine import SceneMedia, Storyboard, StoryEngine, StoryFailed

STORYBOARD = "storyboard"


class StoryboardKind:
    """Runs storyboard jobs with the engine it is given (registered on the JobManager)."""

    def __init__(self, engine: StoryEngine) -> None:
        self.engine = engine

    def stages(self, job: Job) -> Mapping[str, float]:
        stages = PREPARED_STAGES if "prepared" in job.meta else tuple(STAGE_WEIGHTS)
        return {stage: STAGE_WEIGHTS[stage] for stage in stages}

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
        prepared = job.meta.get("prepared")
        try:
            story = await self.engine.render(
                job.meta["storyboard"],
                out,
                folder=folder,
                prepared=[SceneMedia.from_json(m) for m in prepared] if prepared is not None else None,
                options=options_from_dict(job.options),
                pool=pool,
                progress=progress,
                cancel=cancel,
            )
        except StoryFailed as exc:
            raise JobKindError("storyboard_error", str(exc)) from None
        audio = folder / "audio.m4a"
        try:
            await extract_audio(out, audio)
        except SoundtrackError as exc:
            raise JobKindError("mixing_error", f"the soundtrack could not be copied out: {exc}") from None
        outputs = {
            "captions_vtt": story.captions_vtt,
            "captions_srt": story.captions_srt,
            "audio": audio,
            "composition": story.composition_dir / "index.html",
        }
        return KindResult(
            frames=story.frames,
            html=story.html,
            meta={
                "outputs": {name: path.relative_to(folder).as_posix() for name, path in outputs.items()},
                "duration": story.duration,
                "warnings": story.warnings,
            },
        )


async def submit_storyboard(
    jobs: JobManager,
    storyboard: Storyboard,
    options: RenderOptions,
    *,
    meta: Mapping[str, Any],
    prepared: Sequence[SceneMedia] | None = None,
) -> Job:
    """Queue a storyboard job (QueueFull at the limit). `storyboard` must have passed `engine.check`."""
    data: dict[str, Any] = {**meta, "storyboard": storyboard}
    if prepared is not None:
        data["prepared"] = [m.to_json() for m in prepared]
    return await jobs.submit_kind(STORYBOARD, options, meta=data)


def job_output(jobs: JobManager, job: Job, name: str) -> Path | None:
    """A finished storyboard job's output file (`captions_vtt`, `audio`, …) if it is still there."""
    relative = job.meta.get("outputs", {}).get(name)
    if not relative:
        return None
    path = jobs.outputs_dir(job.id) / relative
    return path if path.is_file() else None
