"""Shared fixtures. Tests drive real Chromium and real ffmpeg; keep compositions tiny."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.fakes.slack_api import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/media.py, tests/fakes

import service_helpers  # noqa: E402
from postgres_server import PostgresServer  # noqa: E402


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the service tests' database: SQLite files (default) or one real PostgreSQL server",
    )


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole session (tests/postgres_server.py)."""
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def database_backend(request: pytest.FixtureRequest) -> Iterator[None]:
    """Under `--database postgresql`, every `make_settings` gets a PostgreSQL database of its own."""
    if request.config.getoption("database") != "postgresql":
        yield
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    service_helpers.database_for = lambda folder: server.database_for(str(folder))
    try:
        yield
    finally:
        service_helpers.database_for = service_helpers.sqlite_in_data_dir


@pytest.fixture
def run() -> Iterator[object]:
    """Run a coroutine to completion on a fresh event loop (no pytest-asyncio needed)."""
    yield asyncio.run


@pytest.fixture
def anyio_backend() -> str:
    """Tests marked `anyio` run on asyncio."""
    return "asyncio"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A fake Slack Web API on 127.0.0.1 for the bot's tests."""
    with FakeSlack() as fake:
        yield fake


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright, for the web editor's tests (see `needs_chromium`)."""
    from service_helpers import CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()
