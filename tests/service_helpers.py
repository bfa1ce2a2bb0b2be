"""Helpers for the service tests: tiny compositions, settings in a temp dir, a real uvicorn on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from service.settings import Settings

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium: the browser the editor's tests drive (the renderer uses its headless shell)."""
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")

# 320x180, 1 s: at 10 fps a whole render is 10 frames.
TINY = """<!doctype html>
<html data-duration="{duration}" data-width="320" data-height="180">
<head>
<script type="application/json" id="hf-variables">{{"BG": "#102030", "LABEL": "hello"}}</script>
<style>body{{margin:0;background:{{{{$BG}}}};width:320px;height:180px;overflow:hidden}}
#box{{position:absolute;top:70px;width:40px;height:40px;background:#ff8800}}</style>
</head>
<body><div id="box"></div><p id="label">{{{{$LABEL}}}}</p>
<script>
  function render(t) {{ document.getElementById('box').style.left = (t * 200) + 'px'; }}
  addEventListener('hf-seek', e => render(e.detail.time));
  render(0);
</script>
</body></html>
"""


def tiny(duration: float = 1) -> str:
    return TINY.format(duration=f"{duration:g}")


THROWS_LATE = """<!doctype html>
<html data-duration="1" data-width="320" data-height="180">
<head><style>body{margin:0;background:#000}</style></head>
<body><div id="box"></div>
<script>
  function render(t) { if (t > 0.45) throw new Error('boom at the middle'); }
  addEventListener('hf-seek', e => render(e.detail.time));
  render(0);
</script>
</body></html>
"""


def sqlite_in_data_dir(_folder: Path) -> str | None:
    return None


database_for: Callable[[Path], str | None] = sqlite_in_data_dir
"""The database of a test's settings: None → SQLite in its data folder; `pytest --database
postgresql` (conftest.py) points it at a fresh PostgreSQL database per test folder."""


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings isolated in tmp_path, with the offline provider and no environment leaking in."""
    base: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "provider": "offline",
        "render_concurrency": 2,
        "queue_size": 16,
        "api_keys": None,
        "oauth_clients": None,
        "database_url": database_for(tmp_path),
    }
    base.update(overrides)
    return Settings(**base)


class LiveServer:
    """A real uvicorn serving `app` on 127.0.0.1 at a free port, in a thread, for the `with` block."""

    def __init__(self, app: FastAPI) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=10)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.sock.close()
