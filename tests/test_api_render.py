"""POST /render and POST /ai-render through httpx (FastAPI's TestClient), with real renders."""

from __future__ import annotations

from pathlib import Path

from fakes.openai_server import FakeOpenAI
from fastapi.testclient import TestClient
from media import video_info
from service_helpers import THROWS_LATE, make_settings, tiny

from service.api import create_app
from service.storage import JobStatus, open_store


def client(tmp_path: Path, **overrides: object) -> TestClient:
    return TestClient(create_app(make_settings(tmp_path, **overrides)))


def save(tmp_path: Path, body: bytes, name: str = "out.mp4") -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def test_render_answers_with_the_mp4_and_its_length(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        r = c.post(
            "/render", json={"html": tiny(), "fps": 10, "variables": {"LABEL": "hi"}, "quality": "draft"}
        )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "video/mp4"
    assert int(r.headers["content-length"]) == len(r.content) > 0
    assert r.headers["x-seekreel-job"].startswith("job_")
    info = video_info(save(tmp_path, r.content))
    assert (info["width"], info["height"], info["frames"]) == (320, 180, 10)


def test_render_scales_to_the_requested_resolution(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        r = c.post("/render", json={"html": tiny(), "fps": 10, "resolution": "640x360"})
    assert r.status_code == 200, r.text
    info = video_info(save(tmp_path, r.content))
    assert (info["width"], info["height"]) == (640, 360)


def test_a_page_that_throws_is_a_422_naming_the_error_not_a_500(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        r = c.post("/render", json={"html": THROWS_LATE, "fps": 10})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "page_error" and "boom at the middle" in error["message"]
    assert error["job_id"].startswith("job_")


def test_ai_render_offline_returns_a_video_and_keeps_the_draft(tmp_path: Path) -> None:
    prompt = "A 2-second title card for a podcast called 'Frame by Frame', dark background, orange accent"
    with client(tmp_path) as c:
        r = c.post("/ai-render", json={"prompt": prompt, "duration": 2, "resolution": "360p", "fps": 10})
        assert r.status_code == 200, r.text
        draft = c.get(f"/drafts/{r.headers['x-seekreel-draft']}").json()
    assert r.headers["content-type"] == "video/mp4" and int(r.headers["content-length"]) == len(r.content)
    info = video_info(save(tmp_path, r.content))
    assert (info["width"], info["height"], info["frames"]) == (640, 360, 20)
    assert draft["prompt"] == prompt and draft["source"] == "prompt"
    assert draft["generation"]["provider"] == "offline"
    assert 'data-duration="2"' in draft["html"]


BAD_ANSWER = """```html
<html data-duration="2"><body><script>setInterval(() => {}, 100)</script></body></html>
```"""


def test_ai_render_that_never_validates_is_a_422_with_every_attempt_and_the_last_document(
    tmp_path: Path,
) -> None:
    with FakeOpenAI([BAD_ANSWER]) as fake:
        settings = dict(
            provider="openai", model="gpt-test", openai_api_key="sk-test", openai_base_url=fake.base_url
        )
        with client(tmp_path, max_attempts=2, **settings) as c:
            r = c.post("/ai-render", json={"prompt": "a title card", "duration": 2})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "generation_failed"
    assert len(error["attempts"]) == 2 and len(fake.chat_requests) == 2
    for attempt in error["attempts"]:
        codes = {f["code"] for f in attempt["findings"]}
        assert {"missing-doctype", "timer-call"} <= codes
    assert "setInterval" in error["html"]
    assert error["provider"] == "openai"
    # nothing was queued for a document that failed validation
    stored = make_settings(tmp_path)
    assert open_store(stored.data_dir, stored.database_url).count_jobs(list(JobStatus)) == 0


def test_an_unconfigured_provider_is_a_clear_400(tmp_path: Path) -> None:
    with client(tmp_path, openai_api_key=None, anthropic_api_key=None) as c:
        r = c.post("/ai-render", json={"prompt": "a title card", "provider": "anthropic"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "provider_error"
    assert "ANTHROPIC_API_KEY" in r.json()["error"]["message"]
