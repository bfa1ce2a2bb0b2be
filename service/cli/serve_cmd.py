"""`seekreel serve`: the HTTP API and the web editor under uvicorn."""

from __future__ import annotations

import errno
import ipaddress
import socket
import webbrowser
from typing import Annotated

import typer

from ..settings import get_settings
from .app import app, err_console, fail


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and names that resolve only to those (like localhost)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port, or a one-line error naming what is in the way."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        hint = (
            " (another program is using it; pick another with --port)"
            if exc.errno == errno.EADDRINUSE
            else ""
        )
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}{hint}")
    sock.set_inheritable(True)
    return sock


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port (default 8000).")] = None,
    open_access: Annotated[
        bool,
        typer.Option(
            "--open",
            help="Allow a non-loopback address with no API keys (anyone who can reach it may render).",
        ),
    ] = False,
    browser: Annotated[bool, typer.Option("--browser", help="Open the web editor in a browser.")] = False,
) -> None:
    """Run the HTTP API (docs at /docs) and the web editor (at /)."""
    import uvicorn

    from ..api import create_app
    from ..api.auth import AuthConfig

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    try:
        auth = AuthConfig.from_settings(settings)
    except ValueError as exc:
        fail(str(exc))
    if not auth.enabled and not is_loopback(host) and not (open_access or settings.allow_open):
        fail(
            f"refusing to serve on {host} with no API keys: anyone who can reach it could use it. "
            "Set SEEKREEL_API_KEYS (or SEEKREEL_OAUTH_CLIENTS), or pass --open / SEEKREEL_ALLOW_OPEN=1 "
            "to run open on purpose"
        )
    # Bind before anything else starts, so a port in use is one line here rather than
    # uvicorn's log lines and its own exit status.
    listening_socket = bind_socket(host, port)
    if not auth.enabled and not is_loopback(host):
        err_console.print(
            f"[yellow]warning:[/] serving on {host} with no API keys (open access)", soft_wrap=True
        )
    try:
        application = create_app(settings)
    except Exception as exc:  # e.g. the database URL cannot be opened
        fail(f"cannot start the service: {exc}")
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}/"
    err_console.print(
        f"seekreel: editor at {url}  ·  API docs at {url}docs  ·  data in {settings.data_dir}", soft_wrap=True
    )
    if browser:
        webbrowser.open(url)
    server = uvicorn.Server(uvicorn.Config(application, log_level="info", proxy_headers=True))
    server.run(sockets=[listening_socket])
