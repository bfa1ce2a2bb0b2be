"""A minimal Chrome DevTools Protocol client over `--remote-debugging-pipe`.

Why not Playwright here: frame-exact capture needs a target created with
`enableBeginFrameControl` and driven with `HeadlessExperimental.beginFrame`, and the
browser must run in its own network namespace with no socket at all. Playwright's page
model fights both. The pipe protocol is tiny: NUL-terminated JSON messages on fds 3/4.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from typing import Any

import orjson

from . import pipes


class CDPError(RuntimeError):
    """A protocol-level error answer, or the browser went away."""


class BrowserGone(CDPError):
    """The browser process exited or closed its pipe."""


EventHandler = Callable[[str, dict[str, Any], str | None], None]


class CDPConnection:
    """Multiplexes commands and events over the browser's debugging pipe."""

    def __init__(self, reader: asyncio.StreamReader, write_fd: int) -> None:
        self._reader = reader
        self._write_fd = write_fd
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._listeners: list[EventHandler] = []
        self._closed: BaseException | None = None
        self._reader_task = asyncio.create_task(self._read_loop())

    @classmethod
    async def open(cls, read_fd: int, write_fd: int) -> CDPConnection:
        pipes.widen(read_fd)
        pipes.widen(write_fd)
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=256 * 1024 * 1024)
        protocol = asyncio.StreamReaderProtocol(reader)
        await loop.connect_read_pipe(lambda: protocol, os.fdopen(read_fd, "rb", buffering=0))
        os.set_blocking(write_fd, True)
        return cls(reader, write_fd)

    def add_listener(self, handler: EventHandler) -> Callable[[], None]:
        self._listeners.append(handler)
        return lambda: self._listeners.remove(handler) if handler in self._listeners else None

    @property
    def closed(self) -> bool:
        return self._closed is not None

    async def send(
        self, method: str, params: dict[str, Any] | None = None, session_id: str | None = None
    ) -> dict[str, Any]:
        if self._closed is not None:
            raise BrowserGone(f"browser connection closed ({self._closed})")
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session_id:
            msg["sessionId"] = session_id
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = fut
        data = orjson.dumps(msg) + b"\0"
        try:
            _write_all(self._write_fd, data)
        except OSError as exc:
            self._pending.pop(self._next_id, None)
            raise BrowserGone(f"cannot write to browser: {exc}") from exc
        return await fut

    async def _read_loop(self) -> None:
        try:
            while True:
                raw = await self._reader.readuntil(b"\0")
                # A frame's message is megabytes of base64: parsed without copying it first.
                msg = orjson.loads(memoryview(raw)[:-1])
                if "id" in msg:
                    fut = self._pending.pop(msg["id"], None)
                    if fut is None or fut.done():
                        continue
                    if "error" in msg:
                        err = msg["error"]
                        fut.set_exception(CDPError(f"{err.get('message')} ({err.get('code')})"))
                    else:
                        fut.set_result(msg.get("result", {}))
                else:
                    for handler in list(self._listeners):
                        handler(msg.get("method", ""), msg.get("params", {}), msg.get("sessionId"))
        except (asyncio.IncompleteReadError, ConnectionError, ValueError) as exc:
            self._fail(BrowserGone(f"browser closed the pipe ({type(exc).__name__})"))
        except asyncio.CancelledError:
            self._fail(BrowserGone("connection closed"))
            raise

    def _fail(self, exc: BrowserGone) -> None:
        self._closed = exc
        for fut in self._pending.values():
            if not fut.done():
                fut.set_exception(exc)
        self._pending.clear()
        for handler in list(self._listeners):
            handler("seekreel.disconnected", {}, None)

    async def close(self) -> None:
        self._reader_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader_task
        with contextlib.suppress(OSError):
            os.close(self._write_fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]
