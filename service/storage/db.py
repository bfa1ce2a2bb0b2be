"""Engine construction: SQLite at `<data_dir>/seekreel.db` by default, or any SQLAlchemy URL (Postgres);
and the one way the repositories read an UPDATE's answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, Engine, Update, create_engine, event, make_url
from sqlalchemy.orm import Session


def database_url(data_dir: Path, url: str | None = None) -> str:
    """The configured URL, else the SQLite file in the data directory (created if missing)."""
    if url:
        return url
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(data_dir / 'seekreel.db').resolve()}"


def shown_database(url: str) -> str:
    """The URL as logs and the CLI show it: never the password."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine safe to share between the event loop and worker threads.

    SQLite gets WAL (readers never wait for the one writer), a busy timeout instead of
    "database is locked" errors, and enforced foreign keys.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def changed_rows(session: Session, stmt: Update) -> int:
    """How many rows an UPDATE matched: 0 is a compare-and-set that lost (or a missing row)."""
    result = session.execute(stmt)
    # Session.execute is typed as any Result; an UPDATE's is a CursorResult (-1: unknown, as in DB-API).
    return result.rowcount if isinstance(result, CursorResult) else -1


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
