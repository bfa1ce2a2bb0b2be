"""`seekreel db upgrade`: the database's schema migrations, for operators who run them first."""

from __future__ import annotations

import typer
from rich.console import Console
from sqlalchemy.exc import DBAPIError

from ..settings import get_settings
from ..storage.db import database_url, make_engine, shown_database
from ..storage.migrate import upgrade as upgrade_schema
from .app import app, fail

console = Console(highlight=False)
db_app = typer.Typer(help="The database (SQLite by default, or SEEKREEL_DATABASE_URL).", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command()
def upgrade() -> None:
    """Bring the database to this version's schema (every process that opens it does so too)."""
    settings = get_settings()
    url = database_url(settings.data_dir, settings.database_url)
    engine = make_engine(url)
    try:
        revision = upgrade_schema(engine)
    except DBAPIError as exc:  # unreachable server, missing database, refused login
        fail(f"{shown_database(url)}: {str(exc.orig).strip().splitlines()[0]}", code=1)
    finally:
        engine.dispose()
    console.print(f"[green]✓[/] {shown_database(url)} is at revision {revision} (the newest)")
