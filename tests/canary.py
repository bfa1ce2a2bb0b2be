"""Loopback canaries for the exfiltration tests: servers that count everything that reaches them.

A canary listens on several loopback addresses (127.0.0.1, 127.0.0.2 — Linux routes all of
127/8 to `lo` — and ::1 when IPv6 is up, all on one port) and counts every TCP connection and every HTTP
request of any method, plus every UDP datagram on 127.0.0.1 (WebRTC STUN, QUIC). A page
under test must not make any of these counters move. Only loopback addresses are used.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOOPBACK_V4 = ("127.0.0.1", "127.0.0.2")
LOOPBACK_V6 = "::1"
CANARY_BODY = b"/* canary */"  # harmless as script, style sheet or text


@dataclass(frozen=True)
class Hit:
    """One thing that reached a canary: an HTTP request, a bare connection or a datagram."""

    kind: str  # "http", "tcp" or "udp"
    address: str  # the canary address it reached
    detail: str  # the request line, the peer, or the first bytes of a datagram
    path: str = ""  # HTTP only: the request path
    host: str = ""  # HTTP only: the Host header (how the page addressed the canary)


class _Log:
    """Thread-safe list of hits shared by all listeners of one canary."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: list[Hit] = []

    def add(self, hit: Hit) -> None:
        with self._lock:
            self._hits.append(hit)

    def snapshot(self) -> list[Hit]:
        with self._lock:
            return list(self._hits)


def _handler_class(log: _Log, address: str) -> type[BaseHTTPRequestHandler]:
    class CountingHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def handle_one_request(self) -> None:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True
                return
            line = self.raw_requestline.decode("latin-1", "replace").strip()[:200]
            parsed = self.parse_request()  # answers malformed requests itself
            host = self.headers.get("Host", "") if parsed else ""
            path = self.path if parsed else ""
            log.add(Hit("http", address, line, path, host))  # any method, any path, even garbage
            if not parsed:
                return
            body = CANARY_BODY
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                with contextlib.suppress(OSError):
                    self.wfile.write(body)
            self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    return CountingHandler


class _QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self) -> None:
        # HTTPServer.server_bind would look the address up with getfqdn(): a DNS query, not loopback.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]


class _CountingHTTPServer(_QuietHTTPServer):
    """Also counts accepted connections, so a connection that never sends a request counts."""

    def __init__(self, address: str, port: int, log: _Log) -> None:
        self.address_family = socket.AF_INET6 if ":" in address else socket.AF_INET
        self._log = log
        self.address = address
        super().__init__((address, port), _handler_class(log, address))

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, peer = super().get_request()
        self._log.add(Hit("tcp", self.address, f"connection from {peer[0]}"))
        return conn, peer


def _bind_all_on_one_port(log: _Log) -> list[_CountingHTTPServer]:
    """HTTP canaries on 127.0.0.1, 127.0.0.2 and (if IPv6 is up) ::1, all on one free port."""
    servers = [_CountingHTTPServer(LOOPBACK_V4[0], 0, log)]
    port = servers[0].server_address[1]
    try:
        servers.append(_CountingHTTPServer(LOOPBACK_V4[1], port, log))
        try:
            servers.append(_CountingHTTPServer(LOOPBACK_V6, port, log))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise
            # no IPv6 loopback on this machine: the IPv4 addresses still run
    except OSError:
        for server in servers:
            server.server_close()
        raise
    return servers


class Canary:
    """`with Canary() as canary:` → `canary.http_bases`, `canary.udp_port`, `canary.hits()`."""

    def __init__(self) -> None:
        self._log = _Log()
        self._servers: list[_CountingHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self._udp: socket.socket | None = None
        self._stop = threading.Event()

    # --- addresses -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The one HTTP port, shared by every canary address (so `localhost` hits either family)."""
        return self._servers[0].server_address[1]

    @property
    def addresses(self) -> list[str]:
        return [s.address for s in self._servers]

    @property
    def has_ipv6(self) -> bool:
        return LOOPBACK_V6 in self.addresses

    @property
    def http_bases(self) -> list[str]:
        """`http://host:port` for every way of addressing the canary: 127.0.0.1, 127.0.0.2, localhost, [::1]."""
        hosts = [*LOOPBACK_V4, "localhost"] + (["[::1]"] if self.has_ipv6 else [])
        return [f"http://{host}:{self.port}" for host in hosts]

    @property
    def udp_port(self) -> int:
        assert self._udp is not None
        return self._udp.getsockname()[1]

    # --- counters ------------------------------------------------------------------------

    def hits(self) -> list[Hit]:
        return self._log.snapshot()

    def count(self) -> int:
        return len(self._log.snapshot())

    def wait_quiet(self, seconds: float = 1.0) -> list[Hit]:
        """Let late traffic (a beacon, a ping, a pending navigation) arrive, then report all hits."""
        time.sleep(seconds)
        return self.hits()

    # --- lifecycle -----------------------------------------------------------------------

    def __enter__(self) -> Canary:
        for _ in range(20):
            try:
                servers = _bind_all_on_one_port(self._log)
                break
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
        else:
            raise OSError("no port free on every loopback address")
        for server in servers:
            self._serve(server)
        self._udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._udp.bind(("127.0.0.1", 0))
        self._udp.settimeout(0.1)
        thread = threading.Thread(target=self._receive_udp, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._udp is not None:
            self._udp.close()

    def _serve(self, server: _CountingHTTPServer) -> None:
        self._servers.append(server)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _receive_udp(self) -> None:
        assert self._udp is not None
        while not self._stop.is_set():
            try:
                data, peer = self._udp.recvfrom(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            self._log.add(Hit("udp", "127.0.0.1", f"{len(data)} bytes from {peer[0]}: {data[:16].hex()}"))


@contextlib.contextmanager
def serve_page(html: str) -> Iterator[str]:
    """Serve one HTML document on 127.0.0.1 and yield its URL. Not a canary: nothing is counted.

    For the control run, where a plain browser loads the attack page over HTTP.
    """
    body = html.encode("utf-8")

    class PageHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = _QuietHTTPServer(("127.0.0.1", 0), PageHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/page.html"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
