"""`seekreel doctor`'s farm rows: the broker (reachable?), the live workers, the segment store."""

from __future__ import annotations

import uuid

import redis

from sandbox import Check

from ..settings import Settings
from .app import FarmMisconfigured, check_settings, farm_app, shown_url
from .shelf import FolderShelf, redis_client

PING_SECONDS = 2.0


def farm_checks(settings: Settings) -> list[Check]:
    if settings.broker_url is None:
        return [Check("farm", True, "off: renders run in this process (SEEKREEL_BROKER_URL unset)", False)]
    try:
        check_settings(settings)
    except FarmMisconfigured as exc:
        return [Check("farm: settings", False, str(exc))]
    url = shown_url(settings)
    try:
        info = redis_client(settings).info("server")
    except redis.RedisError as exc:
        return [Check("farm: broker", False, f"{url}: unreachable ({exc})")]
    checks = [Check("farm: broker", True, f"{url}: Redis {info['redis_version']}")]
    replies = farm_app(settings).control.ping(timeout=PING_SECONDS)
    names = sorted(name for reply in replies or [] for name in reply)
    checks.append(
        Check(
            "farm: workers",
            bool(names),
            f"{len(names)} alive: {', '.join(names)}"
            if names
            else f"none answered within {PING_SECONDS:g} s: start one with `seekreel worker`",
        )
    )
    if settings.segment_store is not None:
        checks.append(_store_check(FolderShelf(settings.segment_store)))
    return checks


def _store_check(shelf: FolderShelf) -> Check:
    probe = f"doctor/{uuid.uuid4().hex}"
    try:
        shelf.put(probe, b"ok", ttl=60)
        shelf.discard([probe])
    except OSError as exc:
        return Check("farm: segment store", False, f"{shelf.root}: not writable ({exc})")
    return Check("farm: segment store", True, f"{shelf.root}: writable")
