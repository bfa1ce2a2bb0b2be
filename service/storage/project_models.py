"""SQLAlchemy tables of narrated projects and their sections (a change needs a migration)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, UTCDateTime, utcnow


class ProjectRow(Base):
    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(200), index=True)
    active_user: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    """The user while the project is InProgress or NeedsApproval, else NULL: the database itself
    refuses a second active project per user (NULLs never collide in a unique column)."""
    status: Mapped[str] = mapped_column(String(16), index=True)
    source: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str | None] = mapped_column(Text, nullable=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The storyboard without its scenes (voice, captions, music, aspect, …)."""
    render: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Render options for the final video (resolution, quality)."""
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    failures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    findings: Mapped[list[str]] = mapped_column(JSON, default=list)
    job_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    """Preparation runs started; a restart resumes an interrupted one once, then gives up."""
    files_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    """Its audio and backgrounds were deleted after the retention period (the record stays)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SectionRow(Base):
    __tablename__ = "project_sections"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    project_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    scene: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The storyboard scene: text, background, min_duration, pause_after."""
    status: Mapped[str] = mapped_column(String(16))
    media: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    """Its prepared voice and background (service.projects.engine.SceneMedia as JSON)."""
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    """Bumped by every change; names the folder its files are in, so a new take never overwrites the last."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
