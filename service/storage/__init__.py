"""Persistence for drafts (with versions) and render jobs: SQLAlchemy over SQLite or Postgres.

Files (rendered videos) live under the data directory; the database holds their paths.
"""

from __future__ import annotations

from pathlib import Path

from .db import database_url
from .records import Draft, DraftVersion, Job, JobStatus
from .repository import Store, new_id

__all__ = ["Draft", "DraftVersion", "Job", "JobStatus", "Store", "new_id", "open_store"]


def open_store(data_dir: Path, url: str | None = None) -> Store:
    """The store for a data directory: `url` when given (e.g. Postgres), else `<data_dir>/seekreel.db`."""
    return Store(database_url(data_dir, url))
