"""A small pool of warm browsers shared by renders, so a render does not pay for a launch.

Browsers are keyed by device scale factor (Chromium applies it process-wide). A browser
that crashed, hung or was killed is dropped on release and replaced on the next acquire.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator

from .browser import Browser, BrowserKind, find_browser
from .render_options import default_workers


class BrowserPool:
    """Up to `size` browsers. With `keep_idle` False (a pool for one render, which will not ask
    again) a released browser is closed at once, in the background — while the render's other
    workers finish and its segments are joined — and `close()` waits for it."""

    def __init__(
        self,
        size: int | None = None,
        *,
        isolate_network: bool = True,
        browser: str | None = None,
        keep_idle: bool = True,
    ) -> None:
        self.size = max(1, size or default_workers())
        self.isolate_network = isolate_network
        self.keep_idle = keep_idle
        self._browser_pref = browser
        self._kind: BrowserKind | None = None
        self._idle: list[Browser] = []
        self._count = 0
        self._closed = False
        self._cond: asyncio.Condition | None = None
        self._closing: set[asyncio.Future[None]] = set()
        self._launched: weakref.WeakSet[Browser] = weakref.WeakSet()

    @property
    def kind(self) -> BrowserKind:
        if self._kind is None:
            self._kind = find_browser(self._browser_pref)
        return self._kind

    @contextlib.asynccontextmanager
    async def browser(self, scale: float = 1.0) -> AsyncIterator[Browser]:
        """A browser for one worker's exclusive use; returned to the pool afterwards."""
        b = await self._acquire(scale)
        try:
            yield b
        finally:
            await self._release(b)

    async def _acquire(self, scale: float) -> Browser:
        cond = self._condition()
        evict: Browser | None = None
        async with cond:
            while True:
                if self._closed:
                    raise RuntimeError("browser pool is closed")
                for b in list(self._idle):
                    if not b.alive:
                        self._idle.remove(b)
                        self._count -= 1
                        self._close_later(b)
                    elif abs(b.scale - scale) < 1e-9:
                        self._idle.remove(b)
                        return b
                if self._count < self.size:
                    break
                if self._idle:  # idle, but at another scale: make room
                    evict = self._idle.pop(0)
                    self._count -= 1
                    break
                await cond.wait()
            self._count += 1
        if evict is not None:
            await evict.close()
        try:
            browser = await Browser.launch(scale=scale, kind=self.kind, isolate_network=self.isolate_network)
        except BaseException:
            async with cond:
                self._count -= 1
                cond.notify()
            raise
        self._launched.add(browser)
        return browser

    async def _release(self, b: Browser) -> None:
        cond = self._condition()
        async with cond:
            keep = b.alive and self.keep_idle and not self._closed
            if keep:
                self._idle.append(b)
            else:
                self._count -= 1
                closing = self._close_later(b)
            cond.notify()
        if not keep and self._closed:  # the pool's close() may have come and gone: wait here
            await closing

    def _close_later(self, b: Browser) -> asyncio.Future[None]:
        """Close `b` without waiting for it; `close()` waits for every such close."""
        closing = asyncio.ensure_future(b.close())
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)
        return closing

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        self._count -= len(idle)
        await asyncio.gather(*(b.close() for b in idle), *self._closing, return_exceptions=True)
        if self._cond is not None:
            async with self._cond:
                self._cond.notify_all()

    def kill(self) -> None:
        """SIGKILL every browser of the pool, and all it started, at once: for a process that must
        drop its work now and cannot wait for a clean close (a time limit, a terminate signal).
        The browsers count as crashed: the pool replaces them on the next acquire."""
        for b in list(self._launched):
            b.kill()

    async def __aenter__(self) -> BrowserPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _condition(self) -> asyncio.Condition:
        if self._cond is None:
            self._cond = asyncio.Condition()
        return self._cond


@contextlib.asynccontextmanager
async def pool_or_temporary(pool: BrowserPool | None, size: int) -> AsyncIterator[BrowserPool]:
    """The caller's pool, or a pool just for this call: it closes each browser as soon as its
    worker is done with it, and waits for every close on the way out."""
    if pool is not None:
        yield pool
        return
    temp = BrowserPool(size, keep_idle=False)
    try:
        yield temp
    finally:
        await temp.close()
