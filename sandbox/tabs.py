"""Fresh tabs for a browser, the next one made ahead while the browser waits.

Every page gets a tab of its own in a browser context of its own, never used before; what
costs is the tab's renderer process starting (≈ 50 ms, more on a busy machine). So when a
page gives its tab back, the tab is disposed of and the next one (same size) started in the
background, and the next page of this browser — the next preview, probe or segment — finds
it ready. A tab made ahead has shown only about:blank: it is as fresh as one made on
demand. Requests are only intercepted once a page has taken the tab (`Fetch.enable` is the
taker's), so none can be paused with nobody to answer it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from .cdp import CDPConnection, CDPError

T = TypeVar("T")
CHECK_TIMEOUT = 2.0
"""How long a tab made ahead may take to show it is still alive before another is made."""


@dataclass(frozen=True)
class Tab:
    context_id: str
    target_id: str
    """Also the id of the tab's main frame."""
    session_id: str
    size: tuple[int, int]


class TabMaker:
    """One per browser: `take` a fresh tab of a layout size; one is kept in the making."""

    def __init__(self, conn: CDPConnection, *, begin_frame: bool) -> None:
        self._conn = conn
        self._begin_frame = begin_frame
        self._ahead: asyncio.Task[Tab] | None = None
        self._pending: set[asyncio.Task[Any]] = set()
        """Background work: tabs being disposed of or made ahead."""

    async def take(self, width: int, height: int) -> Tab:
        """A tab nobody has used, attached (flattened session), with Page, Runtime and Log enabled."""
        tab = await self._made_ahead((width, height))
        return tab if tab is not None else await self._make((width, height))

    def give_back(self, tab: Tab) -> None:
        """Dispose of a page's tab and make the next one, both in the background: the page's
        caller goes on at once, and the renderer process starts while the browser waits."""
        if self._ahead is None:
            self._ahead = self._background(self._replace(tab))
        else:
            self._background(self.dispose(tab.context_id))

    def discard(self) -> None:
        """Stop the background work (the browser is going away, and its tabs with it)."""
        for task in self._pending:
            task.cancel()
        self._ahead = None

    async def _made_ahead(self, size: tuple[int, int]) -> Tab | None:
        """The tab made ahead, if it is of this size and still there; else it is disposed of."""
        ahead, self._ahead = self._ahead, None
        if ahead is None:
            return None
        try:
            tab = await ahead
        except Exception:  # the browser will say why when the tab is made again on demand
            return None
        if tab.size == size:
            try:  # its renderer may have gone while it waited, unseen: then it does not answer
                await asyncio.wait_for(
                    self._conn.send("Runtime.evaluate", {"expression": "0"}, tab.session_id), CHECK_TIMEOUT
                )
                return tab
            except (CDPError, TimeoutError):
                pass
        await self.dispose(tab.context_id)
        return None

    async def _replace(self, tab: Tab) -> Tab:
        await self.dispose(tab.context_id)
        return await self._make(tab.size)

    def _background(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.ensure_future(work)
        self._pending.add(task)
        task.add_done_callback(self._chore_done)
        return task

    def _chore_done(self, task: asyncio.Task[Any]) -> None:
        """A tab made ahead that failed is made again on demand: its error is not left unretrieved."""
        self._pending.discard(task)
        if not task.cancelled():
            task.exception()

    async def _make(self, size: tuple[int, int]) -> Tab:
        conn = self._conn
        ctx = await conn.send("Target.createBrowserContext", {"disposeOnDetach": True})
        context_id = ctx["browserContextId"]
        params: dict[str, Any] = {
            "url": "about:blank",
            "browserContextId": context_id,
            "width": size[0],
            "height": size[1],
        }
        if self._begin_frame:
            params["enableBeginFrameControl"] = True
        try:
            target = await conn.send("Target.createTarget", params)
            attached = await conn.send(
                "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
            )
            session = attached["sessionId"]
            await asyncio.gather(
                *(
                    conn.send(method, params, session)
                    for method, params in (
                        ("Page.enable", {}),
                        ("Runtime.enable", {}),
                        ("Log.enable", {}),
                        ("Page.setBypassCSP", {"enabled": False}),
                    )
                )
            )
        except BaseException:
            await asyncio.shield(self.dispose(context_id))
            raise
        return Tab(context_id, target["targetId"], session, size)

    async def dispose(self, context_id: str) -> None:
        """Close a tab's browser context (and the tab); quietly, as the browser may be gone."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                self._conn.send("Target.disposeBrowserContext", {"browserContextId": context_id}), 5
            )
