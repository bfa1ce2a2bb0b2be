"""The editor's scrubbable preview of a project: the composition approving it would render now.

The editor shows it in the same sandboxed iframe as a draft, whose CSP allows no network at
all — so the pictures the composition loads by relative name come along inline, as `data:`
URLs keyed by that name, and the editor hands them to the page. The narration stays out of
the page: the editor plays each section's `audio_url` from its `start`, in step with the
scrubber.
"""

from __future__ import annotations

import asyncio
import base64
import mimetypes
from pathlib import Path

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ..byte_sizes import size_text
from .auth import Authorized, CallerId
from .errors import ApiError
from .project_routes import check_files_kept, section_out
from .schemas import error_responses
from .state import ServicesDep

router = APIRouter(prefix="/projects", tags=["projects"], dependencies=[Authorized])

MAX_PREVIEW_ASSET_BYTES = 48 * 1024 * 1024
"""Pictures a preview carries inline; a storyboard of long animated backgrounds can exceed it."""


class PreviewSection(BaseModel):
    id: str
    start: float = Field(description="Seconds into the composition where the section (and its voice) starts.")
    end: float
    audio_url: str | None = Field(description="The section's narration (WAV).")


class ProjectPreview(BaseModel):
    html: str = Field(description="The composition, as the render would render it.")
    duration: float
    assets: dict[str, str] = Field(
        description="Every picture the composition loads, by the relative name it uses, as a data: URL."
    )
    sections: list[PreviewSection]


@router.get(
    "/{project_id}/preview",
    summary="The project compiled, not rendered: the editor's scrubbable preview",
    responses=error_responses(404, 409, 410, 413),
)
async def project_preview(project_id: str, svc: ServicesDep, caller: CallerId) -> ProjectPreview:
    """`409 sections_not_ready` while a section is still being voiced or failed."""
    project, preview = await svc.projects.preview(caller, project_id)
    check_files_kept(project)
    ends = [*preview.starts[1:], preview.duration]
    return ProjectPreview(
        html=preview.html,
        duration=preview.duration,
        assets=await asyncio.to_thread(_inline, preview.assets),
        sections=[
            PreviewSection(
                id=section.id, start=start, end=end, audio_url=section_out(project, section).audio_url
            )
            for section, start, end in zip(project.sections, preview.starts, ends, strict=True)
        ],
    )


def _inline(assets: dict[str, Path]) -> dict[str, str]:
    """name → data: URL, within MAX_PREVIEW_ASSET_BYTES."""
    total = 0
    out = {}
    for name, path in assets.items():
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ApiError(410, "files_expired", f"{name} has been deleted (retention period)") from None
        total += len(data)
        if total > MAX_PREVIEW_ASSET_BYTES:
            raise ApiError(
                413,
                "too_large",
                f"the backgrounds are over {size_text(MAX_PREVIEW_ASSET_BYTES)}: too much to preview in the "
                "page; approve to see the video",
            )
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        out[name] = f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"
    return out
