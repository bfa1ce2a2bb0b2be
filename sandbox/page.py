"""One composition loaded in one browser tab: load, seek to t, capture the frame.

Each `PageSession` lives in a fresh tab in a browser context of its own (no shared cache,
storage or process with another render; see tabs.py) and answers every request the page
makes through a `RequestPolicy`. Time moves only through `seek()`; pixels only through
`capture()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Self

import pybase64

from .browser import Browser
from .cdp import BrowserGone, CDPError
from .errors import PageCrashed, PageError, RenderError, SeekTimeout
from .isolation import DOC_URL, RequestPolicy
from .tabs import Tab

_RUNTIME_JS = resources.files(__package__).joinpath("runtime.js").read_text(encoding="utf-8")
DEFAULT_SEED = 0x5EE4
FRAME_TIMEOUT = 60.0
FORCE_ATTEMPTS = 6
_CSP_URL_RE = re.compile(
    r"'((?:https?|wss?|file|ftp)://[^']+)' violates the following Content Security Policy"
)


@dataclass(frozen=True)
class PageErrorInfo:
    """An uncaught error in the page, recorded rather than raised: its message and composition time."""

    message: str
    time: float | None


@dataclass(frozen=True)
class TimerCall:
    """The page's own code called a timer during one seek, or while loading."""

    name: str
    """"setTimeout", "setInterval" or "requestAnimationFrame"."""
    time: float | None
    """The seek (composition time, seconds) the calls happened in; None while loading."""
    line: int | None
    """Document line of the first of these calls, when the browser knows it."""


@dataclass
class PageState:
    errors: list[PageErrorInfo] = field(default_factory=list)
    crashed: asyncio.Future[str] | None = None


def runtime_script(seed: int, wait_budget_ms: int) -> str:
    return _RUNTIME_JS.replace("__SEEKREEL_SEED__", str(seed & 0xFFFFFFFF)).replace(
        "__SEEKREEL_WAIT_MS__", str(int(wait_budget_ms))
    )


class PageSession:
    """A tab holding one composition. Use `async with PageSession.open(...) as page`."""

    def __init__(self, browser: Browser, width: int, height: int, fps: float) -> None:
        self.browser = browser
        self.width, self.height, self.fps = width, height, fps
        self.state = PageState()
        self._tab: Tab | None = None
        self._session: str | None = None
        self._policy: RequestPolicy | None = None
        self._frame_no = 0
        self._time: float | None = None
        self._loaded: asyncio.Event = asyncio.Event()
        self._unlisten: Callable[[], None] = lambda: None
        self._script_installed = False
        self._main_frame: str | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, browser: Browser, width: int, height: int, fps: float) -> AsyncIterator[Self]:
        page = cls(browser, width, height, fps)
        try:
            await page._create()
            yield page
        finally:
            await page.close()

    async def _create(self) -> None:
        self.state.crashed = asyncio.get_running_loop().create_future()
        self._unlisten = self.browser.conn.add_listener(self._on_event)
        with self._browser_errors("a new tab"):
            self._tab = await self.browser.tabs.take(self.width, self.height)
        self._session = self._tab.session_id
        self._main_frame = self._tab.target_id  # a tab's main frame id is its target id
        await self._send("Fetch.enable", {"patterns": [{"urlPattern": "*", "requestStage": "Request"}]})
        if not self.browser.kind.begin_frame:
            await self._send(
                "Emulation.setDeviceMetricsOverride",
                {
                    "width": self.width,
                    "height": self.height,
                    "deviceScaleFactor": self.browser.scale,
                    "mobile": False,
                },
            )

    async def load(
        self, html: str, *, assets_dir: Path | None, seed: int, timeout: float, wait_ms: int
    ) -> None:
        """Navigate to the composition; returns once it has loaded and its fonts are ready."""
        self._policy = RequestPolicy(html, assets_dir)
        self._loaded.clear()
        self._time = None  # (frame ticks keep counting: Chromium needs them to increase monotonically)
        self.state.errors.clear()
        if not self._script_installed:
            await self._send(
                "Page.addScriptToEvaluateOnNewDocument", {"source": runtime_script(seed, wait_ms)}
            )
            self._script_installed = True
        try:
            async with asyncio.timeout(timeout):
                nav = await self._send("Page.navigate", {"url": DOC_URL})
                if nav.get("errorText"):
                    raise RenderError(f"the page could not be loaded: {nav['errorText']}")
                await self._race(self._loaded.wait())
        except TimeoutError:
            raise RenderError(f"the page did not finish loading within {timeout:g} s") from None

    async def seek(self, t: float, timeout: float) -> None:
        """Move the page's clock to t: timers, rAF, animations and hf-seek listeners run."""
        self._time = t
        try:
            async with asyncio.timeout(timeout):
                res = await self._race(
                    self._send(
                        "Runtime.evaluate",
                        {
                            "expression": f"window.__seekreel.seek({t!r})",
                            "awaitPromise": True,
                            "returnByValue": True,
                        },
                    )
                )
        except RenderError:
            self.raise_if_errors()  # the page's own error (e.g. it navigated away) says more
            raise
        except TimeoutError:
            # The page's main thread may be stuck in a loop: this browser is no longer usable.
            self.browser.broken = True
            raise SeekTimeout(
                f"seeking to t={t:.3f}s took longer than {timeout:g} s "
                "(an endless loop or a waitUntil promise that never settles?)"
            ) from None
        if "exceptionDetails" in res:
            raise PageError(_exception_text(res["exceptionDetails"]), t)

    async def capture(self, fmt: str = "jpeg", quality: int = 92, *, force: bool = False) -> bytes | None:
        """The frame as image bytes; None when nothing changed since the previous capture.

        With beginFrame, Chromium sends no picture for a frame without damage. `force`
        makes an invisible change first so that a picture always comes back.
        """
        shot: dict[str, Any] = {"format": fmt}
        if fmt == "jpeg":
            shot["quality"] = quality
        elif fmt == "png":
            shot["optimizeForSpeed"] = True  # zlib's fast mode: still lossless
        if not self.browser.kind.begin_frame:
            res = await self._race(
                self._send("Page.captureScreenshot", {**shot, "captureBeyondViewport": False})
            )
            return pybase64.b64decode(res["data"])
        data = await self._begin_frame(shot)
        for attempt in range(FORCE_ATTEMPTS if force else 0):
            if data is not None:
                break
            # Seen on a loaded machine right after a reload: a frame without damage even though
            # nothing was drawn yet. Nudge, give the renderer a moment, ask again.
            await self._race(self._send("Runtime.evaluate", {"expression": "window.__seekreel.nudge()"}))
            if attempt:
                await asyncio.sleep(0.05 * attempt)
            data = await self._begin_frame(shot)
        return pybase64.b64decode(data) if data else None

    async def draw(self) -> None:
        """Run the page's rendering for the current time as `capture` does, without the picture
        (no readback, no encode). Without beginFrame the browser draws on its own."""
        if self.browser.kind.begin_frame:
            await self._begin_frame(None)

    async def _begin_frame(self, shot: dict[str, Any] | None) -> str | None:
        interval = 1000.0 / self.fps
        self._frame_no += 1
        params: dict[str, Any] = {"frameTimeTicks": 1000.0 + self._frame_no * interval, "interval": interval}
        if shot is not None:
            params["screenshot"] = shot
        try:
            async with asyncio.timeout(FRAME_TIMEOUT):
                res = await self._race(self._send("HeadlessExperimental.beginFrame", params))
        except TimeoutError:
            self.browser.broken = True
            raise RenderError(f"the browser produced no frame within {FRAME_TIMEOUT:g} s") from None
        data = res.get("screenshotData")
        return None if data is None else str(data)

    async def timer_calls(self) -> list[TimerCall]:
        """Which timers the page's own code called, and when, since it loaded.

        However a script spells the name, the call lands in the runtime's virtual timers,
        which note it: this sees what no reading of the source can.
        """
        res = await self._race(
            self._send(
                "Runtime.evaluate",
                {"expression": "window.__seekreel.timerCalls()", "returnByValue": True},
            )
        )
        if "exceptionDetails" in res:
            raise PageError(_exception_text(res["exceptionDetails"]), self._time)
        return [TimerCall(**record) for record in res["result"]["value"]]

    @property
    def refused_requests(self) -> list[str]:
        return list(self._policy.refused) if self._policy else []

    async def close(self) -> None:
        self._unlisten()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._tab is not None and self.browser.alive:
            self.browser.tabs.give_back(self._tab)
        self._tab = None

    # --- plumbing ------------------------------------------------------------------------

    async def _send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        with self._browser_errors(method):
            return await self.browser.conn.send(method, params, self._session)

    @contextlib.contextmanager
    def _browser_errors(self, what: str) -> Iterator[None]:
        """The browser's protocol errors as the renderer's: gone → PageCrashed, refused → RenderError."""
        try:
            yield
        except BrowserGone as exc:
            self.browser.broken = True
            raise PageCrashed(f"the browser exited during the render ({exc})") from None
        except CDPError as exc:
            raise RenderError(f"browser refused {what}: {exc}") from None

    async def _race(self, aw: Any) -> Any:
        """Await `aw`, but fail at once if the page crashes meanwhile.

        `aw` runs as a task of its own, and `asyncio.wait` leaves it running when this
        coroutine is cancelled (a seek's timeout). So it is finished here on every way out;
        else it would fail later, when the browser is closed, with nobody to hear it.
        """
        assert self.state.crashed is not None
        task = asyncio.ensure_future(aw)
        try:
            done, _ = await asyncio.wait({task, self.state.crashed}, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                return task.result()
            self.browser.broken = True
            raise PageCrashed(self.state.crashed.result())
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def raise_if_errors(self) -> None:
        """Uncaught page errors so far, as a PageError naming the first one and its time."""
        if self.state.errors:
            first = self.state.errors[0]
            raise PageError(first.message, first.time)

    def _on_event(self, method: str, params: dict[str, Any], session: str | None) -> None:
        if method == "seekreel.disconnected":
            self._crash("the browser process exited")
            return
        if session != self._session:
            if method == "Target.detachedFromTarget" and params.get("sessionId") == self._session:
                self._crash("the page's renderer process went away")
            return
        if method == "Fetch.requestPaused":
            task = asyncio.ensure_future(self._answer(params))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif method == "Page.loadEventFired":
            self._loaded.set()
        elif method == "Page.frameNavigated":
            frame = params.get("frame", {})
            if not frame.get("parentId") and frame.get("url") not in (DOC_URL, "about:blank"):
                self.state.errors.append(
                    PageErrorInfo(
                        f"the page navigated away to {frame.get('url')} (a composition may not navigate)",
                        self._time,
                    )
                )
        elif method == "Runtime.exceptionThrown":
            self.state.errors.append(PageErrorInfo(_exception_text(params["exceptionDetails"]), self._time))
        elif method == "Log.entryAdded" and self._policy is not None:
            entry = params.get("entry", {})
            if entry.get("source") == "security":
                # Requests the CSP stopped before interception saw them: refused all the same.
                self._policy.refused.extend(_CSP_URL_RE.findall(entry.get("text", "")))
        elif method == "Inspector.targetCrashed":
            self._crash("the page crashed (out of memory or a renderer fault)")

    def _crash(self, why: str) -> None:
        if self.state.crashed is not None and not self.state.crashed.done():
            self.state.crashed.set_result(why)

    async def _answer(self, params: dict[str, Any]) -> None:
        assert self._policy is not None
        rid = params["requestId"]
        url = params["request"]["url"]
        if (
            params.get("resourceType") == "Document"
            and params.get("frameId") == self._main_frame
            and url != DOC_URL
        ):
            self.state.errors.append(
                PageErrorInfo(
                    f"the page tried to navigate to {url} (a composition may not navigate)", self._time
                )
            )
        resp = self._policy.answer(url)
        with contextlib.suppress(Exception):
            if resp is None:
                await self._send("Fetch.failRequest", {"requestId": rid, "errorReason": "BlockedByClient"})
            else:
                await self._send(
                    "Fetch.fulfillRequest",
                    {
                        "requestId": rid,
                        "responseCode": resp.status,
                        "responseHeaders": [{"name": k, "value": v} for k, v in resp.headers.items()],
                        "body": pybase64.b64encode(resp.body).decode(),
                    },
                )


def _exception_text(details: dict[str, Any]) -> str:
    exc = details.get("exception") or {}
    text = exc.get("description") or details.get("text") or "uncaught error"
    first = str(text).strip().splitlines()[0] if str(text).strip() else "uncaught error"
    line = details.get("lineNumber")
    return f"{first} (line {line + 1})" if isinstance(line, int) and line >= 0 else first
