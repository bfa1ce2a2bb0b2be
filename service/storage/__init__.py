"""Persistence for drafts (with versions), render jobs and narrated projects: SQLAlchemy over SQLite or Postgres.

Files (rendered videos) live under the data directory; the database holds their paths.
"""

from __future__ import annotations

from pathlib import Path

from .db import database_url
from .ids import is_project_id, new_id
from .project_records import Project, ProjectStatus, Section, SectionStatus
from .project_repository import ActiveProjectExists, ProjectStore
from .records import Draft, DraftVersion, Job, JobStage, JobStatus
from .repository import Store

__all__ = [
    "ActiveProjectExists",
    "Draft",
    "DraftVersion",
    "Job",
    "JobStage",
    "JobStatus",
    "Project",
    "ProjectStatus",
    "ProjectStore",
    "Section",
    "SectionStatus",
    "Store",
    "is_project_id",
    "new_id",
    "open_store",
]


def open_store(data_dir: Path, url: str | None = None) -> Store:
    """The store for a data directory: `url` when given (e.g. Postgres), else `<data_dir>/seekreel.db`."""
    return Store(database_url(data_dir, url))
