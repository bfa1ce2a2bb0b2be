"""Plain records of projects and sections, detached from any session (like records.py for jobs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class ProjectStatus(StrEnum):
    IN_PROGRESS = "InProgress"
    NEEDS_APPROVAL = "NeedsApproval"
    FINALIZING = "Finalizing"
    COMPLETED = "Completed"
    FAILED = "Failed"

    @property
    def active(self) -> bool:
        """Counts against the one-active-project-per-user rule."""
        return self in (ProjectStatus.IN_PROGRESS, ProjectStatus.NEEDS_APPROVAL)

    @property
    def finished(self) -> bool:
        return self in (ProjectStatus.COMPLETED, ProjectStatus.FAILED)


class SectionStatus(StrEnum):
    PENDING = "pending"
    """Waiting for its voice and background (new, or edited)."""
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class Section:
    id: str
    project_id: str
    position: int
    scene: dict[str, Any]
    status: SectionStatus
    media: dict[str, Any] | None
    error: str | None
    revision: int
    updated_at: datetime

    @property
    def text(self) -> str:
        return str(self.scene.get("text", ""))

    @property
    def hint(self) -> str | None:
        """The search keywords of its background (a transcript's `gifHint`), if that is its kind."""
        background = self.scene.get("background") or {}
        return background.get("search") if isinstance(background, dict) else None


@dataclass(frozen=True)
class Project:
    id: str
    user_id: str
    status: ProjectStatus
    source: str
    """topic, text or storyboard: what the project was made from."""
    topic: str | None
    title: str
    settings: dict[str, Any]
    render: dict[str, Any]
    meta: dict[str, Any]
    error: str | None
    error_code: str | None
    failures: list[dict[str, Any]]
    findings: list[str]
    job_id: str | None
    runs: int
    files_deleted: bool
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    sections: list[Section] = field(default_factory=list)
    """In order of position (empty in listings)."""

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)
