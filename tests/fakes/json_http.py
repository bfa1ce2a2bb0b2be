"""A tiny JSON-over-HTTP server on 127.0.0.1 (random port, own thread) for the model-provider fakes.

Each fake supplies `handle(request) -> Reply`; the server records every request so tests can
count retries and read what the client sent.
"""

from __future__ import annotations

import abc
import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from .loopback import LoopbackServer


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    """Lower-cased names."""
    body: Any
    """Parsed JSON, or None when the body was not JSON."""


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    """JSON-able, or bytes sent as they are (give their `content-type` in `headers`)."""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (to trip client timeouts)."""


class JsonServer(LoopbackServer):
    """`with JsonServer(handle) as srv:` → `srv.url` ('http://127.0.0.1:PORT'), `srv.requests`."""

    def __init__(self, handle: Callable[[Request], Reply]) -> None:
        self.handle = handle
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        super().__init__(self._handler_class())

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self._serve()

            def do_GET(self) -> None:
                self._serve()

            def _serve(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                request = Request(
                    method=self.command,
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                with server._lock:
                    server.requests.append(request)
                    reply = server.handle(request)
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                headers = {"content-type": "application/json", **reply.headers}
                self.send_response(reply.status)
                self.send_header("content-length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
                    self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return None

        return Handler


class ScriptedModelServer(JsonServer, abc.ABC):
    """A fake model API: checks the key and the model, then serves the script's items in order
    (text → the API's answer object, or a raw `Reply`); when the script runs out the last item repeats."""

    PATH = ""

    def __init__(self, script: list[str | Reply], *, api_key: str | None, models: tuple[str, ...]) -> None:
        self.script = list(script)
        self.api_key = api_key
        self.models = models
        self._served = 0
        super().__init__(self.handle_request)

    @property
    def model_requests(self) -> list[Request]:
        """The requests to the model endpoint (what a test counts for retries and reads for prompts)."""
        return [r for r in self.requests if r.path == self.PATH]

    def next_reply(self, model: str) -> Reply:
        item = self.script[min(self._served, len(self.script) - 1)]
        self._served += 1
        return self.answer(item, model) if isinstance(item, str) else item

    @abc.abstractmethod
    def handle_request(self, request: Request) -> Reply: ...

    @abc.abstractmethod
    def answer(self, text: str, model: str) -> Reply: ...
