"""Projects: a narrated storyboard a person reviews and approves before it is rendered.

The lifecycle lives in service.projects; these routes are its HTTP face. A caller sees only
its own projects (another user's is a 404).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import FileResponse, StreamingResponse

from ..jobs import Job
from ..projects import NewProject, SceneMedia
from ..storage import Project, ProjectStatus, Section, SectionStatus
from .auth import SIGNED_LINK, Authorized, CallerId
from .errors import ApiError, not_found
from .job_routes import EVENTS_RESPONSE, events_response
from .project_schemas import (
    ProjectCreate,
    ProjectOut,
    ProjectSummary,
    SectionCreate,
    SectionOut,
    SectionPatch,
)
from .render_routes import video_response
from .schemas import error_responses
from .state import ServicesDep
from .story_routes import captions_response

router = APIRouter(prefix="/projects", tags=["projects"], dependencies=[Authorized])


def project_out(project: Project) -> ProjectOut:
    base = f"/projects/{project.id}"
    done = project.status is ProjectStatus.COMPLETED
    return ProjectOut(
        id=project.id,
        user_id=project.user_id,
        title=project.title,
        topic=project.topic,
        source=project.source,
        status=project.status.value,
        error=project.error,
        error_code=project.error_code,
        failures=project.failures,
        findings=project.findings,
        created_at=project.created_at,
        updated_at=project.updated_at,
        finished_at=project.finished_at,
        settings=project.settings,
        sections=[section_out(project, s) for s in project.sections],
        job_id=project.job_id,
        events_url=f"{base}/events" if project.job_id else None,
        video_url=f"{base}/video" if done else None,
        captions_url=f"{base}/captions.vtt" if done else None,
        captions_srt_url=f"{base}/captions.srt" if done else None,
        composition_url=f"/jobs/{project.job_id}/composition/" if done else None,
    )


def section_out(project: Project, section: Section) -> SectionOut:
    media = SceneMedia.from_json(section.media) if section.media else None
    base = f"/projects/{project.id}/sections/{section.id}"
    ready = media is not None and section.status is SectionStatus.READY
    return SectionOut(
        id=section.id,
        position=section.position,
        text=section.text,
        hint=section.hint,
        background=section.scene.get("background"),
        status=section.status.value,
        error=section.error,
        audio_url=f"{base}/audio?v={section.revision}" if ready else None,
        audio_duration=media.duration if ready and media else None,
        background_url=f"{base}/background?v={section.revision}"
        if media and media.background_files
        else None,
        background_kind=media.background_kind if media else None,
        background_color=media.background.get("color") if media else None,
        warnings=media.warnings if media else [],
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Start a project from a topic, text or a storyboard",
    responses=error_responses(400, 409, 413),
)
async def create_project(body: ProjectCreate, svc: ServicesDep, caller: CallerId) -> ProjectOut:
    """`201` InProgress at once; the script is written (for a topic), the sections are made and
    each is voiced and given its background in the background, then the project waits in
    NeedsApproval. `409 project_active` (with `project_id`) while you have a project
    InProgress or NeedsApproval."""
    new = NewProject(
        topic=body.topic,
        text=body.text,
        storyboard=body.storyboard,
        options=body.storyboard_options(),
        render={"resolution": body.resolution, "quality": body.quality},
        meta={"via": "POST /projects"},
    )
    return project_out(await svc.projects.create(caller, new))


@router.get("", summary="Your projects, newest first", responses=error_responses(400))
async def list_projects(
    svc: ServicesDep, caller: CallerId, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[ProjectSummary]:
    return [
        ProjectSummary(
            id=p.id,
            title=p.title,
            topic=p.topic,
            status=p.status.value,
            error=p.error,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )
        for p in await svc.projects.list_projects(caller, limit)
    ]


@router.get("/{project_id}", summary="A project with its sections", responses=error_responses(404))
async def get_project(project_id: str, svc: ServicesDep, caller: CallerId) -> ProjectOut:
    return project_out(await svc.projects.get(caller, project_id))


@router.patch(
    "/{project_id}/sections/{section_id}",
    summary="Edit a section: its text (re-voiced), its background, its position",
    responses=error_responses(400, 404, 409, 413, 422),
)
async def edit_section(
    project_id: str, section_id: str, body: SectionPatch, svc: ServicesDep, caller: CallerId
) -> ProjectOut:
    """Only while NeedsApproval. New text → only this section is voiced again; a new background
    (or `hint`) → only it is fetched again; answers once that is done, with the whole project."""
    project = await svc.projects.edit_section(
        caller,
        project_id,
        section_id,
        text=body.text,
        background=body.new_background(),
        position=body.position,
    )
    return project_out(project)


@router.post(
    "/{project_id}/sections",
    status_code=status.HTTP_201_CREATED,
    summary="Add a section",
    responses=error_responses(400, 404, 409, 413, 422),
)
async def add_section(project_id: str, body: SectionCreate, svc: ServicesDep, caller: CallerId) -> ProjectOut:
    """Only while NeedsApproval; at `position` (default: the end), voiced before this answers."""
    project = await svc.projects.add_section(
        caller, project_id, text=body.text, background=body.new_background(), position=body.position
    )
    return project_out(project)


@router.delete(
    "/{project_id}/sections/{section_id}",
    summary="Remove a section",
    responses=error_responses(404, 409),
)
async def delete_section(project_id: str, section_id: str, svc: ServicesDep, caller: CallerId) -> ProjectOut:
    return project_out(await svc.projects.delete_section(caller, project_id, section_id))


@router.post(
    "/{project_id}/approve",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Approve: render the project (NeedsApproval → Finalizing)",
    responses=error_responses(404, 409, 429),
)
async def approve(project_id: str, svc: ServicesDep, caller: CallerId) -> ProjectOut:
    """Renders the sections as they are now, as a job (`job_id`, progress at `events_url`);
    the project becomes Completed with `video_url` and `captions_url`, or Failed with the reason."""
    return project_out(await svc.projects.approve(caller, project_id))


@router.post(
    "/{project_id}/cancel",
    summary="Cancel the project (→ Failed, cancelled)",
    responses=error_responses(404, 409),
)
async def cancel(project_id: str, svc: ServicesDep, caller: CallerId) -> ProjectOut:
    return project_out(await svc.projects.cancel(caller, project_id))


@router.get(
    "/{project_id}/events",
    summary="The render's progress as server-sent events (once approved)",
    response_class=StreamingResponse,
    responses={200: EVENTS_RESPONSE, **error_responses(404, 409)},
)
async def project_events(project_id: str, svc: ServicesDep, caller: CallerId) -> StreamingResponse:
    """The render job's `/jobs/{job_id}/events`, under the project: a review link (which opens
    this project's routes only) follows the render here."""
    return events_response(svc.jobs, (await _render_job(svc, caller, project_id)).id)


@router.get(
    "/{project_id}/sections/{section_id}/audio",
    summary="A section's narration (WAV)",
    response_class=FileResponse,
    responses={200: {"content": {"audio/wav": {}}}, **error_responses(403, 404, 409, 410)},
)
async def section_audio(project_id: str, section_id: str, svc: ServicesDep, caller: CallerId) -> FileResponse:
    media = await _media(svc, caller, project_id, section_id)
    return FileResponse(_present(media.audio), media_type="audio/wav")


@router.get(
    "/{project_id}/sections/{section_id}/background",
    summary="A section's background picture (the first frame of an animated one)",
    response_class=FileResponse,
    responses={200: {"content": {"image/*": {}}}, **error_responses(403, 404, 409, 410)},
)
async def section_background(
    project_id: str, section_id: str, svc: ServicesDep, caller: CallerId
) -> FileResponse:
    media = await _media(svc, caller, project_id, section_id)
    if not media.background_files:
        raise ApiError(
            404, "not_found", f"section {section_id} has a {media.background_kind} background, no picture"
        )
    return FileResponse(_present(media.background_files[0]))


@router.get(
    "/{project_id}/video",
    summary="The finished project's MP4 (supports Range requests)",
    response_class=FileResponse,
    responses={200: {"content": {"video/mp4": {}}}, **error_responses(403, 404, 409, 410, 422, 500, 503)},
)
async def project_video(project_id: str, svc: ServicesDep, caller: CallerId) -> FileResponse:
    return video_response(await _render_job(svc, caller, project_id))


@router.get(
    "/{project_id}/captions.vtt",
    summary="The finished project's captions (WebVTT)",
    response_class=FileResponse,
    responses={200: {"content": {"text/vtt": {}}}, **error_responses(403, 404, 409, 410)},
)
async def project_captions_vtt(project_id: str, svc: ServicesDep, caller: CallerId) -> FileResponse:
    return captions_response(svc, await _render_job(svc, caller, project_id), "captions.vtt")


@router.get(
    "/{project_id}/captions.srt",
    summary="The finished project's captions (SRT)",
    response_class=FileResponse,
    responses={200: {"content": {"application/x-subrip": {}}}, **error_responses(403, 404, 409, 410)},
)
async def project_captions_srt(project_id: str, svc: ServicesDep, caller: CallerId) -> FileResponse:
    return captions_response(svc, await _render_job(svc, caller, project_id), "captions.srt")


async def _owned(svc: ServicesDep, caller: str, project_id: str) -> Project:
    """The caller's project — or any, for a signed link (it was made for this very path)."""
    if caller == SIGNED_LINK:
        return await svc.projects.find(project_id)
    return await svc.projects.get(caller, project_id)


async def _render_job(svc: ServicesDep, caller: str, project_id: str) -> Job:
    project = await _owned(svc, caller, project_id)
    job = await svc.jobs.get(project.job_id) if project.job_id else None
    if job is None:
        raise ApiError(
            409, "not_ready", f"project {project_id} is {project.status.value}: approve it to render it"
        )
    return job


async def _media(svc: ServicesDep, caller: str, project_id: str, section_id: str) -> SceneMedia:
    project = await _owned(svc, caller, project_id)
    section = project.section(section_id)
    if section is None:
        raise not_found("section", section_id)
    check_files_kept(project)
    if section.media is None:
        raise ApiError(409, "not_ready", f"section {section_id} is {section.status.value}")
    return SceneMedia.from_json(section.media)


def check_files_kept(project: Project) -> None:
    """410 once the retention period has deleted the project's files."""
    if project.files_deleted:
        raise ApiError(
            410, "files_expired", f"the files of project {project.id} were deleted (retention period)"
        )


def _present(path: Path | None) -> Path:
    if path is None or not path.is_file():
        raise ApiError(410, "files_expired", "this file has been deleted (retention period)")
    return path
