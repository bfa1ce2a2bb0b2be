"""Where the farm keeps bytes too big for a task message: the pages' bundles and, with a
segment store, the rendered segments. Redis when only the broker is set (keys that expire);
`SEEKREEL_SEGMENT_STORE`, a folder every host mounts, for outputs too large for Redis's memory.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Protocol

import redis

from ..files import write_atomically
from ..settings import Settings

KEY_PREFIX = "seekreel:farm:"


class Shelf(Protocol):
    def put(self, name: str, data: bytes, ttl: float) -> None: ...

    def get(self, name: str) -> bytes | None: ...

    def has(self, name: str) -> bool: ...

    def discard(self, names: list[str]) -> None: ...


class RedisShelf:
    """Keys `seekreel:farm:NAME` with an expiry: nothing is left behind by a coordinator that died."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def put(self, name: str, data: bytes, ttl: float) -> None:
        self.client.set(KEY_PREFIX + name, data, px=int(ttl * 1000))

    def get(self, name: str) -> bytes | None:
        data = self.client.get(KEY_PREFIX + name)
        return data if isinstance(data, bytes) else None

    def has(self, name: str) -> bool:
        return bool(self.client.exists(KEY_PREFIX + name))

    def discard(self, names: list[str]) -> None:
        if names:
            self.client.delete(*(KEY_PREFIX + n for n in names))


class FolderShelf:
    """Files under a shared folder, written atomically (a reader on another host never sees half
    a file). Expiry is by age: a put removes files of its folder older than their time to live."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, name: str, data: bytes, ttl: float) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)
        self._expire(path.parent, ttl)

    def get(self, name: str) -> bytes | None:
        try:
            return (self.root / name).read_bytes()
        except FileNotFoundError:
            return None

    def has(self, name: str) -> bool:
        return (self.root / name).is_file()

    def discard(self, names: list[str]) -> None:
        for name in names:
            (self.root / name).unlink(missing_ok=True)

    @staticmethod
    def _expire(folder: Path, ttl: float) -> None:
        too_old = time.time() - ttl
        for entry in folder.iterdir():
            with contextlib.suppress(FileNotFoundError):  # another host was quicker
                if entry.stat().st_mtime < too_old:
                    entry.unlink()


def redis_client(settings: Settings) -> redis.Redis:
    """A client of the broker's Redis that fails within seconds when it is unreachable."""
    assert settings.broker_url is not None
    return redis.Redis.from_url(
        settings.broker_url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=10
    )


def shelf_for(settings: Settings, client: redis.Redis) -> Shelf:
    if settings.segment_store is not None:
        return FolderShelf(settings.segment_store)
    return RedisShelf(client)
