"""What a page may load, and the layers that enforce it.

Layers, outermost first:
1. network namespace: the browser runs under `unshare --net` (no interface but a downed
   loopback), when the OS allows it;
2. browser flags: every connection goes to a proxy whose name cannot resolve, WebRTC may
   not use UDP, no pings, no DNS prefetch, no background networking;
3. request interception: every request the page makes is paused and answered here — the
   document and the caller's assets are served, everything else is refused;
4. the document itself: served with a CSP header whose `sandbox` gives it an opaque
   origin (no storage, no service workers, no pop-ups, no forms, no top navigation) and
   whose fetch directives allow only data:, blob: and the document's own host.
"""

from __future__ import annotations

import functools
import mimetypes
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

DOC_ORIGIN = "https://composition.seekreel.invalid"
DOC_URL = f"{DOC_ORIGIN}/index.html"
BLOCKED_PROXY = "http://blocked.seekreel.invalid:9"

_OWN = f"{DOC_ORIGIN} data: blob:"
DOCUMENT_CSP = "; ".join(
    [
        "sandbox allow-scripts",
        "default-src 'none'",
        f"script-src 'unsafe-inline' 'unsafe-eval' {_OWN}",
        f"style-src 'unsafe-inline' {_OWN}",
        f"img-src {_OWN}",
        f"font-src {_OWN}",
        f"media-src {_OWN}",
        "connect-src data: blob:",
        "worker-src 'none'",
        "child-src 'none'",
        "frame-src 'none'",
        "object-src 'none'",
        "manifest-src 'none'",
        "form-action 'none'",
        "base-uri 'none'",
    ]
)

NETWORK_FLAGS = (
    f"--proxy-server={BLOCKED_PROXY}",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--no-pings",
    "--block-new-web-contents",
    "--dns-prefetch-disable",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-breakpad",
    "--disable-client-side-phishing-detection",
    "--no-first-run",
    "--metrics-recording-only",
    "--disable-features=MediaRouter,OptimizationHints,Translate,AutofillServerCommunication,"
    "InterestFeedContentSuggestions,DialMediaRouteProvider,NetworkServiceInProcess2",
)


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str]


def document_response(html: str) -> Response:
    return Response(
        200,
        html.encode("utf-8"),
        {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": DOCUMENT_CSP,
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


class RequestPolicy:
    """Answers the page's requests: the document, files under `assets_dir`, nothing else."""

    def __init__(self, html: str, assets_dir: Path | None = None) -> None:
        self._document = document_response(html)
        self._assets = assets_dir.resolve() if assets_dir else None
        self.refused: list[str] = []

    def answer(self, url: str) -> Response | None:
        """A response to fulfil with, or None to refuse the request."""
        if url == DOC_URL:
            return self._document
        parts = urlsplit(url)
        if self._assets is not None and f"{parts.scheme}://{parts.netloc}" == DOC_ORIGIN:
            path = self._asset_path(parts.path)
            if path is not None:
                ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return Response(
                    200,
                    path.read_bytes(),
                    {"Content-Type": ctype, "Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"},
                )
        self.refused.append(url)
        return None

    def _asset_path(self, url_path: str) -> Path | None:
        """The file a URL path names inside the assets folder; None for anything outside it."""
        assert self._assets is not None
        return servable_file(self._assets, PurePosixPath(unquote(url_path).lstrip("/")))


def servable_file(assets: Path, rel: PurePosixPath) -> Path | None:
    """The file `rel` names inside the (resolved) assets folder, or None when a page may not have
    it: outside the folder (`..`, a link leading out) or hidden (a name starting with a dot,
    such as `.env` or `.git/` — and the renderer's own work files)."""
    if not rel.parts or any(p == "" or p.startswith(".") for p in rel.parts) or "\\" in str(rel):
        return None
    candidate = (assets / rel).resolve()
    if not candidate.is_relative_to(assets) or not candidate.is_file():
        return None
    return candidate


def asset_files(assets_dir: Path) -> dict[PurePosixPath, Path]:
    """Every file a page may load from `assets_dir` (by its URL path): what a render elsewhere
    needs to serve the same page. Links to folders are not followed."""
    assets = assets_dir.resolve()
    found: dict[PurePosixPath, Path] = {}
    for folder, dirs, names in os.walk(assets):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = PurePosixPath(Path(folder).relative_to(assets).as_posix())
        for name in sorted(names):
            rel = base / name
            if (path := servable_file(assets, rel)) is not None:
                found[rel] = path
    return found


@functools.cache
def netns_prefix() -> tuple[str, ...]:
    """The command prefix that puts a process in a fresh network namespace, or () if none works."""
    try:
        if subprocess.run(["unshare", "--net", "true"], capture_output=True, timeout=10).returncode == 0:
            return ("unshare", "--net", "--")
        cmd = ["unshare", "--user", "--map-root-user", "--net", "true"]
        if subprocess.run(cmd, capture_output=True, timeout=10).returncode == 0:
            return ("unshare", "--user", "--map-root-user", "--net", "--")
    except (OSError, subprocess.SubprocessError):
        pass
    return ()


def network_namespace_available() -> bool:
    return bool(netns_prefix())
