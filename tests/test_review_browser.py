"""The review page in real Chromium against a real uvicorn: a project from pasted text → its sections
as cards → one edited in place (only it is voiced again) → the whole storyboard scrubbed with its
pictures and narration → approved → the render's progress → the video with its captions.

The real engine (Piper voices, the real pipeline), with a two-colour GIF from a media server on
127.0.0.1 behind one section: its frames are what the preview has to carry into its sandbox.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import httpx
from media import close_to, png
from PIL import Image
from playwright.sync_api import Browser, Frame, Page
from service_helpers import LiveServer, make_settings, needs_chromium
from test_backgrounds import gif

from service.api import create_app
from tests.fakes.media_server import MediaServer, Route

RED, BLUE = (230, 30, 30), (30, 60, 230)
SCRIPT = "Rivers carve valleys.\n\nThey carry the mountains to the sea."
EDITED = "The sea keeps every grain."

pytestmark = needs_chromium


def open_page(browser: Browser, url: str, path: str) -> tuple[Page, list[str]]:
    """The page, and every request it (or its preview) made anywhere but the server, data: or blob:."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "request",
        lambda r: None if r.url.startswith((url, "data:", "blob:", "about:")) else problems.append(r.url),
    )
    page.goto(url + path)
    return page, problems


def frame_of(page: Page, selector: str) -> Frame:
    frame = page.locator(selector).element_handle().content_frame()
    assert frame is not None
    return frame


def cards(page: Page) -> list[dict[str, str]]:
    return page.evaluate(
        "() => [...document.querySelectorAll('.section-card')].map(c =>"
        " ({id: c.dataset.sectionId, audio: c.dataset.audioUrl, text: c.querySelector('.section-text').value}))"
    )


def scrub(page: Page, t: float) -> None:
    page.evaluate(
        "t => { const s = document.getElementById('review-scrubber'); s.value = String(t);"
        " s.dispatchEvent(new Event('input', {bubbles: true})); }",
        t,
    )


def test_review_edit_scrub_approve_and_watch_with_captions(browser: Browser, tmp_path: Path) -> None:
    with MediaServer({"/river.gif": Route(gif([RED, BLUE], [200, 200]), content_type="image/gif")}) as media:
        settings = make_settings(tmp_path, fetch_allow_hosts=media.host_port)
        with LiveServer(create_app(settings)) as server:
            problems = review_flow(browser, server, f"{media.url}/river.gif")
    assert [p for p in problems if not p.startswith("net::ERR_ABORTED")] == []


def review_flow(browser: Browser, server: LiveServer, gif_url: str) -> list[str]:
    page, problems = open_page(browser, server.url, "/?projects")

    # 1. a project from pasted text, rendered small
    page.fill("#project-input", SCRIPT)
    page.fill("#project-title-input", "Rivers")
    page.select_option("#project-resolution", "320x180")
    page.click("#project-submit")
    page.wait_for_selector('#project-status[data-status="NeedsApproval"]', timeout=60_000)
    project_id = page.evaluate("new URLSearchParams(location.search).get('project')")
    assert page.text_content("#decision-status") == "Waiting for your approval"
    assert [c["text"] for c in cards(page)] == SCRIPT.split("\n\n")

    # 2. the one-active-project rule: a second project is refused, with a link back to this one
    page.click("#projects-link")
    page.fill("#project-input", "Another script.")
    page.click("#project-submit")
    page.wait_for_selector("#project-form-error:not([hidden]) a")
    assert "already have a project in the works" in page.text_content("#project-form-error")
    page.click("#project-form-error a")
    page.wait_for_selector('#project-status[data-status="NeedsApproval"]')
    assert page.evaluate("new URLSearchParams(location.search).get('project')") == project_id

    # 3. an animated picture behind the first section: fetched by seekreel, shown as a thumbnail
    background = page.locator(".section-card >> nth=0").locator(".section-background")
    background.fill(gif_url)
    background.press("Enter")
    page.wait_for_function(
        "() => { const i = document.querySelector('.section-card .section-thumb img');"
        " return i && i.complete && i.naturalWidth === 32; }",
        timeout=60_000,
    )

    # 4. edit the second section in place: only it is voiced again
    before = cards(page)
    second = page.locator(".section-card >> nth=1").locator(".section-text")
    second.fill(EDITED)
    second.press("Control+Enter")
    page.wait_for_function(
        "audio => document.querySelectorAll('.section-card')[1].dataset.audioUrl !== audio",
        arg=before[1]["audio"],
        timeout=60_000,
    )
    after = cards(page)
    assert after[0] == before[0] and after[1]["text"] == EDITED and after[1]["audio"] != before[1]["audio"]

    # 5. scrub the whole storyboard: the GIF's frames by time, the edited caption, no network
    compiled = httpx.get(f"{server.url}/projects/{project_id}/preview").json()
    start = compiled["sections"][1]["start"]
    page.wait_for_function(
        f"Number(document.getElementById('review-scrubber').max) === {compiled['duration']}"
    )
    frame = frame_of(page, "#review-preview")
    for t, colour in ((0.1, RED), (0.3, BLUE)):
        scrub(page, t)
        frame.wait_for_function(
            "() => [...document.images].some(i => i.style.visibility === 'visible' && i.complete"
            " && i.naturalWidth === 32 && i.src.startsWith('data:'))"
        )
        shot = png(page.locator("#review-preview").screenshot())
        assert close_to(shot.getpixel((shot.width // 2, shot.height // 4)), colour, 60), (t, colour)
    scrub(page, start + 0.2)
    frame.wait_for_function(
        "t => document.getElementById('cap').innerText.replace(/\\s+/g, ' ').trim() === t",
        arg=EDITED,
        timeout=10_000,
    )
    assert page.text_content("#review-time") == f"{start + 0.2:.2f} / {compiled['duration']:.2f} s"

    # 6. play from there: the page plays the second section's narration from the same point
    page.click("#review-play")
    page.wait_for_function(
        "id => { const a = document.querySelector(`#review-narration audio[data-section-id='${id}']`);"
        " return a && !a.paused && a.currentTime > 0.2; }",
        arg=after[1]["id"],
    )
    first_audio = f"#review-narration audio[data-section-id='{after[0]['id']}']"
    assert page.evaluate(f'document.querySelector("{first_audio}").paused')

    # 7. approve: the render's progress as it comes, then the video with its captions
    page.evaluate(
        "() => { window.details = []; new MutationObserver(() => details.push("
        "document.getElementById('decision-detail').textContent)).observe("
        "document.getElementById('decision-detail'), {childList: true, characterData: true, subtree: true}); }"
    )
    page.click("#project-approve")
    page.wait_for_function(
        "() => { const v = document.getElementById('project-video');"
        " return v.readyState >= 1 && v.textTracks.length === 1; }",
        timeout=120_000,
    )
    assert page.get_attribute("#project-status", "data-status") == "Completed"
    assert page.text_content("#decision-status") == "Done"
    assert any(d.startswith("rendering ") for d in page.evaluate("details")), page.evaluate("details")
    page.wait_for_function("document.querySelector('#project-video track').readyState === 2")
    cues = page.evaluate(
        "() => [...document.getElementById('project-video').textTracks[0].cues].map(c => c.text)"
    )
    assert " ".join(" ".join(c.split()) for c in cues) == f"{SCRIPT.split(chr(10))[0]} {EDITED}"
    video = page.evaluate(
        "() => { const v = document.getElementById('project-video'); return [v.videoWidth, v.videoHeight]; }"
    )
    assert video == [320, 180]
    download = httpx.get(server.url + page.get_attribute("#project-download", "href"))
    assert download.status_code == 200 and download.headers["content-type"] == "video/mp4"
    return problems


def test_the_preview_answers_pictures_by_name_from_its_map_and_nothing_else(
    browser: Browser, tmp_path: Path
) -> None:
    """The sandboxed preview gets a composition's pictures as data: URLs, by the names it asks for —
    set by script or in the markup — while an unknown name still goes nowhere."""
    picture = io.BytesIO()
    Image.new("RGB", (8, 4), "#ff0000").save(picture, format="PNG")
    red = "data:image/png;base64," + base64.b64encode(picture.getvalue()).decode()
    html = (
        '<!doctype html><html data-duration="1" data-width="160" data-height="90"><head></head><body>'
        '<img id="static" src="assets/a b.png"><img id="late">'
        "<script>document.getElementById('late').src = 'assets/a b.png';"
        "const x = new Image(); x.onerror = () => { document.body.dataset.unknown = 'refused'; };"
        " x.src = 'assets/missing.png'; addEventListener('hf-seek', () => {});</script></body></html>"
    )
    settings = make_settings(tmp_path)
    with LiveServer(create_app(settings)) as server:
        page, problems = open_page(browser, server.url, "/")
        served: list[str] = []
        page.on("requestfinished", lambda r: served.append(r.url))
        page.evaluate(
            """async ([html, assets]) => {
                const { previewDocument } = await import('/static/preview.js');
                const f = document.createElement('iframe');
                f.name = 'probe';
                f.sandbox = 'allow-scripts';
                f.srcdoc = previewDocument(html, {}, assets).doc;
                document.body.append(f);
            }""",
            [html, {"assets/a b.png": red}],
        )
        frame = frame_of(page, "iframe[name=probe]")
        frame.wait_for_function(
            "() => ['static', 'late'].every(id => { const i = document.getElementById(id);"
            " return i && i.complete && i.naturalWidth === 8; }) && document.body.dataset.unknown === 'refused'"
        )
    assert [u for u in served if "assets/" in u] == []  # the pictures never came from a server
    assert problems == []


def test_a_failed_project_shows_why(browser: Browser, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with LiveServer(create_app(settings)) as server:
        created = httpx.post(
            f"{server.url}/projects", json={"text": SCRIPT, "voice": {"name": "nobody"}}
        ).json()
        page, problems = open_page(browser, server.url, f"/?project={created['id']}")
        page.wait_for_selector('#project-status[data-status="Failed"]', timeout=60_000)
        problem = page.text_content("#project-problem")
        assert "2 of 2 sections could not be made" in problem
        assert "• section 1: voice: unknown Piper voice 'nobody'" in problem
        assert page.text_content("#decision-status") == "Failed" and page.is_hidden("#project-approve")
        assert page.get_attribute(".section-card >> nth=0", "data-status") == "failed"
    assert problems == []


def test_a_review_link_opens_its_project_without_a_key_and_a_bad_one_says_so(
    browser: Browser, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, api_keys="alice-key")
    app = create_app(settings)
    with LiveServer(app) as server:
        alice = {"Authorization": "Bearer alice-key"}
        created = httpx.post(
            f"{server.url}/projects", json={"text": SCRIPT, "resolution": "160x90"}, headers=alice
        ).json()
        grant = app.state.auth.grant(created["id"], 3600)
        page, problems = open_page(browser, server.url, f"/?project={created['id']}&grant={grant}")
        page.wait_for_selector('#project-status[data-status="NeedsApproval"]', timeout=60_000)
        assert [c["text"] for c in cards(page)] == SCRIPT.split("\n\n")
        assert page.evaluate("new URLSearchParams(location.search).get('grant')") == grant  # reloads work
        page.wait_for_function("Number(document.getElementById('review-scrubber').max) > 0")  # the preview
        page.wait_for_function(  # the voices, which <audio> elements load with the grant in their URL
            "() => { const a = [...document.querySelectorAll('#review-narration audio')];"
            " return a.length === 2 && a.every(e => e.src.includes('grant=') && e.duration > 0); }"
        )

        page.click("#project-approve")
        page.wait_for_function(
            "() => document.getElementById('project-video').readyState >= 1", timeout=120_000
        )
        assert page.get_attribute("#project-status", "data-status") == "Completed"
        assert not page.evaluate("document.getElementById('key-dialog').open")  # never asked for a key

        expired = app.state.auth.grant(created["id"], 60, now=1_000_000)
        page.goto(f"{server.url}/?project={created['id']}&grant={expired}")
        page.wait_for_selector("#project-problem:not([hidden])")
        assert page.text_content("#project-title") == "This review link doesn't work"
        assert "expired" in page.text_content("#project-problem")
        assert page.is_hidden("#project-approve") and page.is_hidden("#project-cancel")
        assert not page.evaluate("document.getElementById('key-dialog').open")
    assert [p for p in problems if not p.startswith("net::ERR_ABORTED")] == []
