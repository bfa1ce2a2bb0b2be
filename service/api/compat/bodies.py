"""`GET /v1/jobs/{jobId}` bodies, as the hosted storyboard API shapes them — also what webhooks get.

Two kinds of jobs answer there: a render (a seekreel storyboard job, `job_…`) and a preview
(a project, `pr_…`: built, voiced and fetched, waiting to be rendered). File URLs are absolute
and signed, so they download without an Authorization header until they expire.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...jobs import Job, JobStatus, overall_progress
from ...projects import SceneMedia
from ...storage import Project, ProjectStatus, SectionStatus
from ..auth import AuthConfig

IN_PROGRESS, COMPLETED, FAILED = "in-progress", "completed", "failed"


@dataclass(frozen=True)
class Links:
    """Absolute, signed URLs for one base (the request's, or SEEKREEL_PUBLIC_BASE_URL)."""

    auth: AuthConfig
    base: str
    ttl: int

    def url(self, path: str) -> str:
        return self.base.rstrip("/") + self.auth.sign_path(path, self.ttl)


def render_body(job: Job, stages: Mapping[str, float], links: Links) -> dict[str, Any]:
    """A render job's state; once completed, its video, captions and soundtrack."""
    data: dict[str, Any] = {
        "status": IN_PROGRESS,
        "renderProgress": round(100 * overall_progress(job, stages)),
    }
    if job.status is JobStatus.SUCCEEDED:
        video = links.url(f"/jobs/{job.id}/video")
        data = {
            "status": COMPLETED,
            "renderProgress": 100,
            "videoUrl": video,
            "videoURL": video,
            "audioUrl": links.url(f"/jobs/{job.id}/audio"),
            "vttUrl": links.url(f"/jobs/{job.id}/captions.vtt"),
            "srtUrl": links.url(f"/jobs/{job.id}/captions.srt"),
            "videoDuration": job.meta.get("duration"),
            "warnings": [*job.meta.get("compat_warnings", []), *job.meta.get("warnings", [])],
        }
    elif job.finished:
        return _failed(job.id, data["renderProgress"], job.error_code or job.status.value, job.error or "")
    return {"job_id": job.id, "success": True, "data": data}


def preview_body(project: Project, links: Links) -> dict[str, Any]:
    """A preview's state; once built, every scene's voice and background (and how to render it)."""
    sections = project.sections
    ready = sum(s.status is SectionStatus.READY for s in sections)
    progress = round(100 * ready / len(sections)) if sections else 0
    if project.status is ProjectStatus.FAILED:
        return _failed(project.id, progress, project.error_code or "failed", project.error or "")
    if project.status is ProjectStatus.IN_PROGRESS:
        return {
            "job_id": project.id,
            "success": True,
            "data": {"status": IN_PROGRESS, "renderProgress": progress},
        }
    scenes = []
    for s in sections:
        media = SceneMedia.from_json(s.media) if s.media else None
        files = f"/projects/{project.id}/sections/{s.id}"
        scenes.append(
            {
                "sceneId": s.id,
                "story": s.text,
                "audioUrl": links.url(f"{files}/audio") if media else None,
                "audioDuration": media.duration if media else None,
                "backgroundUrl": links.url(f"{files}/background")
                if media and media.background_files
                else None,
                "backgroundKind": media.background_kind if media else None,
                "warnings": media.warnings if media else [],
            }
        )
    data: dict[str, Any] = {
        "status": COMPLETED,
        "renderProgress": 100,
        "storyboardJobId": project.id,
        "projectStatus": project.status.value,
        "preview": {"title": project.title, "scenes": scenes},
        "warnings": project.meta.get("compat_warnings", []),
    }
    if project.job_id:
        data["renderJobId"] = project.job_id
    return {"job_id": project.id, "success": True, "data": data}


def _failed(job_id: str, progress: int, code: str, message: str) -> dict[str, Any]:
    return {
        "job_id": job_id,
        "success": False,
        "data": {"status": FAILED, "renderProgress": progress, "error_code": code, "error_message": message},
    }
