"""Several "hosts" on one machine: network namespaces made by the test, joined by veth pairs.

A services namespace (Redis, PostgreSQL) and one namespace per worker; each worker's link to
the services is a /30 of 127.231.0.0/16. The tests send traffic to loopback addresses only, so
the links use them too: Linux routes 127/8 over a real link once `route_localnet` is on in
the namespace, and these namespaces exist only here, so no packet leaves them. Needs root (or
CAP_NET_ADMIN); `make()` says why when it cannot.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


def _route_localnet(namespace: str) -> None:
    """Let 127/8 addresses cross a link in this namespace (set before its links exist, so
    every new link inherits it)."""
    for scope in ("all", "default"):
        subprocess.run(
            ["ip", "netns", "exec", namespace, "sysctl", "-qw", f"net.ipv4.conf.{scope}.route_localnet=1"],
            check=True,
            capture_output=True,
            text=True,
        )


@dataclass
class Hosts:
    services: str
    workers: list[str] = field(default_factory=list)

    @staticmethod
    def within(namespace: str) -> list[str]:
        return ["ip", "netns", "exec", namespace]

    @staticmethod
    def services_address(index: int) -> str:
        """The services' end of worker `index`'s link, as that worker reaches it."""
        return f"127.231.{index}.1"

    @property
    def listen(self) -> str:
        """Every address the services listen on: loopback and their end of each link."""
        return " ".join(["127.0.0.1", *(self.services_address(i) for i in range(1, len(self.workers) + 1))])

    def remove(self) -> None:
        for namespace in [*self.workers, self.services]:
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)


def make(workers: int) -> Hosts | str:
    """The namespaces and their links, or the reason they cannot be made here."""
    tag = f"sr{os.getpid()}"
    hosts = Hosts(services=f"{tag}-svc")
    try:
        _ip("netns", "add", hosts.services)
        _ip("-n", hosts.services, "link", "set", "lo", "up")
        _route_localnet(hosts.services)
        for i in range(1, workers + 1):
            namespace = f"{tag}-w{i}"
            _ip("netns", "add", namespace)
            hosts.workers.append(namespace)
            _route_localnet(namespace)
            here, there = f"{tag}s{i}", f"{tag}w{i}"
            _ip(
                "-n",
                hosts.services,
                "link",
                "add",
                here,
                "type",
                "veth",
                "peer",
                "name",
                there,
                "netns",
                namespace,
            )
            _ip("-n", hosts.services, "addr", "add", f"{hosts.services_address(i)}/30", "dev", here)
            _ip("-n", hosts.services, "link", "set", here, "up")
            _ip("-n", namespace, "addr", "add", f"127.231.{i}.2/30", "dev", there)
            _ip("-n", namespace, "link", "set", there, "up")
            _ip("-n", namespace, "link", "set", "lo", "up")
    except (OSError, subprocess.CalledProcessError) as exc:
        hosts.remove()
        detail = exc.stderr.strip() if isinstance(exc, subprocess.CalledProcessError) else str(exc)
        return f"network namespaces cannot be made here ({detail or exc})"
    return hosts
