"""Schema migrations (Alembic, service/storage/migrations) for SQLite and PostgreSQL alike.

Every process that opens the database brings it to the newest revision first, so an API, a
worker and the CLI never disagree about the tables. A database made by `create_all` before
migrations existed is adopted: its missing tables are added the old way and it is stamped as
the first revision, never re-created.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from . import project_models  # noqa: F401  (registers the project tables on Base)
from .models import Base

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001"
"""The revision whose schema equals what `create_all` made before migrations existed."""
_LOCK_KEY = 0x5EE4_2EE1
"""Postgres advisory lock: two processes starting at once migrate one after the other."""


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection  # env.py migrates on it
    return config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    """The newest revision this version of seekreel knows."""
    revision = _scripts().get_current_head()
    assert revision is not None
    return revision


def known(revision: str) -> bool:
    """Whether this version of seekreel has the migration (a newer one may have migrated further)."""
    return any(script.revision == revision for script in _scripts().walk_revisions())


def current(engine: Engine) -> str | None:
    """The revision the database is at; None before any migration ran."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Bring the database to the head revision (adopting a pre-migration one) and return it."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        tables = set(inspect(connection).get_table_names())
        config = _config(connection)
        if "alembic_version" not in tables and "drafts" in tables:
            Base.metadata.create_all(connection)  # what the version before migrations did at start
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")
    return head()
