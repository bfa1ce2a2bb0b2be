"""Narrated storyboards as jobs: `POST /storyboards/render`, and the files a storyboard job makes
(captions, soundtrack, composition) beside the jobs routes' video, events and cancel."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response, status
from fastapi.responses import FileResponse, RedirectResponse

from sandbox import CANONICAL_SIZES, DEFAULT_ASPECT

from ..jobs import Job, JobStatus
from ..projects import STORYBOARD, check_sources, job_output, submit_storyboard
from .auth import Authorized, CallerId
from .errors import ApiError, not_found
from .fields import Quality
from .job_routes import job_out, load_job
from .limits import check_output_size
from .schemas import JobOut, error_responses
from .state import Services, ServicesDep
from .storyboard_schemas import EXAMPLE_STORYBOARD

router = APIRouter(tags=["storyboards"], dependencies=[Authorized])

CAPTION_TYPES = {
    "captions.vtt": ("captions_vtt", "text/vtt"),
    "captions.srt": ("captions_srt", "application/x-subrip"),
}
COMPOSITION_HEADERS = {
    # The page is ours (compiled), but it runs scripts: give it an opaque origin all the same.
    "Content-Security-Policy": "sandbox allow-scripts",
    "X-Content-Type-Options": "nosniff",
}


async def queue_storyboard(
    svc: Services,
    data: Mapping[str, Any],
    *,
    resolution: str | None,
    quality: Quality,
    meta: Mapping[str, Any],
) -> Job:
    """Check a storyboard as the API takes it (http(s) sources only, SSRF-checked; a picture
    this server renders) and queue it. StoryboardInvalid / SourceRefused name the field."""
    storyboard = svc.engine.check(data)
    await check_sources(svc.engine, storyboard)
    layout = CANONICAL_SIZES.get(storyboard.get("aspect", DEFAULT_ASPECT), CANONICAL_SIZES[DEFAULT_ASPECT])
    check_output_size(svc.settings, layout, resolution)
    options = svc.jobs.render_options(resolution=resolution, quality=quality)
    return await submit_storyboard(svc.jobs, storyboard, options, meta=meta)


@router.post(
    "/storyboards/render",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Render a narrated storyboard as a job",
    responses=error_responses(400, 413, 429),
)
async def render_storyboard(
    data: Annotated[dict[str, Any], Body(examples=[EXAMPLE_STORYBOARD])],
    svc: ServicesDep,
    caller: CallerId,
    response: Response,
    resolution: Annotated[
        str | None, Query(description="360p, 720p, 1080p or WxH; default: the layout size.")
    ] = None,
    quality: Annotated[Quality, Query()] = "standard",
) -> JobOut:
    """A storyboard (or a `video_transcript`) → `202` and the job. Its progress goes through the
    stages voicing, fetching, rendering, mixing; once it succeeded it links the video, the
    captions (VTT, SRT), the soundtrack and the composition. Backgrounds and music must be
    http(s) URLs the server may fetch (public addresses); a bad field is a 400 naming it."""
    job = await queue_storyboard(
        svc,
        data,
        resolution=resolution,
        quality=quality,
        meta={"via": "POST /storyboards/render", "user_id": caller},
    )
    response.headers["Location"] = f"/jobs/{job.id}"
    return job_out(job, svc.jobs)


@router.get(
    "/jobs/{job_id}/captions.vtt",
    summary="A storyboard job's captions (WebVTT)",
    response_class=FileResponse,
    responses={200: {"content": {"text/vtt": {}}}, **error_responses(403, 404, 409, 410)},
)
async def captions_vtt(job_id: str, svc: ServicesDep) -> FileResponse:
    return captions_response(svc, await _storyboard_job(svc, job_id), "captions.vtt")


@router.get(
    "/jobs/{job_id}/captions.srt",
    summary="A storyboard job's captions (SRT)",
    response_class=FileResponse,
    responses={200: {"content": {"application/x-subrip": {}}}, **error_responses(403, 404, 409, 410)},
)
async def captions_srt(job_id: str, svc: ServicesDep) -> FileResponse:
    return captions_response(svc, await _storyboard_job(svc, job_id), "captions.srt")


@router.get(
    "/jobs/{job_id}/audio",
    summary="A storyboard job's soundtrack (AAC, .m4a; supports Range requests)",
    response_class=FileResponse,
    responses={
        200: {"content": {"audio/mp4": {}}},
        206: {"description": "A byte range."},
        **error_responses(403, 404, 409, 410),
    },
)
async def audio(job_id: str, svc: ServicesDep) -> FileResponse:
    job = await _storyboard_job(svc, job_id)
    return FileResponse(
        finished_file(svc, job, "audio"), media_type="audio/mp4", filename=f"seekreel-{job.id}.m4a"
    )


@router.get(
    "/jobs/{job_id}/composition",
    summary="Redirects to the composition's folder (so its relative asset paths resolve)",
    response_class=RedirectResponse,
    status_code=308,
)
async def composition_folder(job_id: str) -> RedirectResponse:
    return RedirectResponse(f"/jobs/{job_id}/composition/", status_code=308)


@router.get(
    "/jobs/{job_id}/composition/{path:path}",
    summary="The composition a storyboard job rendered (index.html) and the assets it loads",
    response_class=FileResponse,
    responses={200: {"content": {"text/html": {}}}, **error_responses(403, 404, 409, 410)},
)
async def composition(job_id: str, path: str, svc: ServicesDep) -> FileResponse:
    """Open `/jobs/{id}/composition/` in the editor or a browser: the page, with its assets beside it."""
    page = finished_file(svc, await _storyboard_job(svc, job_id), "composition")
    folder = page.parent.resolve()
    target = (folder / (path or page.name)).resolve()
    if not target.is_relative_to(folder) or not target.is_file():
        raise not_found("file", path)
    media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return FileResponse(target, media_type=media_type, headers=COMPOSITION_HEADERS)


def captions_response(svc: Services, job: Job, name: str) -> FileResponse:
    """A storyboard job's captions (`captions.vtt` or `captions.srt`): a job's or a project's."""
    key, media_type = CAPTION_TYPES[name]
    return FileResponse(
        finished_file(svc, job, key),
        media_type=media_type,
        filename=f"seekreel-{job.id}.{name.split('.')[-1]}",
    )


def finished_file(svc: Services, job: Job, key: str) -> Path:
    """One of a storyboard job's outputs (`meta.outputs`): 409 until the job succeeded, 410
    once the retention period deleted it."""
    if job.status is not JobStatus.SUCCEEDED:
        raise ApiError(
            409, "not_ready", f"job {job.id} is {job.status.value}: its files are there once it succeeded"
        )
    path = job_output(svc.jobs, job, key)
    if path is None:
        raise ApiError(
            410, "files_expired", f"the files of job {job.id} have been deleted (retention period)"
        )
    return path


async def _storyboard_job(svc: Services, job_id: str) -> Job:
    job = await load_job(svc, job_id)
    if job.kind != STORYBOARD:
        raise ApiError(404, "not_found", f"job {job_id} is not a storyboard job: it has only a video")
    return job
