"""The web editor in real Chromium: prompt → draft → edit a variable and a line → scrub → render → video."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page
from service_helpers import LiveServer, make_settings, needs_chromium, tiny

from sandbox import PLACEHOLDER_RE, parse_composition
from service.api import create_app

SEEK_PROBE = (
    "addEventListener('hf-seek', e => { document.documentElement.dataset.probe = String(e.detail.time); });"
)

pytestmark = needs_chromium


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer(create_app(make_settings(tmp_path))) as live:
        yield live


def open_editor(browser: Browser, url: str) -> tuple[Page, list[str]]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"{r.failure}: {r.url}"))
    page.on(
        "request", lambda r: None if r.url.startswith((url, "data:", "about:")) else problems.append(r.url)
    )
    page.goto(url + "/")
    return page, problems


def preview_frame(page: Page):  # type: ignore[no-untyped-def]
    return next(f for f in page.frames if f != page.main_frame)


def test_prompt_to_draft_edit_scrub_render_and_watch(browser: Browser, server: LiveServer) -> None:
    page, problems = open_editor(browser, server.url)

    # 1. a prompt becomes a draft
    page.fill("#prompt", "A title card for a podcast called 'Frame by Frame', dark background, orange accent")
    page.select_option("#prompt-duration", "3")
    page.click("#prompt-submit")
    page.wait_for_selector("#editor-view:not([hidden])", timeout=60_000)
    draft_id = page.evaluate("new URLSearchParams(location.search).get('draft')")
    assert draft_id and draft_id.startswith("dr_")
    assert page.text_content("#draft-version") == "v1"
    assert page.text_content("#findings-summary") == "No problems"

    # 2. change a variable: the sandboxed preview shows it at once
    title = page.locator('input[data-variable="TITLE"]')
    title.fill("Edited In The Browser")
    frame = preview_frame(page)
    frame.wait_for_function("document.body && document.body.innerText.includes('Edited In The Browser')")
    assert page.get_attribute("#save-state", "data-state") == "dirty"

    # 3. change a line of HTML: a second hf-seek listener that records the time it was given
    page.evaluate(
        """probe => {
            const ta = document.getElementById('code');
            const lines = ta.value.split('\\n');
            const i = lines.findIndex(l => l.includes("addEventListener('hf-seek'"));
            lines[i] = lines[i] + ' ' + probe;
            ta.value = lines.join('\\n');
            ta.dispatchEvent(new Event('input', {bubbles: true}));
        }""",
        SEEK_PROBE,
    )
    page.keyboard.press("Control+s")
    page.wait_for_function("document.getElementById('draft-version').textContent === 'v2'", timeout=60_000)
    assert page.get_attribute("#save-state", "data-state") == "saved"
    saved = httpx.get(f"{server.url}/drafts/{draft_id}").json()
    assert SEEK_PROBE in saved["html"] and saved["variables"] == {"TITLE": "Edited In The Browser"}
    assert saved["ok"], saved["findings"]

    # 4. scrub: the preview's page receives hf-seek with that time
    page.wait_for_function("document.getElementById('scrubber').max === '3'")
    page.evaluate(
        "() => { const s = document.getElementById('scrubber'); s.value = '1.5';"
        " s.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    frame = preview_frame(page)
    frame.wait_for_function("document.documentElement.dataset.probe === '1.5'", timeout=10_000)
    assert page.text_content("#time-readout") == "1.50 / 3.00 s"

    # 5. render: progress, then the video plays in the page and can be downloaded
    page.click("#tab-render")
    page.select_option("#render-resolution", "360p")
    page.select_option("#render-fps", "24")
    page.click("#render-button")
    page.wait_for_function("document.getElementById('result-video').readyState >= 1", timeout=120_000)
    assert page.text_content("#job-status") == "Done"
    assert page.text_content("#job-frames") == "72 / 72 frames"
    video = page.evaluate(
        "() => { const v = document.getElementById('result-video');"
        " return {w: v.videoWidth, h: v.videoHeight, d: v.duration, src: v.currentSrc}; }"
    )
    assert (video["w"], video["h"]) == (640, 360) and abs(video["d"] - 3) < 0.1
    href = page.get_attribute("#download-link", "href")
    assert href and href.endswith("/video") and page.get_attribute("#download-link", "download")
    download = httpx.get(f"{server.url}{href}")
    assert download.status_code == 200 and download.headers["content-type"] == "video/mp4"

    # 6. history lists both versions; restoring v1 brings the old title back
    page.click("#tab-versions")
    page.wait_for_selector("#versions-list .version >> nth=1")
    page.click("#versions-list .version:not(.current) button")
    page.wait_for_function("document.getElementById('draft-version').textContent === 'v3'")
    assert page.input_value('input[data-variable="TITLE"]') != "Edited In The Browser"

    # a <video> aborting its own range request once it has what it needs is not a problem
    assert [p for p in problems if not (p.startswith("net::ERR_ABORTED") and p.endswith("/video"))] == []


def test_findings_jump_to_their_line_and_the_preview_cannot_reach_the_network(
    browser: Browser, server: LiveServer
) -> None:
    page, problems = open_editor(browser, server.url)
    page.click("#html-start-button")
    html = "\n".join(
        [
            "<!doctype html>",
            '<html data-duration="1" data-width="320" data-height="180">',
            "<body>",
            '<img src="https://example.invalid/x.png">',
            "<script>",
            "  addEventListener('hf-seek', e => { document.body.dataset.t = e.detail.time; });",
            "  fetch('http://127.0.0.1:9/steal').catch(e => { document.body.dataset.blocked = 'yes'; });",
            "</script>",
            "</body></html>",
        ]
    )
    page.fill("#html-start", html)
    page.click("#html-form button[type=submit]")
    page.wait_for_selector("#editor-view:not([hidden])", timeout=60_000)
    page.wait_for_selector("#findings-list .finding.error")
    assert "error" in page.text_content("#findings-summary")

    finding = page.locator("#findings-list .finding.error button", has_text="line 4").first
    finding.click()
    selected = page.evaluate(
        "() => { const t = document.getElementById('code'); return t.value.slice(t.selectionStart, t.selectionEnd); }"
    )
    assert selected == '<img src="https://example.invalid/x.png">'
    assert page.locator("#gutter .mark-error", has_text="4").count() == 1

    # the preview's CSP refuses the fetch (and the image) without any request leaving the page
    frame = preview_frame(page)
    frame.wait_for_function("document.body.dataset.blocked === 'yes'", timeout=10_000)
    assert page.get_attribute("#preview", "sandbox") == "allow-scripts"
    # Chromium may announce the <img> request before its CSP check fails it ("csp: URL"):
    # that is a refusal, not traffic. Anything else aimed outside is a leak.
    refused_by_csp = {p.split(": ", 1)[1] for p in problems if p.startswith("csp: ")}
    outside = [
        p for p in problems if ("127.0.0.1:9" in p or "example.invalid" in p) and not p.startswith("csp: ")
    ]
    assert [p for p in outside if p not in refused_by_csp] == []


def test_the_preview_takes_the_placeholder_rule_from_the_server(browser: Browser, server: LiveServer) -> None:
    page, problems = open_editor(browser, server.url)
    served = page.evaluate("import('/composition-rules.js').then(m => m.default.placeholder)")
    assert served == PLACEHOLDER_RE.pattern
    preview_js = (Path(__file__).parents[1] / "service/web/preview.js").read_text()
    assert "A-Z0-9_" not in preview_js, "the editor keeps no copy of the rule"

    page.click("#html-start-button")
    page.fill(
        "#html-start",
        '<!doctype html><html data-duration="1" data-width="320" data-height="180"><head>'
        '<script type="application/json" id="hf-variables">{"A_1": "alpha"}</script></head>'
        '<body><p id="p">{{$A_1}} and {{$a1}}</p>'
        "<script>addEventListener('hf-seek', e => {});</script></body></html>",
    )
    page.click("#html-form button[type=submit]")
    page.wait_for_selector("#editor-view:not([hidden])", timeout=60_000)
    assert page.locator('input[data-variable="A_1"]').count() == 1
    assert page.locator('input[data-variable="a1"]').count() == 0
    frame = preview_frame(page)
    frame.wait_for_function("document.getElementById('p')?.textContent === 'alpha and {{$a1}}'")
    assert problems == []


def test_with_api_keys_the_editor_asks_once_and_the_video_loads_with_the_key(
    browser: Browser, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, api_keys="sekrit")
    with LiveServer(create_app(settings)) as live:
        page, problems = open_editor(browser, live.url)
        page.wait_for_selector("#key-dialog[open]")  # the recent-drafts call was refused
        page.fill("#key-input", "sekrit")
        page.click("#key-form button[value=ok]")
        page.click("#html-start-button")
        page.fill("#html-start", tiny())
        page.click("#html-form button[type=submit]")
        page.wait_for_selector("#editor-view:not([hidden])", timeout=60_000)
        page.click("#tab-render")
        page.select_option("#render-fps", "24")
        page.click("#render-button")
        page.wait_for_function("document.getElementById('result-video').readyState >= 1", timeout=120_000)
        assert "access_token=sekrit" in page.get_attribute("#download-link", "href")
        assert page.evaluate("localStorage.getItem('seekreel.apiKey')") == "sekrit"
    assert not [p for p in problems if not p.startswith("net::ERR_ABORTED")]


@pytest.mark.parametrize(
    ("aspect", "duration", "expected"),
    [
        ("", "", ((1080, 1920), 4.0)),  # left at "from the prompt": the prompt decides, as on the CLI
        ("1:1", "3", ((1080, 1080), 3.0)),  # an explicit choice wins over the prompt
    ],
)
def test_new_draft_form_takes_shape_and_length_from_the_prompt_unless_chosen(
    browser: Browser, server: LiveServer, aspect: str, duration: str, expected: tuple[tuple[int, int], float]
) -> None:
    page, problems = open_editor(browser, server.url)
    assert page.input_value("#prompt-aspect") == "" and page.input_value("#prompt-duration") == ""
    page.fill("#prompt", "a 4-second vertical countdown")
    page.select_option("#prompt-aspect", aspect)
    page.select_option("#prompt-duration", duration)
    page.click("#prompt-submit")
    page.wait_for_selector("#editor-view:not([hidden])", timeout=60_000)
    draft_id = page.evaluate("new URLSearchParams(location.search).get('draft')")
    comp = parse_composition(httpx.get(f"{server.url}/drafts/{draft_id}").json()["html"])
    assert ((comp.width, comp.height), comp.duration) == expected
    assert problems == []
