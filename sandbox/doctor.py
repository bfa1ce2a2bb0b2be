"""Self-checks for `seekreel doctor`: what the renderer found, and which isolation layers are on.

Each check runs the real thing (starts the browser, renders a frame, runs ffmpeg) rather
than only looking for files, so a green report means renders will work.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from dataclasses import dataclass

from .browser import find_browser
from .encode import ffmpeg_exe
from .errors import RenderError
from .fonts import FAMILIES, found_families
from .isolation import netns_prefix
from .pool import BrowserPool
from .render import probe_page
from .render_options import RenderOptions

PROBE_HTML = """<!doctype html><html data-duration="1" data-width="64" data-height="64">
<body style="margin:0;background:#000"><div id="b" style="width:64px;height:64px"></div>
<script>
if (self.origin !== 'null') throw new Error('origin-not-opaque: ' + self.origin);
if (typeof RTCPeerConnection !== 'undefined') throw new Error('webrtc-present');
addEventListener('hf-seek', e => {
  document.getElementById('b').style.background = e.detail.time > 0.5 ? '#fff' : '#000';
  new Image().src = 'https://composition.seekreel.invalid/not-supplied.png';
});</script></body></html>"""


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    required: bool = True


async def run_checks() -> list[Check]:
    checks: list[Check] = []
    try:
        kind = find_browser()
        version = _version([kind.path, "--version"])
        checks.append(Check("browser", True, f"{kind.label}: {kind.path} ({version})"))
        if not kind.begin_frame:
            checks.append(Check("frame capture", False, "beginFrame unavailable: screenshot fallback", False))
    except RenderError as exc:
        checks.append(Check("browser", False, str(exc)))
        kind = None
    try:
        exe = ffmpeg_exe()
        checks.append(Check("ffmpeg", True, f"{exe} ({_version([exe, '-version'])})"))
    except Exception as exc:  # imageio-ffmpeg raises plain RuntimeError when its binary is missing
        checks.append(Check("ffmpeg", False, f"imageio-ffmpeg has no ffmpeg binary: {exc}"))
    families = found_families()
    missing = [f.package for f in FAMILIES if not families[f.name]]
    checks.append(
        Check(
            "fonts",
            not missing,
            ", ".join(f"{name} ({n} files)" for name, n in families.items() if n)
            + (f"; missing packages: {' '.join(sorted(set(missing)))}" if missing else ""),
        )
    )
    prefix = netns_prefix()
    checks.append(
        Check(
            "isolation: network namespace",
            bool(prefix),
            "browser runs in its own network namespace (" + " ".join(prefix[:-1]) + ")"
            if prefix
            else "not available here (needs root or unprivileged user namespaces); other layers still apply",
            required=False,
        )
    )
    if kind is not None:
        checks.extend(await _live_checks())
    return checks


async def _live_checks() -> list[Check]:
    out: list[Check] = []
    async with BrowserPool(1) as pool:
        started = time.perf_counter()
        try:
            probe = await probe_page(PROBE_HTML, [0.0, 0.9], RenderOptions(), pool=pool)
            errors = " ".join(e.message for e in probe.errors)
            moved = len(set(probe.frame_digests)) == 2
            elapsed = time.perf_counter() - started
            out.append(Check("render", moved, f"loaded, seeked and captured a test page in {elapsed:.2f} s"))
            refused = any("not-supplied.png" in u for u in probe.refused_requests)
            out.append(
                Check(
                    "isolation: request interception", refused, "requests other than the document are refused"
                )
            )
            opaque = "origin-not-opaque" not in errors
            out.append(Check("isolation: opaque origin", opaque, "document origin is 'null' (CSP sandbox)"))
            no_rtc = "webrtc-present" not in errors
            out.append(Check("isolation: no WebRTC", no_rtc, "peer-connection APIs removed from the page"))
            out.append(
                Check(
                    "isolation: browser network flags",
                    True,
                    "configured: unresolvable proxy, no WebRTC UDP, no pings",
                )
            )
        except RenderError as exc:
            out.append(Check("render", False, str(exc)))
    return out


def _version(cmd: list[str]) -> str:
    try:
        text = subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"unknown: {exc}"
    return text.splitlines()[0] if text else "unknown"


def run_checks_sync() -> list[Check]:
    return asyncio.run(run_checks())
