"""Where a request may go: an http(s) URL whose host resolves, once, to addresses that pass the check.

The address that was checked is the address connected to (the caller pins it), so a name that
answers a public address to the check and a private one to the connection — DNS rebinding —
gets nowhere. Hosts named in `SEEKREEL_FETCH_ALLOW_HOSTS` (exact `host:port` pairs) skip the
address check but are still resolved once and pinned.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Sequence
from ipaddress import ip_address

import httpx

from .addresses import IPAddress, refusal_reason
from .errors import FetchFailed, FetchRefused

Resolver = Callable[[str, int], Awaitable[Sequence[IPAddress]]]
"""(host, port) → the addresses it resolves to, in the order to try them."""

HostPort = tuple[str, int]

SCHEMES = {"http": 80, "https": 443}


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """One getaddrinfo, run in asyncio's worker threads so the event loop never blocks on DNS."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchFailed(f"{host} does not resolve ({exc.strerror})") from exc
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        ip = ip_address(sockaddr[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


def parse_allowed_hosts(raw: str) -> frozenset[HostPort]:
    """`"127.0.0.1:8080, [::1]:9000, media.intranet:443"` → {(host, port), …}; ValueError names a bad entry."""
    pairs = set()
    for entry in filter(None, (part.strip() for part in raw.split(","))):
        host, sep, port = entry.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ValueError(f"SEEKREEL_FETCH_ALLOW_HOSTS: {entry!r} is not host:port")
        pairs.add((_normal_host(host), int(port)))
    return frozenset(pairs)


def parse_url(text: str) -> httpx.URL:
    """An absolute http(s) URL with a host, or FetchRefused saying what it is instead (without the URL)."""
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError) as exc:
        raise FetchRefused(f"not a valid URL ({exc})") from exc
    if url.scheme not in SCHEMES:
        what = f"{url.scheme}: URLs" if url.scheme else "relative paths"
        raise FetchRefused(f"{what} are not fetched; only http and https")
    if not url.host:
        raise FetchRefused("the URL has no host")
    return url


def host_port(url: httpx.URL) -> HostPort:
    return _normal_host(url.raw_host.decode("ascii")), url.port or SCHEMES[url.scheme]


async def checked_address(url: httpx.URL, *, allowed: frozenset[HostPort], resolver: Resolver) -> IPAddress:
    """The address to connect to for `url`; FetchRefused if any address its host resolves to is not public."""
    host, port = host_port(url)
    try:
        addresses = [ip_address(host)]  # a literal address needs no lookup
    except ValueError:
        addresses = list(await resolver(host, port))
    if not addresses:
        raise FetchFailed(f"{host} does not resolve")
    if (host, port) not in allowed:
        for ip in addresses:
            reason = refusal_reason(ip)
            if reason:
                named = str(ip) if str(ip) == host else f"{host} resolves to {ip}, which"
                raise FetchRefused(
                    f"{named} is {reason}; only public addresses are fetched "
                    "(SEEKREEL_FETCH_ALLOW_HOSTS exempts named host:port pairs)"
                )
    return addresses[0]


def _normal_host(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()
