"""One request, one MP4: `POST /render` (your HTML) and `POST /ai-render` (a prompt)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse

from sandbox import RenderOptions

from ..jobs import CALLER_ERROR_CODES, Job, JobStatus
from .auth import Authorized
from .draft_views import save_generated
from .errors import ApiError
from .limits import check_render
from .pipeline import generate, generation_failed
from .schemas import AiRenderRequest, RenderRequest, RenderSettings, error_responses
from .state import Services, ServicesDep

router = APIRouter(tags=["render"], dependencies=[Authorized])

MP4_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"video/mp4": {"schema": {"type": "string", "format": "binary"}}},
        "description": "The video (H.264 MP4) with Content-Length; X-Seekreel-Job names the job.",
    }
}


@router.post(
    "/render",
    summary="Render HTML to MP4",
    response_class=FileResponse,
    responses={**MP4_RESPONSE, **error_responses(400, 409, 413, 422, 429, 500, 503)},
)
async def render(body: RenderRequest, svc: ServicesDep) -> FileResponse:
    """Render a composition and answer with the MP4 once it is done (the render runs as a job)."""
    options = render_options(svc, body)
    check_render(svc.settings, body.html, options)
    job = await svc.jobs.submit_render(body.html, options, meta={"via": "POST /render"})
    return video_response(await svc.jobs.wait(job.id))


@router.post(
    "/ai-render",
    summary="Prompt to MP4",
    response_class=FileResponse,
    responses={**MP4_RESPONSE, **error_responses(400, 409, 413, 422, 429, 500, 503)},
)
async def ai_render(body: AiRenderRequest, svc: ServicesDep) -> FileResponse:
    """Write a composition from the prompt (validated and repaired), then render it.

    422 when no attempt produced a valid composition: the body has every attempt's findings
    and the last document. The draft made on the way is named by `X-Seekreel-Draft`.
    """
    svc.jobs.check_room()  # 429 before generating, not after
    prompt, result = await generate(svc, body, body.prompt, body.variables, fps=body.fps)
    if not result.ok or result.html is None:
        raise generation_failed(result)
    draft = await save_generated(svc, result, prompt=prompt, variables=body.variables)
    options = render_options(svc, body)
    check_render(svc.settings, result.html, options)
    job = await svc.jobs.submit_render(
        result.html, options, draft_id=draft.id, draft_version=1, meta={"via": "POST /ai-render"}
    )
    response = video_response(await svc.jobs.wait(job.id))
    response.headers["X-Seekreel-Draft"] = draft.id
    return response


def render_options(svc: Services, body: RenderSettings) -> RenderOptions:
    return svc.jobs.render_options(
        fps=body.fps, resolution=body.resolution, quality=body.quality, variables=dict(body.variables or {})
    )


def video_response(job: Job) -> FileResponse:
    """The finished job's MP4, or the error that says why there is none."""
    if job.status is JobStatus.SUCCEEDED and job.video_path is not None and job.video_path.exists():
        return FileResponse(
            job.video_path,
            media_type="video/mp4",
            filename=f"seekreel-{job.id}.mp4",
            content_disposition_type="inline",
            headers={"X-Seekreel-Job": job.id},
        )
    if not job.finished:
        raise ApiError(
            409, "not_ready", f"job {job.id} is {job.status.value}: the video is there once it succeeded"
        )
    if job.status is JobStatus.SUCCEEDED:
        raise ApiError(410, "video_expired", f"the video of job {job.id} has been deleted (retention period)")
    if job.status is JobStatus.CANCELLED:
        raise ApiError(409, "cancelled", f"job {job.id} was cancelled", job_id=job.id)
    if job.error_code in CALLER_ERROR_CODES:
        raise ApiError(
            422, job.error_code or "render_failed", job.error or "the render failed", job_id=job.id
        )
    if job.error_code == "browser_unavailable":
        raise ApiError(503, "renderer_unavailable", job.error or "no browser", headers={"Retry-After": "30"})
    raise ApiError(500, job.error_code or "render_failed", job.error or "the render failed", job_id=job.id)
