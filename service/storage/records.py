"""Plain records the storage layer hands out: detached from any database session, safe to pass around."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


@dataclass(frozen=True)
class DraftVersion:
    """One immutable state of a draft; `source` is how it came to be (prompt, html, edit, revise, restore)."""

    draft_id: str
    number: int
    html: str
    variables: dict[str, str]
    findings: list[dict[str, Any]]
    source: str
    note: str | None
    created_at: datetime


@dataclass(frozen=True)
class Draft:
    """A draft and its current version."""

    id: str
    title: str
    prompt: str | None
    created_at: datetime
    updated_at: datetime
    version_count: int
    current: DraftVersion
    meta: dict[str, Any] = field(default_factory=dict)


SERVER_META = frozenset({"prepared", "outputs"})
"""Keys of a job's meta that hold server file names (a storyboard job's prepared scenes and
outputs): kept out of what the API shows."""


@dataclass(frozen=True)
class JobStage:
    """Where a running job is: `name` (voicing, fetching, rendering, mixing) and `done` of `total`
    steps of it (scenes, frames, mixing steps). Kept in memory, and in the row on a farm."""

    name: str
    done: int
    total: int


@dataclass(frozen=True)
class Job:
    """A snapshot of one render job. Re-read it (JobManager.get) to see later progress."""

    id: str
    status: JobStatus
    html: str
    options: dict[str, Any]
    meta: dict[str, Any]
    draft_id: str | None
    draft_version: int | None
    frames_done: int
    frames_total: int
    error: str | None
    error_code: str | None
    """Why it failed, stable for programs: page_error, seek_timeout, composition_error, interrupted, …"""
    runs: int
    video_path: Path | None
    video_bytes: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    stage: JobStage | None = None
    """The running job's current stage (None when not running, or before its first report)."""

    @property
    def finished(self) -> bool:
        return self.status.finished

    @property
    def kind(self) -> str:
        """What the job makes: `html` (a composition rendered as it is) or `storyboard`."""
        return str(self.meta.get("kind", "html"))

    def public_dict(self) -> dict[str, Any]:
        """What the API and events show: everything but the HTML and the server's file path."""
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status.value,
            "frames_done": self.frames_done,
            "frames_total": self.frames_total,
            "error": self.error,
            "error_code": self.error_code,
            "draft_id": self.draft_id,
            "draft_version": self.draft_version,
            "options": {k: v for k, v in self.options.items() if k != "assets_dir"},
            "meta": {k: v for k, v in self.meta.items() if k not in SERVER_META},
            "runs": self.runs,
            "video_bytes": self.video_bytes,
            "created_at": self.created_at.isoformat(),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }
