"""A media host on 127.0.0.1 for fetch tests: fixed routes, redirects, chunked bodies, stalls, TLS.

Counts every request (path and Host header), so a test can prove a URL was never reached.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from .loopback import LoopbackServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/octet-stream"
    """What the server claims; the fetcher must not believe it."""
    chunked: bool = False
    """Send with `Transfer-Encoding: chunked` (no Content-Length)."""
    declared_length: int | None = None
    """A Content-Length to announce instead of the body's real length."""
    stall: float = 0.0
    """Seconds to wait before answering at all."""
    trickle: float = 0.0
    """Seconds to wait between body chunks of 1 KiB (a slow drip)."""


def redirect(location: str, status: int = 302) -> Route:
    return Route(status=status, headers={"Location": location})


@dataclass(frozen=True)
class Hit:
    path: str
    host: str


class MediaServer(LoopbackServer):
    """`with MediaServer({"/cat.gif": Route(gif)}) as srv:` → `srv.url`, `srv.host_port`, `srv.hits`.

    Unknown paths answer 404. With `tls` (a server SSLContext) it speaks HTTPS.
    """

    def __init__(self, routes: dict[str, Route] | None = None, *, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        super().__init__(self._handler_class())
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
            self.scheme = "https"

    def __exit__(self, *exc: object) -> None:
        self._stop.set()  # ends stalls and trickles early
        super().__exit__(*exc)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with server._lock:
                    server.hits.append(Hit(self.path, self.headers.get("Host", "")))
                route = server.routes.get(
                    self.path, Route(b"not found", status=404, content_type="text/plain")
                )
                if route.stall and server._stop.wait(route.stall):
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    length = len(route.body) if route.declared_length is None else route.declared_length
                    self.send_header("Content-Length", str(length))
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(OSError):  # the client hung up: that is what some tests want
                    self._write_body(route)

            def _write_body(self, route: Route) -> None:
                step = 1024 if route.trickle else 64 * 1024
                for start in range(0, len(route.body), step):
                    piece = route.body[start : start + step]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if route.chunked else piece)
                    self.wfile.flush()
                    if route.trickle and server._stop.wait(route.trickle):
                        return
                if route.chunked:
                    self.wfile.write(b"0\r\n\r\n")

            def log_message(self, *args: object) -> None:
                return None

        return Handler
