"""Which IP addresses a user's URL may reach: globally routable ones only.

`ipaddress.is_global` alone is not enough — its tables differ between Python releases, and
it says nothing about IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64,
6to4), which reach that IPv4 address. So the classes a server-side fetch must never reach
are listed here by name (the refusal says which one), the embedded IPv4 address is checked
by the same rules, and `is_global` is the last word for anything not listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_network

IPAddress = IPv4Address | IPv6Address
Classes = Sequence[tuple[IPv4Network | IPv6Network, str]]

_V4_CLASSES: Classes = tuple(
    (IPv4Network(net), name)
    for net, name in (
        ("0.0.0.0/8", "an unspecified ('this network') address"),
        ("10.0.0.0/8", "a private address (RFC 1918)"),
        ("100.64.0.0/10", "a carrier-grade NAT address (RFC 6598)"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address (cloud metadata lives here)"),
        ("172.16.0.0/12", "a private address (RFC 1918)"),
        ("192.0.0.0/24", "an IETF protocol assignment (RFC 6890)"),
        ("192.0.2.0/24", "a documentation address (RFC 5737)"),
        ("192.88.99.0/24", "a 6to4 relay anycast address (RFC 7526)"),
        ("192.168.0.0/16", "a private address (RFC 1918)"),
        ("198.18.0.0/15", "a benchmarking address (RFC 2544)"),
        ("198.51.100.0/24", "a documentation address (RFC 5737)"),
        ("203.0.113.0/24", "a documentation address (RFC 5737)"),
        ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", "a reserved address (incl. broadcast)"),
    )
)

_V6_UNSPECIFIED_AND_LOOPBACK: Classes = (
    (IPv6Network("::/128"), "the unspecified address"),
    (IPv6Network("::1/128"), "the loopback address"),
)
"""Checked before the embedded-IPv4 forms, which would otherwise read them as ::/96 addresses."""

_V6_CLASSES: Classes = tuple(
    (IPv6Network(net), name)
    for net, name in (
        ("64:ff9b:1::/48", "a local-use NAT64 address (RFC 8215)"),
        ("100::/64", "a discard-only address (RFC 6666)"),
        ("2001::/32", "a Teredo tunnel address"),
        ("2001:2::/48", "a benchmarking address (RFC 5180)"),
        ("2001:db8::/32", "a documentation address (RFC 3849)"),
        ("3fff::/20", "a documentation address (RFC 9637)"),
        ("fc00::/7", "a unique local address (IPv6 ULA)"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address (deprecated)"),
        ("ff00::/8", "a multicast address"),
    )
)

_MAPPED = ip_network("::ffff:0:0/96")
_COMPATIBLE = ip_network("::/96")
_NAT64 = ip_network("64:ff9b::/96")
_SIX_TO_FOUR = ip_network("2002::/16")


def refusal_reason(ip: IPAddress) -> str | None:
    """Why `ip` must not be fetched from (e.g. 'a loopback address'), or None for a public address."""
    if isinstance(ip, IPv4Address):
        return _classify(ip, _V4_CLASSES)
    special = _listed(ip, _V6_UNSPECIFIED_AND_LOOPBACK)
    if special:
        return special
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        form, v4 = embedded
        inner = refusal_reason(v4)
        return f"the {form} form of {v4}, {inner}" if inner else None
    return _classify(ip, _V6_CLASSES)


def _classify(ip: IPAddress, classes: Classes) -> str | None:
    listed = _listed(ip, classes)
    if listed:
        return listed
    return None if ip.is_global else "not a globally routable address"


def _listed(ip: IPAddress, classes: Classes) -> str | None:
    return next((name for network, name in classes if ip in network), None)


def _embedded_ipv4(ip: IPv6Address) -> tuple[str, IPv4Address] | None:
    """The IPv4 address an IPv6 address stands for (and the form's name), if it is one of those forms."""
    if ip in _MAPPED:
        return "IPv4-mapped", IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _COMPATIBLE:
        return "IPv4-compatible", IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _NAT64:
        return "NAT64", IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _SIX_TO_FOUR:
        return "6to4", IPv4Address((int(ip) >> 80) & 0xFFFFFFFF)
    return None
