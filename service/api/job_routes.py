"""Asynchronous renders: state, server-sent progress events, the video (with HTTP Range), cancel."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.responses import FileResponse, StreamingResponse

from ..jobs import Job, JobEvent, JobManager, JobStatus, overall_progress
from .auth import Authorized
from .errors import ApiError, not_found
from .render_routes import video_response
from .schemas import JobOut, error_responses
from .state import ServicesDep
from .storyboard_schemas import StageOut, StoryOutputsOut

router = APIRouter(prefix="/jobs", tags=["jobs"], dependencies=[Authorized])

HEARTBEAT_SECONDS = 15.0
EVENTS_RESPONSE = {
    "content": {"text/event-stream": {}},
    "description": "`snapshot` first, then `status` and `progress` events (data: the job as JSON) "
    "until the job is finished; then the stream ends.",
}


def job_out(job: Job, jobs: JobManager) -> JobOut:
    data = job.public_dict()
    has_video = job.status is JobStatus.SUCCEEDED and job.video_path is not None
    stage = job.stage if job.status is JobStatus.RUNNING else None
    return JobOut(
        **{k: v for k, v in data.items() if k in JobOut.model_fields},
        stage=StageOut(name=stage.name, done=stage.done, total=stage.total) if stage else None,
        progress=1.0 if has_video else overall_progress(job, jobs.kind_stages(job)),
        video_url=f"/jobs/{job.id}/video" if has_video else None,
        events_url=f"/jobs/{job.id}/events",
        story=story_outputs(job) if has_video else None,
    )


def story_outputs(job: Job) -> StoryOutputsOut | None:
    """Links to a finished storyboard job's captions, soundtrack and composition."""
    if "outputs" not in job.meta:
        return None
    base = f"/jobs/{job.id}"
    return StoryOutputsOut(
        captions_url=f"{base}/captions.vtt",
        captions_srt_url=f"{base}/captions.srt",
        audio_url=f"{base}/audio",
        composition_url=f"{base}/composition/",
        duration=job.meta.get("duration"),
        warnings=list(job.meta.get("warnings", [])),
    )


async def load_job(svc: ServicesDep, job_id: str) -> Job:
    job = await svc.jobs.get(job_id)
    if job is None:
        raise not_found("job", job_id)
    return job


@router.get("/{job_id}", summary="A job's state and progress", responses=error_responses(404))
async def get_job(job_id: str, svc: ServicesDep) -> JobOut:
    return job_out(await load_job(svc, job_id), svc.jobs)


@router.get(
    "/{job_id}/events",
    summary="Progress as server-sent events",
    response_class=StreamingResponse,
    responses={200: EVENTS_RESPONSE, **error_responses(404)},
)
async def job_events(job_id: str, svc: ServicesDep) -> StreamingResponse:
    await load_job(svc, job_id)
    return events_response(svc.jobs, job_id)


def events_response(jobs: JobManager, job_id: str) -> StreamingResponse:
    return StreamingResponse(
        sse_stream(jobs, job_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get(
    "/{job_id}/video",
    summary="The rendered MP4 (supports Range requests)",
    response_class=FileResponse,
    responses={
        200: {"content": {"video/mp4": {}}, "description": "The video."},
        206: {"description": "The requested byte range."},
        **error_responses(403, 404, 409, 410, 422, 500, 503),
    },
)
async def job_video(job_id: str, svc: ServicesDep) -> FileResponse:
    return video_response(await load_job(svc, job_id))


@router.delete("/{job_id}", summary="Cancel a queued or running job", responses=error_responses(404, 409))
async def cancel_job(job_id: str, svc: ServicesDep) -> JobOut:
    job = await load_job(svc, job_id)
    if job.finished:
        raise ApiError(
            409, "already_finished", f"job {job_id} already {job.status.value}", job=job.public_dict()
        )
    return job_out(await svc.jobs.cancel(job_id), svc.jobs)


async def sse_stream(jobs: JobManager, job_id: str) -> AsyncIterator[str]:
    """The job's events in text/event-stream framing, with a comment line as heartbeat when idle."""
    queue: asyncio.Queue[JobEvent | None] = asyncio.Queue()

    async def pump() -> None:
        try:
            async with contextlib.aclosing(jobs.subscribe(job_id)) as events:
                async for event in events:
                    queue.put_nowait(event)
        finally:
            queue.put_nowait(None)

    task = asyncio.create_task(pump())
    try:
        yield "retry: 2000\n\n"
        serial = 0
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if event is None:
                return
            serial += 1
            data = json.dumps(job_out(event.job, jobs).model_dump(mode="json"), separators=(",", ":"))
            yield f"id: {serial}\nevent: {event.kind}\ndata: {data}\n\n"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
