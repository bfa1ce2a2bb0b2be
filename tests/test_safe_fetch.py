"""The SSRF guard: which addresses, schemes, redirects, sizes and bodies a user's URL may lead to.

Only loopback is ever connected to. Refusal of private, link-local and metadata addresses is
proven on the address check itself (literal addresses and a stub resolver); the loopback
vectors run against counting servers that must see zero requests.
"""

from __future__ import annotations

import io
import re
import ssl
from collections.abc import Iterator, Sequence
from ipaddress import ip_address
from pathlib import Path

import pytest
import trustme
from canary import Canary
from fakes.media_server import MediaServer, Route, redirect
from PIL import Image

from service.safe_fetch import (
    IMAGE_TYPES,
    MAX_REDIRECTS,
    FetchFailed,
    FetchRefused,
    IPAddress,
    fetch_url,
    refusal_reason,
    sniff_media_type,
)
from service.safe_fetch.destination import checked_address, parse_allowed_hosts, parse_url
from service.settings import Settings


def png_bytes(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, "PNG")
    return out.getvalue()


PNG = png_bytes()


class StubResolver:
    """Answers fixed addresses for names and counts lookups: no DNS, and no connection to them."""

    def __init__(self, answers: dict[str, Sequence[str]]) -> None:
        self.answers = answers
        self.lookups: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.lookups.append((host, port))
        return [ip_address(a) for a in self.answers[host]]


@pytest.fixture
def canary() -> Iterator[Canary]:
    with Canary() as c:
        yield c


# --- the address check ----------------------------------------------------------------------

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("10.0.0.1", "private address (RFC 1918)"),
    ("172.16.5.4", "private address (RFC 1918)"),
    ("192.168.1.1", "private address (RFC 1918)"),
    ("169.254.169.254", "link-local"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("0.0.0.0", "unspecified"),
    ("224.0.0.251", "multicast"),
    ("255.255.255.255", "reserved"),
    ("240.0.0.1", "reserved"),
    ("192.0.2.10", "documentation"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.9", "documentation"),
    ("198.18.0.1", "benchmarking"),
    ("192.0.0.8", "IETF protocol assignment"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fd12:3456::1", "unique local"),
    ("fc00::1", "unique local"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fec0::1", "site-local"),
    ("ff02::1", "multicast"),
    ("2001:db8::1", "documentation"),
    ("::ffff:127.0.0.1", "IPv4-mapped form of 127.0.0.1, a loopback"),
    ("::ffff:169.254.169.254", "IPv4-mapped form of 169.254.169.254, a link-local"),
    ("::ffff:10.0.0.1", "IPv4-mapped form of 10.0.0.1, a private"),
    ("::127.0.0.1", "IPv4-compatible form of 127.0.0.1"),
    ("64:ff9b::a9fe:a9fe", "NAT64 form of 169.254.169.254"),
    ("64:ff9b::c0a8:101", "NAT64 form of 192.168.1.1"),
    ("2002:a9fe:a9fe::1", "6to4 form of 169.254.169.254"),
    ("2002:7f00:1::", "6to4 form of 127.0.0.1"),
    ("2001::1", "Teredo"),
]


@pytest.mark.parametrize(("address", "named"), REFUSED)
def test_refused_addresses_are_named_by_class(address: str, named: str) -> None:
    reason = refusal_reason(ip_address(address))
    assert reason is not None and named in reason


@pytest.mark.parametrize("address", ["1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal_reason(ip_address(address)) is None


@pytest.mark.parametrize(("address", "named"), REFUSED)
def test_a_name_resolving_to_a_refused_address_is_refused(run, address: str, named: str) -> None:
    resolver = StubResolver({"images.example": [address]})
    url = parse_url("https://images.example/cat.gif")
    with pytest.raises(FetchRefused, match=f"images.example resolves to .*{re.escape(named)}"):
        run(checked_address(url, allowed=frozenset(), resolver=resolver))
    assert resolver.lookups == [("images.example", 443)]


def test_one_bad_address_among_good_ones_refuses_the_name(run) -> None:
    resolver = StubResolver({"mixed.example": ["93.184.215.14", "10.0.0.7"]})
    with pytest.raises(FetchRefused, match=r"10\.0\.0\.7, which is a private address"):
        run(checked_address(parse_url("http://mixed.example/"), allowed=frozenset(), resolver=resolver))


def test_the_first_checked_address_is_the_one_to_connect_to(run) -> None:
    resolver = StubResolver({"cdn.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]})
    ip = run(checked_address(parse_url("http://cdn.example/"), allowed=frozenset(), resolver=resolver))
    assert str(ip) == "93.184.215.14"


def test_an_allowed_host_port_skips_the_address_rule_for_that_port_only(run) -> None:
    resolver = StubResolver({"media.intranet": ["10.1.2.3"]})
    allowed = parse_allowed_hosts("media.intranet:8443")
    ok = run(
        checked_address(parse_url("https://media.intranet:8443/a.png"), allowed=allowed, resolver=resolver)
    )
    assert str(ok) == "10.1.2.3"
    with pytest.raises(FetchRefused, match="private"):
        run(checked_address(parse_url("https://media.intranet/a.png"), allowed=allowed, resolver=resolver))


def test_allowed_hosts_setting_is_parsed_strictly() -> None:
    assert parse_allowed_hosts(" 127.0.0.1:8080, [::1]:9000 ,Media.Test.:443,") == {
        ("127.0.0.1", 8080),
        ("::1", 9000),
        ("media.test", 443),
    }
    assert parse_allowed_hosts("") == frozenset()
    for bad in ("127.0.0.1", "host:http", ":80"):
        with pytest.raises(ValueError, match="SEEKREEL_FETCH_ALLOW_HOSTS"):
            parse_allowed_hosts(bad)


# --- schemes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/pub/x.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "gopher://127.0.0.1:70/_GET",
        "javascript:alert(1)",
        "/etc/passwd",
    ],
)
def test_only_http_and_https_are_fetched(run, url: str) -> None:
    with pytest.raises(FetchRefused, match="only http and https"):
        run(fetch_url(url, settings=Settings()))


# --- loopback vectors against counting servers: refused, zero hits ---------------------------


def test_loopback_in_every_spelling_is_refused_without_a_connection(run, canary: Canary) -> None:
    port = canary.port
    vectors = [
        f"http://127.0.0.1:{port}/",
        f"http://127.0.0.2:{port}/",
        f"http://localhost:{port}/",
        f"http://2130706433:{port}/",  # decimal
        f"http://0x7f000001:{port}/",  # hexadecimal
        f"http://017700000001:{port}/",  # octal
        f"http://127.1:{port}/",  # short form
        f"http://0.0.0.0:{port}/",
        f"http://0:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",
        f"http://[::ffff:7f00:2]:{port}/",
    ] + ([f"http://[::1]:{port}/"] if canary.has_ipv6 else [])
    for url in vectors:
        with pytest.raises(FetchRefused, match="only public addresses"):
            run(fetch_url(url, settings=Settings()))
    with pytest.raises(FetchRefused, match="not a valid URL"):
        run(fetch_url(f"http://0177.0.0.1:{port}/", settings=Settings()))  # dotted octal
    assert canary.wait_quiet(0.2) == []


def test_a_name_pinned_to_a_refused_address_never_connects(run, canary: Canary) -> None:
    resolver = StubResolver({"rebind.example": ["127.0.0.2"]})
    with pytest.raises(FetchRefused, match=r"rebind\.example resolves to 127\.0\.0\.2"):
        run(fetch_url(f"http://rebind.example:{canary.port}/x.gif", settings=Settings(), resolver=resolver))
    assert canary.wait_quiet(0.2) == []


def test_a_redirect_from_an_allowed_host_to_a_refused_address_is_refused(run, canary: Canary) -> None:
    port = canary.port
    targets = [f"http://127.0.0.1:{port}/meta", f"http://localhost:{port}/meta", f"http://127.0.0.2:{port}/"]
    routes = {f"/r{i}": redirect(target) for i, target in enumerate(targets)}
    with MediaServer(routes) as media:
        settings = Settings(fetch_allow_hosts=media.host_port)  # the media server only, not the canary
        for i, target in enumerate(targets):
            with pytest.raises(FetchRefused, match=f"redirected to {target}.*only public addresses"):
                run(fetch_url(f"{media.url}/r{i}", settings=settings))
        assert [hit.path for hit in media.hits] == ["/r0", "/r1", "/r2"]
    assert canary.wait_quiet(0.2) == []


def test_a_redirect_to_another_scheme_is_refused(run) -> None:
    with (
        MediaServer({"/r": redirect("file:///etc/passwd")}) as media,
        pytest.raises(FetchRefused, match=r"redirected to file:.*only http and https"),
    ):
        run(fetch_url(f"{media.url}/r", settings=Settings(fetch_allow_hosts=media.host_port)))


def test_proxy_variables_are_not_honoured(run, canary: Canary, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{canary.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with MediaServer({"/a.png": Route(PNG)}) as media:
        fetched = run(fetch_url(f"{media.url}/a.png", settings=Settings(fetch_allow_hosts=media.host_port)))
    assert fetched.data == PNG
    assert canary.wait_quiet(0.2) == []


# --- redirects, sizes, content, time --------------------------------------------------------


def test_a_fetch_follows_redirects_and_sniffs_the_type(run) -> None:
    routes = {"/start": redirect("/middle", 301), "/middle": redirect("/a.png", 307)}
    routes["/a.png"] = Route(PNG, content_type="text/html")  # the server's claim is ignored
    with MediaServer(routes) as media:
        fetched = run(fetch_url(f"{media.url}/start", settings=Settings(fetch_allow_hosts=media.host_port)))
    assert fetched.content_type == "image/png"
    assert fetched.data == PNG
    assert fetched.url == f"{media.url}/start" and fetched.final_url == f"{media.url}/a.png"


def test_more_than_five_redirects_are_refused(run) -> None:
    hops = MAX_REDIRECTS + 1
    routes = {f"/r{i}": redirect(f"/r{i + 1}") for i in range(hops)}
    with MediaServer(routes) as media:
        settings = Settings(fetch_allow_hosts=media.host_port)
        with pytest.raises(FetchRefused, match="more than 5 redirects"):
            run(fetch_url(f"{media.url}/r0", settings=settings))
        assert len(media.hits) == hops  # the sixth redirect's target was never asked for
        media.routes[f"/r{MAX_REDIRECTS}"] = Route(PNG)
        assert run(fetch_url(f"{media.url}/r0", settings=settings)).data == PNG  # five is fine


def test_a_content_length_over_the_cap_is_refused_before_reading(run) -> None:
    with (
        MediaServer({"/big.png": Route(PNG, declared_length=10**12)}) as media,
        pytest.raises(FetchRefused, match=r"953674\.3 MiB is over the 50\.0 MiB limit"),
    ):
        run(fetch_url(f"{media.url}/big.png", settings=Settings(fetch_allow_hosts=media.host_port)))


def test_a_streamed_body_over_the_cap_is_cut_off(run) -> None:
    body = PNG + bytes(200_000)
    with MediaServer({"/big.png": Route(body, chunked=True)}) as media:
        settings = Settings(fetch_allow_hosts=media.host_port, fetch_max_bytes=100_000)
        with pytest.raises(FetchRefused, match="passed the 98 KiB limit"):
            run(fetch_url(f"{media.url}/big.png", settings=settings))
        assert run(fetch_url(f"{media.url}/big.png", settings=settings, max_bytes=300_000)).data == body


@pytest.mark.parametrize(
    ("body", "found"),
    [
        (b"<!doctype html><html><body>" + b"x" * 100, "its bytes are no known media format"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(64), "it is video/mp4"),
        (b"", "its bytes are no known media format"),
    ],
)
def test_a_body_that_is_not_an_image_is_refused(run, body: bytes, found: str) -> None:
    with MediaServer({"/cat.png": Route(body, content_type="image/png")}) as media:
        settings = Settings(fetch_allow_hosts=media.host_port)
        with pytest.raises(FetchRefused, match=f"not an accepted image file \\({found}\\)"):
            run(fetch_url(f"{media.url}/cat.png", settings=settings, accept=IMAGE_TYPES))


def test_http_errors_fail_clearly(run) -> None:
    with MediaServer() as media, pytest.raises(FetchFailed, match="answered HTTP 404"):
        run(fetch_url(f"{media.url}/missing.png", settings=Settings(fetch_allow_hosts=media.host_port)))


def test_a_server_that_stalls_times_out(run) -> None:
    with MediaServer({"/slow.png": Route(PNG, stall=30)}) as media:
        settings = Settings(fetch_allow_hosts=media.host_port, fetch_timeout=0.3)
        with pytest.raises(FetchFailed, match="timed out"):
            run(fetch_url(f"{media.url}/slow.png", settings=settings))


def test_a_slow_trickle_hits_the_deadline(run) -> None:
    with MediaServer({"/drip.png": Route(PNG + bytes(20_000), trickle=0.1)}) as media:
        settings = Settings(fetch_allow_hosts=media.host_port, fetch_timeout=5, fetch_deadline=0.5)
        with pytest.raises(FetchFailed, match=r"not fetched within 0\.5 s"):
            run(fetch_url(f"{media.url}/drip.png", settings=settings))


# --- pinning: the checked address is connected to; Host and TLS name stay the URL's ---------


def test_the_name_is_resolved_once_and_kept_in_the_host_header(run) -> None:
    with MediaServer({"/a.png": Route(PNG), "/r": redirect("/a.png")}) as media:
        resolver = StubResolver({"media.test": ["127.0.0.1"]})
        settings = Settings(fetch_allow_hosts=f"media.test:{media.port}")
        fetched = run(fetch_url(f"http://media.test:{media.port}/r", settings=settings, resolver=resolver))
    assert fetched.data == PNG
    assert [hit.host for hit in media.hits] == [f"media.test:{media.port}"] * 2
    assert resolver.lookups == [("media.test", media.port)] * 2  # once per hop, never again to connect


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def tls_server_context(ca: trustme.CA, name: str, seen: list[str]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(name).configure_cert(context)
    context.sni_callback = lambda _sock, server_name, _ctx: seen.append(server_name)  # type: ignore[assignment,misc,return-value]
    return context


def test_https_to_a_pinned_address_verifies_the_certificate_for_the_name(
    run, ca: trustme.CA, tmp_path: Path
) -> None:
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    resolver = StubResolver({"media.test": ["127.0.0.1"]})
    sni: list[str] = []
    with MediaServer({"/a.png": Route(PNG)}, tls=tls_server_context(ca, "media.test", sni)) as media:
        settings = Settings(fetch_allow_hosts=f"media.test:{media.port}", fetch_ca_bundle=ca_file)
        fetched = run(
            fetch_url(f"https://media.test:{media.port}/a.png", settings=settings, resolver=resolver)
        )
    assert fetched.data == PNG
    assert sni == ["media.test"]

    with MediaServer({"/a.png": Route(PNG)}, tls=tls_server_context(ca, "other.test", [])) as media:
        settings = Settings(fetch_allow_hosts=f"media.test:{media.port}", fetch_ca_bundle=ca_file)
        with pytest.raises(FetchFailed, match="certificate"):
            run(fetch_url(f"https://media.test:{media.port}/a.png", settings=settings, resolver=resolver))
        assert media.hits == []


# --- sniffing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"GIF87a\x01\x00", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x20ftypisom", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  ", "video/quicktime"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
        (b"ID3\x04\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64", "audio/mpeg"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"OggS\x00\x02", "audio/ogg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"%PDF-1.7", None),
    ],
)
def test_media_types_are_told_by_their_first_bytes(head: bytes, kind: str | None) -> None:
    assert sniff_media_type(head) == kind
