"""Finding and starting Chromium: one process per `Browser`, spoken to over a pipe.

Debian's `chromium-headless-shell` is preferred: it supports `HeadlessExperimental.beginFrame`,
so each frame is produced exactly when asked. Where only the full `chromium` exists, it
runs in new-headless mode and frames are taken with `Page.captureScreenshot` (slower,
and the renderer warns about it).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import shutil
import signal
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from .cdp import CDPConnection
from .errors import BrowserUnavailable
from .fonts import fontconfig_file
from .isolation import NETWORK_FLAGS, netns_prefix
from .tabs import TabMaker

HEADLESS_SHELL_CANDIDATES = (
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/bin/chromium-headless-shell",
)
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")

DETERMINISM_FLAGS = (
    "--deterministic-mode",
    "--enable-begin-frame-control",
    "--run-all-compositor-stages-before-draw",
    "--disable-new-content-rendering-timeout",
    "--disable-threaded-animation",
    "--disable-threaded-scrolling",
    "--disable-checker-imaging",
    "--disable-image-animation-resync",
)
COMMON_FLAGS = (
    "--remote-debugging-pipe",
    "--no-sandbox",  # Chromium's own sandbox needs a setuid helper or user namespaces; we add our own layers.
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--font-render-hinting=none",
    "--disable-lcd-text",
    "--disable-font-subpixel-positioning",
    "--force-color-profile=srgb",
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-ipc-flooding-protection",
    "--disable-hang-monitor",
    "--disable-extensions",
    "--disable-popup-blocking",
    "--allow-pre-commit-input",
    "--js-flags=--max-old-space-size=1024",
    *NETWORK_FLAGS,
)


@dataclass(frozen=True)
class BrowserKind:
    path: str
    begin_frame: bool

    @property
    def label(self) -> str:
        return (
            "chromium-headless-shell (beginFrame)"
            if self.begin_frame
            else "chromium new-headless (screenshots)"
        )


def find_browser(prefer: str | None = None) -> BrowserKind:
    """The browser to use: $SEEKREEL_BROWSER (or `prefer`) if set, else headless shell, else chromium."""
    explicit = prefer or os.environ.get("SEEKREEL_BROWSER")
    if explicit:
        path = shutil.which(explicit) or explicit
        if not os.access(path, os.X_OK):
            raise BrowserUnavailable(f"SEEKREEL_BROWSER={explicit} is not an executable file")
        return BrowserKind(path, "headless-shell" in os.path.basename(path))
    for cand in HEADLESS_SHELL_CANDIDATES:
        if os.access(cand, os.X_OK):
            return BrowserKind(cand, True)
    for cand in CHROMIUM_CANDIDATES:
        if os.access(cand, os.X_OK):
            return BrowserKind(cand, False)
    raise BrowserUnavailable(
        "no Chromium found: install Debian's chromium-headless-shell (run `make setup`) "
        "or set SEEKREEL_BROWSER to a Chromium binary"
    )


class Browser:
    """A running Chromium process with its CDP connection. Create with `await Browser.launch()`."""

    def __init__(
        self,
        kind: BrowserKind,
        scale: float,
        proc: asyncio.subprocess.Process,
        conn: CDPConnection,
        profile: Path,
        isolated_network: bool,
    ) -> None:
        self.kind = kind
        self.scale = scale
        self.proc = proc
        self.conn = conn
        self.isolated_network = isolated_network
        self._profile = profile
        self.broken = False
        self.tabs = TabMaker(conn, begin_frame=kind.begin_frame)

    @classmethod
    async def launch(
        cls, *, scale: float = 1.0, kind: BrowserKind | None = None, isolate_network: bool = True
    ) -> Browser:
        kind = kind or find_browser()
        if not kind.begin_frame:
            warnings.warn(
                "chromium-headless-shell not found: falling back to new-headless chromium with "
                "Page.captureScreenshot (slower; install chromium-headless-shell for frame-exact capture)",
                RuntimeWarning,
                stacklevel=2,
            )
        prefix = netns_prefix() if isolate_network else ()
        profile = Path(tempfile.mkdtemp(prefix="seekreel-browser-"))
        args = [
            *prefix,
            kind.path,
            *COMMON_FLAGS,
            *(DETERMINISM_FLAGS if kind.begin_frame else ("--headless=new",)),
            f"--force-device-scale-factor={scale:.6f}",
            f"--user-data-dir={profile}",
            "about:blank",
        ]
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(fontconfig_file())
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()

        def child_setup() -> None:  # runs in the child between fork and exec
            read_end, write_end = os.dup(to_browser_r), os.dup(from_browser_w)  # never clobbered by 3/4
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)
            _die_with_parent()

        try:
            proc = await asyncio.create_subprocess_exec(
                *args,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
                pass_fds=(3, 4),
                preexec_fn=child_setup,
                start_new_session=True,
                env=env,
            )
        except OSError as exc:
            shutil.rmtree(profile, ignore_errors=True)
            raise BrowserUnavailable(f"cannot start {kind.path}: {exc}") from exc
        finally:
            os.close(to_browser_r)
            os.close(from_browser_w)
        conn = await CDPConnection.open(from_browser_r, to_browser_w)
        browser = cls(kind, scale, proc, conn, profile, bool(prefix))
        try:
            await asyncio.wait_for(conn.send("Browser.getVersion"), 30)
        except Exception as exc:
            await browser.close()
            raise BrowserUnavailable(f"{kind.path} started but did not answer: {exc}") from exc
        return browser

    @property
    def alive(self) -> bool:
        return not self.broken and self.proc.returncode is None and not self.conn.closed

    def kill(self) -> None:
        """SIGKILL the browser's process group (it and every process it started) and remove its
        profile; no waiting."""
        self.broken = True
        self.tabs.discard()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self._profile, ignore_errors=True)

    async def close(self) -> None:
        """Stop the browser and every process it started; safe to call twice."""
        self.broken = True
        if self.proc.returncode is None and not self.conn.closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.conn.send("Browser.close"), 2)
        self.kill()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.proc.wait(), 10)
        await self.conn.close()
        shutil.rmtree(self._profile, ignore_errors=True)


def _die_with_parent() -> None:
    """Linux: the browser gets SIGKILL if the Python process dies, so none is left behind."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
