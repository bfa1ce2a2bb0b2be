"""`seekreel doctor`'s database row: reachable, and at which migration against this version's newest."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from sandbox import Check

from .db import make_engine, shown_database
from .migrate import current, head, known


def database_check(url: str) -> Check:
    shown = shown_database(url)
    engine = make_engine(url)
    try:
        at = current(engine)
    except DBAPIError as exc:
        return Check("database", False, f"{shown}: unreachable ({str(exc.orig).strip().splitlines()[0]})")
    finally:
        engine.dispose()
    newest = head()
    if at == newest:
        return Check("database", True, f"{shown}: revision {at} (the newest)")
    if at is None:
        return Check(
            "database", True, f"{shown}: no tables yet (the first start or `seekreel db upgrade` makes them)"
        )
    if not known(at):
        return Check(
            "database", False, f"{shown}: revision {at} is newer than this seekreel knows (upgrade it)"
        )
    return Check(
        "database",
        True,
        f"{shown}: revision {at}; {newest} is applied by the next start or `seekreel db upgrade`",
    )
