"""GET one user-supplied URL safely: checked and pinned per hop, bounded in time and size, sniffed.

httpx does the HTTP. Pinning uses its documented `sni_hostname` request extension: the request
goes to the checked IP address while the `Host` header and the TLS server name (so certificate
verification) stay the URL's host — no second lookup can happen between check and connection.
Redirects are followed here rather than by httpx, so every hop goes through the same check.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import certifi
import httpx

from service.byte_sizes import size_text
from service.settings import Settings

from .destination import Resolver, checked_address, parse_allowed_hosts, parse_url, system_resolver
from .errors import FetchError, FetchFailed, FetchRefused
from .sniff import MEDIA_TYPES, SNIFF_BYTES, accepted_media_type

MAX_REDIRECTS = 5
USER_AGENT = "seekreel (media fetcher)"


@dataclass(frozen=True)
class Fetched:
    url: str
    """What was asked for."""
    final_url: str
    """Where the body came from, after redirects."""
    content_type: str
    """Sniffed from the bytes; the server's Content-Type is not trusted."""
    data: bytes


async def fetch_url(
    url: str,
    *,
    settings: Settings,
    max_bytes: int | None = None,
    accept: Collection[str] = MEDIA_TYPES,
    resolver: Resolver = system_resolver,
) -> Fetched:
    """The body of `url` if it is one of the `accept` types (MIME), else FetchRefused/FetchFailed.

    `max_bytes` overrides `settings.fetch_max_bytes`; `resolver` is for tests that must not
    touch DNS.
    """
    cap = settings.fetch_max_bytes if max_bytes is None else max_bytes
    allowed = parse_allowed_hosts(settings.fetch_allow_hosts)
    async with httpx.AsyncClient(
        trust_env=False,  # proxy variables would send the request somewhere unchecked
        follow_redirects=False,
        timeout=httpx.Timeout(settings.fetch_timeout),
        verify=_tls_context(settings.fetch_ca_bundle),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
    ) as client:
        try:
            async with asyncio.timeout(settings.fetch_deadline):
                return await _follow(client, url, allowed=allowed, resolver=resolver, cap=cap, accept=accept)
        except TimeoutError as exc:
            raise FetchFailed(f"{url}: not fetched within {settings.fetch_deadline:g} s") from exc
        except httpx.TimeoutException as exc:
            raise FetchFailed(f"{url}: timed out ({_what(exc)})") from exc
        except httpx.HTTPError as exc:
            raise FetchFailed(f"{url}: {_what(exc)}") from exc


async def _follow(
    client: httpx.AsyncClient,
    url: str,
    *,
    allowed: frozenset[tuple[str, int]],
    resolver: Resolver,
    cap: int,
    accept: Collection[str],
) -> Fetched:
    target = url
    for _ in range(MAX_REDIRECTS + 1):
        try:
            current = parse_url(target)
            ip = await checked_address(current, allowed=allowed, resolver=resolver)
        except FetchError as exc:
            hop = "" if target == url else f" (redirected to {target})"
            raise type(exc)(f"{url}{hop}: {exc}") from exc
        request = client.build_request(
            "GET",
            current.copy_with(host=str(ip)),
            headers={"Host": current.netloc.decode("ascii")},
            extensions={"sni_hostname": current.raw_host.decode("ascii")},
        )
        response = await client.send(request, stream=True)
        try:
            if response.is_redirect:
                target = str(current.join(response.headers["location"]))
                continue
            if response.status_code != 200:
                raise FetchFailed(f"{url}: the server answered HTTP {response.status_code}")
            content_type, data = await _read_capped(response, url, cap=cap, accept=accept)
            return Fetched(url=url, final_url=str(current), content_type=content_type, data=data)
        finally:
            await response.aclose()
    raise FetchRefused(f"{url}: more than {MAX_REDIRECTS} redirects")


async def _read_capped(
    response: httpx.Response, url: str, *, cap: int, accept: Collection[str]
) -> tuple[str, bytes]:
    """The body, stopped as soon as it passes `cap` or its first bytes are not an accepted type."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise FetchRefused(f"{url}: {size_text(int(declared))} is over the {size_text(cap)} limit")
    body = bytearray()
    content_type: str | None = None
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > cap:
            raise FetchRefused(f"{url}: the body passed the {size_text(cap)} limit")
        if content_type is None and len(body) >= SNIFF_BYTES:
            content_type = _accepted_type(bytes(body[:SNIFF_BYTES]), url, accept)
    if content_type is None:
        content_type = _accepted_type(bytes(body), url, accept)
    return content_type, bytes(body)


def _accepted_type(head: bytes, url: str, accept: Collection[str]) -> str:
    try:
        return accepted_media_type(head, accept)
    except FetchRefused as exc:
        raise FetchRefused(f"{url}: {exc}") from exc


@functools.cache
def _tls_context(extra_cas: Path | None) -> ssl.SSLContext:
    """The public roots (certifi, as httpx uses by default) plus an intranet's own CA file if set."""
    context = ssl.create_default_context(cafile=certifi.where())
    if extra_cas is not None:
        context.load_verify_locations(cafile=str(extra_cas))
    return context


def _what(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
