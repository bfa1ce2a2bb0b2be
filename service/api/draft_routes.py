"""Drafts: HTML a person can read, fix and preview before it is rendered. Every change is a new version."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from sandbox import BrowserUnavailable, CompositionError, RenderError, capture_frame, parse_composition

from ..drafts import title_for, variable_values
from .auth import Authorized
from .draft_views import (
    draft_out,
    load_draft,
    load_version,
    new_version,
    save_generated,
    version_out,
    version_summary,
)
from .errors import ApiError, not_found
from .fields import Resolution, VersionNumber
from .job_routes import job_out
from .limits import check_generation, check_html_size, check_prompt, check_render
from .pipeline import generate, generation_failed, revise, validation_findings
from .render_routes import render_options
from .schemas import (
    DraftCreate,
    DraftOut,
    DraftRenderRequest,
    DraftRevise,
    DraftSummary,
    DraftUpdate,
    JobOut,
    VersionOut,
    VersionSummary,
    error_responses,
)
from .state import ServicesDep

router = APIRouter(prefix="/drafts", tags=["drafts"], dependencies=[Authorized])
VersionPath = Annotated[VersionNumber, Path()]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a draft from a prompt or from HTML",
    responses=error_responses(400, 413, 422, 503),
)
async def create_draft(body: DraftCreate, svc: ServicesDep) -> DraftOut:
    """From a prompt, the generation loop writes version 1; if its last attempt still has findings
    the draft is kept anyway (with them) so a person can fix it. From HTML, it is validated as is."""
    if body.prompt is not None:
        prompt, result = await generate(svc, body, body.prompt, body.variables)
        if result.html is None:
            raise generation_failed(result)
        draft = await save_generated(svc, result, prompt=prompt, variables=body.variables)
    else:
        html = body.html or ""
        check_html_size(svc.settings, html)
        check_generation(svc.settings, body.duration, body.provider)
        variables = variable_values(body.variables)
        findings = await validation_findings(svc, html, variables)
        draft = await asyncio.to_thread(
            svc.store.create_draft,
            html=html,
            variables=variables,
            findings=findings,
            source="html",
            title=body.title or title_for(None, html),
        )
    return draft_out(svc.settings, draft)


@router.get("", summary="Recent drafts, most recently changed first")
async def list_drafts(
    svc: ServicesDep, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[DraftSummary]:
    drafts = await asyncio.to_thread(svc.store.list_drafts, limit)
    return [
        DraftSummary(
            id=d.id,
            title=d.title,
            updated_at=d.updated_at,
            version=d.current.number,
            ok=version_summary(d.current).ok,
        )
        for d in drafts
    ]


@router.get("/{draft_id}", summary="A draft and its current version", responses=error_responses(404))
async def get_draft(draft_id: str, svc: ServicesDep) -> DraftOut:
    return draft_out(svc.settings, await load_draft(svc, draft_id))


@router.put(
    "/{draft_id}",
    summary="Save new HTML (a new version, validated)",
    responses=error_responses(400, 404, 413),
)
async def update_draft(draft_id: str, body: DraftUpdate, svc: ServicesDep) -> DraftOut:
    """The findings are returned with the draft; a version with errors is still saved (it is a draft)."""
    check_html_size(svc.settings, body.html)
    draft = await load_draft(svc, draft_id)
    current = draft.current
    variables = current.variables if body.variables is None else variable_values(body.variables)
    if body.html == current.html and variables == current.variables:
        return draft_out(svc.settings, draft)  # nothing changed: no new version
    findings = await validation_findings(svc, body.html, variables)
    return await new_version(
        svc, draft_id, html=body.html, variables=variables, findings=findings, source="edit"
    )


@router.get("/{draft_id}/versions", summary="Version history, newest first", responses=error_responses(404))
async def list_versions(draft_id: str, svc: ServicesDep) -> list[VersionSummary]:
    versions = await asyncio.to_thread(svc.store.list_versions, draft_id)
    if versions is None:
        raise not_found("draft", draft_id)
    return [version_summary(v) for v in versions]


@router.get("/{draft_id}/versions/{number}", summary="One version", responses=error_responses(400, 404))
async def get_version(draft_id: str, number: VersionPath, svc: ServicesDep) -> VersionOut:
    return version_out(await load_version(svc, draft_id, number))


@router.post(
    "/{draft_id}/versions/{number}/restore",
    summary="Make an old version current again (as a new version)",
    responses=error_responses(400, 404),
)
async def restore_version(draft_id: str, number: VersionPath, svc: ServicesDep) -> DraftOut:
    old = await load_version(svc, draft_id, number)
    return await new_version(
        svc,
        draft_id,
        html=old.html,
        variables=old.variables,
        findings=old.findings,
        source="restore",
        note=f"restored version {number}",
    )


@router.post(
    "/{draft_id}/revise",
    summary="Change the draft by instruction, through the model provider",
    responses=error_responses(400, 404, 413, 422, 503),
)
async def revise_draft(draft_id: str, body: DraftRevise, svc: ServicesDep) -> DraftOut:
    """A valid revision becomes the new version; otherwise 422 with the findings and the draft is unchanged."""
    instruction = check_prompt(svc.settings, body.instruction)
    current = (await load_draft(svc, draft_id)).current
    if not current.html.strip():
        raise ApiError(400, "composition_error", "the draft has no HTML to revise: save a composition first")
    result = await revise(svc, current.html, instruction, provider=body.provider, model=body.model)
    if not result.ok or result.html is None:
        raise generation_failed(result, "the revision")
    return await new_version(
        svc,
        draft_id,
        html=result.html,
        variables=current.variables,
        findings=[f.to_dict() for f in result.findings],
        source="revise",
        note=instruction,
    )


@router.get(
    "/{draft_id}/frame",
    summary="One frame as PNG",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}}, "description": "The frame at time t."},
        **error_responses(400, 404, 413, 422, 503),
    },
)
async def draft_frame(
    draft_id: str,
    svc: ServicesDep,
    t: Annotated[float, Query(ge=0, description="Seconds from the start.")] = 0.0,
    version: Annotated[VersionNumber | None, Query()] = None,
    resolution: Annotated[Resolution | None, Query()] = None,
) -> Response:
    draft = await load_draft(svc, draft_id)
    chosen = draft.current if version is None else await load_version(svc, draft_id, version)
    options = svc.jobs.render_options(resolution=resolution, variables=chosen.variables)
    check_render(svc.settings, chosen.html, options)
    duration = parse_composition(
        chosen.html, variables=chosen.variables, max_duration=options.max_duration
    ).duration
    if t > duration:
        raise ApiError(400, "time_out_of_range", f"t={t:g} is past the end: the draft is {duration:g} s long")
    try:
        async with svc.previews:
            png = await capture_frame(chosen.html, t, options, pool=svc.jobs.pool)
    except (BrowserUnavailable, CompositionError):
        raise  # 503 / 400 by their handlers
    except RenderError as exc:
        raise ApiError(422, "page_error", str(exc)) from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.post(
    "/{draft_id}/render",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Render the draft as a job",
    responses=error_responses(400, 404, 413, 429, 503),
)
async def render_draft(
    draft_id: str, body: DraftRenderRequest, svc: ServicesDep, response: Response
) -> JobOut:
    """Queues the render and answers at once; follow `events_url` (SSE) or poll GET /jobs/{id}."""
    chosen = (await load_draft(svc, draft_id)).current
    if body.version is not None and body.version != chosen.number:
        chosen = await load_version(svc, draft_id, body.version)
    variables = chosen.variables if body.variables is None else variable_values(body.variables)
    options = render_options(svc, body.model_copy(update={"variables": variables}))
    check_render(svc.settings, chosen.html, options)
    job = await svc.jobs.submit_render(
        chosen.html, options, draft_id=draft_id, draft_version=chosen.number, meta={"via": "draft"}
    )
    response.headers["Location"] = f"/jobs/{job.id}"
    return job_out(job, svc.jobs)
