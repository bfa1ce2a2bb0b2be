"""The hosted storyboard API's routes and shapes, so its clients work by changing the base URL.

Mounted twice: at the root and under `/pictoryapis`. The token route is auth.py's (it takes
the JSON body these clients send). docs/storyboard-api.md has the mapping and an example.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel

from ...projects import STORYBOARD, NewProject, check_url
from ...storage import is_project_id
from ..auth import Authorized, CallerId
from ..errors import not_found
from ..schemas import error_responses
from ..state import Services, ServicesDep
from ..story_routes import queue_storyboard
from .bodies import Links, preview_body, render_body
from .mapping import Mapped, to_storyboard
from .schemas import RenderRequest, StoryboardRequest

log = logging.getLogger("seekreel.api")

PREFIXES = ("", "/pictoryapis")
router = APIRouter(tags=["storyboard API"], dependencies=[Authorized])

JOB_BODY: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "`{job_id, success, data: {status: in-progress|completed|failed, renderProgress, …}}`: "
        "completed renders add `videoUrl` (absolute, signed, expiring), `audioUrl`, `vttUrl`, `srtUrl`; "
        "failed ones set `success: false` and `data.error_code`, `data.error_message`.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


class JobCreatedData(BaseModel):
    jobId: str


class JobCreated(BaseModel):
    success: bool = True
    data: JobCreatedData


def _created(job_id: str) -> JobCreated:
    return JobCreated(data=JobCreatedData(jobId=job_id))


def _base_url(request: Request, svc: Services) -> str:
    return svc.settings.public_base_url or str(request.base_url)


def _links(request: Request, svc: Services) -> Links:
    return Links(request.app.state.auth, _base_url(request, svc), svc.settings.signed_url_ttl)


async def _map(body: StoryboardRequest, svc: Services) -> Mapped:
    """The request as a storyboard; a webhook the guard would refuse is refused now (400)."""
    if body.webhook:
        await check_url(svc.engine, "webhook", body.webhook)
    mapped = to_storyboard(body, voice_lookup=svc.engine.find_voice)
    for warning in mapped.warnings:
        log.info("storyboard API request: %s", warning)
    return mapped


def _meta(request: Request, caller: str, mapped: Mapped, webhook: str | None) -> dict[str, Any]:
    return {
        "via": f"POST {request.url.path}",
        "user_id": caller,
        "webhook": webhook,
        "base_url": str(request.base_url),
        "compat_warnings": mapped.warnings,
    }


@router.post(
    "/v2/video/storyboard/render",
    summary="Render a storyboard (the hosted API's shape)",
    responses=error_responses(400, 413, 429),
)
async def render(body: StoryboardRequest, request: Request, svc: ServicesDep, caller: CallerId) -> JobCreated:
    """Built, voiced, fetched and rendered in one job; poll `GET /v1/jobs/{jobId}`."""
    mapped = await _map(body, svc)
    job = await queue_storyboard(
        svc,
        mapped.storyboard,
        resolution=mapped.resolution,
        quality="standard",
        meta=_meta(request, caller, mapped, body.webhook),
    )
    return _created(job.id)


@router.post(
    "/v2/video/storyboard",
    summary="Preview a storyboard: build, voice and fetch it, but do not render (the approval step)",
    responses=error_responses(400, 409, 413),
)
async def preview(
    body: StoryboardRequest, request: Request, svc: ServicesDep, caller: CallerId
) -> JobCreated:
    """A project of yours (one active at a time: `409 project_active`); when `GET /v1/jobs/{jobId}`
    says completed, render it as it is with `PUT /v2/video/render/{jobId}` (or edit it first
    through `/projects/{jobId}`)."""
    mapped = await _map(body, svc)
    project = await svc.projects.create(
        caller,
        NewProject(
            storyboard=mapped.storyboard,
            render={"resolution": mapped.resolution},
            meta=_meta(request, caller, mapped, body.webhook),
        ),
    )
    return _created(project.id)


@router.put(
    "/v2/video/render/{storyboard_job_id}",
    summary="Render a preview as it is",
    responses=error_responses(400, 404, 409, 413, 429),
)
async def render_preview(
    storyboard_job_id: str,
    request: Request,
    svc: ServicesDep,
    caller: CallerId,
    body: Annotated[RenderRequest | None, Body()] = None,
) -> JobCreated:
    """Approves the preview; the answer's `jobId` is the render's, to poll at `GET /v1/jobs/{jobId}`.
    `409` while the preview is still being built (or was already rendered)."""
    project = await svc.projects.get(caller, storyboard_job_id)
    if body and body.webhook:
        await check_url(svc.engine, "webhook", body.webhook)
    webhook = (body.webhook if body else None) or project.meta.get("webhook")
    meta = {
        "via": f"PUT {request.url.path}",
        "webhook": webhook,
        "base_url": str(request.base_url),
        "compat_warnings": project.meta.get("compat_warnings", []),
    }
    approved = await svc.projects.approve(caller, storyboard_job_id, job_meta=meta)
    assert approved.job_id is not None
    return _created(approved.job_id)


@router.get(
    "/v1/jobs/{job_id}",
    summary="A render's or a preview's state (the hosted API's shape)",
    responses={**JOB_BODY, **error_responses(404)},
)
async def get_job(job_id: str, request: Request, svc: ServicesDep, caller: CallerId) -> dict[str, Any]:
    links = _links(request, svc)
    if is_project_id(job_id):
        return preview_body(await svc.projects.get(caller, job_id), links)
    job = await svc.jobs.get(job_id)
    if job is None or job.kind != STORYBOARD or job.meta.get("user_id", caller) != caller:
        raise not_found("job", job_id)
    return render_body(job, svc.jobs.kind_stages(job), links)
