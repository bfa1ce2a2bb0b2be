"""Schema migrations: the same tables on SQLite and PostgreSQL, a database made before migrations
existed adopted with its rows, and `seekreel db upgrade` for operators."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from postgres_server import PostgresServer
from sqlalchemy import Engine, inspect, text

from service.storage import migrate, open_store
from service.storage.db import make_engine
from service.storage.doctor import database_check
from service.storage.migrate import BASELINE, current, head
from service.storage.models import Base, DraftRow, DraftVersionRow, JobRow

SEEKREEL = str(Path(sys.executable).with_name("seekreel"))


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'seekreel.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        yield server.database_for(str(tmp_path))


def test_migrations_build_exactly_the_models(url: str) -> None:
    """A table changed in models.py without a migration shows up here as a difference."""
    store = open_store(Path("unused"), url)
    try:
        assert current(store.engine) == head()
        with store.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
    finally:
        store.close()


def _pre_migration_database(url: str, tables: list[str]) -> Engine:
    """What the version before migrations left behind: `create_all` of some tables (the baseline
    revision's schema, which later migrations change), with a row."""
    engine = make_engine(url)
    with engine.begin() as connection:
        command.upgrade(migrate._config(connection), BASELINE)
        connection.execute(text("DROP TABLE alembic_version"))
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in tables:
                table.drop(connection)
        connection.execute(
            DraftRow.__table__.insert().values(
                id="dr_old", title="kept", current_version=1, version_count=1, meta={}
            )
        )
        connection.execute(
            DraftVersionRow.__table__.insert().values(
                draft_id="dr_old", number=1, html="<p>old</p>", variables={}, findings=[], source="user"
            )
        )
    return engine


@pytest.mark.parametrize("tables", [["drafts", "draft_versions", "jobs"], sorted(Base.metadata.tables)])
def test_a_database_made_by_create_all_is_adopted_not_rebuilt(url: str, tables: list[str]) -> None:
    """Both generations before migrations: without the project tables (added on adoption) and
    with every table. The old rows survive and the database is stamped at the head."""
    engine = _pre_migration_database(url, tables)
    assert "alembic_version" not in inspect(engine).get_table_names()
    engine.dispose()
    store = open_store(Path("unused"), url)
    try:
        assert current(store.engine) == head()
        draft = store.get_draft("dr_old")
        assert draft is not None and draft.title == "kept" and draft.current.html == "<p>old</p>"
        assert {"projects", "project_sections"} <= set(inspect(store.engine).get_table_names())
        assert store.create_job(html="<p>new</p>", options={}).status.value == "queued"
    finally:
        store.close()
    again = open_store(Path("unused"), url)  # a second start changes nothing
    try:
        with again.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
            assert connection.execute(JobRow.__table__.select()).all()
    finally:
        again.close()


def _db(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SEEKREEL, "db", *args], capture_output=True, text=True, timeout=120, env={**os.environ, **env}
    )


def test_db_upgrade_command(tmp_path: Path, postgres: PostgresServer) -> None:
    done = _db("upgrade", SEEKREEL_DATA_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert f"revision {head()}" in done.stdout
    assert current(make_engine(f"sqlite:///{tmp_path / 'seekreel.db'}")) == head()

    url = postgres.database_for(str(tmp_path))
    done = _db("upgrade", SEEKREEL_DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    assert current(make_engine(url)) == head()

    wrong = url.replace("seekreel@", "seekreel:hunter2@").rsplit("/", 1)[0] + "/no_such_database"
    done = _db("upgrade", SEEKREEL_DATABASE_URL=wrong)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no_such_database" in lines[0], done.stderr
    assert "hunter2" not in done.stderr and "Traceback" not in done.stderr


def test_doctor_reports_the_database_and_its_revision(url: str, postgres: PostgresServer) -> None:
    empty = database_check(url)
    assert empty.ok and "no tables yet" in empty.detail
    open_store(Path("unused"), url).close()
    newest = database_check(url)
    assert newest.ok and f"revision {head()} (the newest)" in newest.detail
    with make_engine(url).begin() as connection:  # what a later seekreel's migration leaves
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    ahead = database_check(url)
    assert not ahead.ok and "9999 is newer than this seekreel knows" in ahead.detail
    gone = database_check(postgres.url("no_such_database").replace("seekreel@", "seekreel:pw@"))
    assert not gone.ok and "unreachable" in gone.detail and "pw" not in gone.detail
