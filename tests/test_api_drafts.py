"""Drafts with versions, frames, revisions, and rendering them as jobs (SSE, Range, cancel)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from media import close_to, png, video_frame, video_info
from service_helpers import make_settings, tiny

from service.api import create_app


@pytest.fixture
def c(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(tmp_path))) as client:
        yield client


def sse_events(c: TestClient, job_id: str) -> list[tuple[str, dict]]:
    events = []
    with c.stream("GET", f"/jobs/{job_id}/events") as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        kind = None
        for line in r.iter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                events.append((kind, json.loads(line[6:])))
    return events


def test_a_draft_from_html_keeps_every_version_and_restores_any(c: TestClient) -> None:
    r = c.post("/drafts", json={"html": tiny(), "title": "Box"})
    assert r.status_code == 201
    draft = r.json()
    assert draft["version"] == 1 and draft["title"] == "Box" and draft["ok"] and draft["findings"] == []
    assert draft["defaults"] == {"BG": "#102030", "LABEL": "hello"} and draft["placeholders"] == [
        "BG",
        "LABEL",
    ]
    assert draft["editor_url"] == f"/?draft={draft['id']}"

    # an edit with a timer: saved (it is a draft), with the validator's finding and its line
    with_timer = tiny().replace("render(0);", "render(0);\n  setTimeout(() => render(1), 10);")
    r = c.put(f"/drafts/{draft['id']}", json={"html": with_timer, "variables": {"LABEL": "bye"}})
    assert r.status_code == 200
    edited = r.json()
    assert edited["version"] == 2 and not edited["ok"] and edited["variables"] == {"LABEL": "bye"}
    timer = next(f for f in edited["findings"] if f["code"] == "timer-call")
    assert timer["severity"] == "error" and with_timer.splitlines()[timer["line"] - 1].strip().startswith(
        "setTimeout"
    )

    # saving the same thing again makes no new version
    assert c.put(f"/drafts/{draft['id']}", json={"html": with_timer}).json()["version"] == 2

    versions = c.get(f"/drafts/{draft['id']}/versions").json()
    assert [(v["number"], v["source"], v["ok"]) for v in versions] == [(2, "edit", False), (1, "html", True)]
    assert c.get(f"/drafts/{draft['id']}/versions/1").json()["html"] == tiny()

    restored = c.post(f"/drafts/{draft['id']}/versions/1/restore").json()
    assert restored["version"] == 3 and restored["html"] == tiny() and restored["ok"]
    assert restored["source"] == "restore" and restored["note"] == "restored version 1"
    assert c.get(f"/drafts/{draft['id']}").json()["version"] == 3
    assert [d["id"] for d in c.get("/drafts").json()] == [draft["id"]]


def test_every_version_route_names_what_is_missing(c: TestClient) -> None:
    """A missing draft is a 404 for the draft; a missing version of an existing draft, for the version."""
    draft_id = c.post("/drafts", json={"html": tiny()}).json()["id"]
    asks = [
        ("GET", "/versions/9", None, None),
        ("POST", "/versions/9/restore", None, None),
        ("GET", "/frame", {"version": 9}, None),
        ("POST", "/render", None, {"version": 9}),
    ]
    for method, tail, params, body in asks:
        r = c.request(method, f"/drafts/{draft_id}{tail}", params=params, json=body)
        assert r.status_code == 404 and r.json()["error"]["message"] == f"draft {draft_id} has no version 9"
        r = c.request(method, f"/drafts/dr_missing{tail}", params=params, json=body)
        assert r.status_code == 404 and "dr_missing" in r.json()["error"]["message"]
        assert "version" not in r.json()["error"]["message"]


def test_a_draft_from_a_prompt_and_a_revision(c: TestClient) -> None:
    prompt = "A 2-second title card for 'Frame by Frame', dark background, orange accent"
    draft = c.post("/drafts", json={"prompt": prompt, "duration": 2}).json()
    assert draft["source"] == "prompt" and draft["prompt"] == prompt and draft["ok"]
    assert draft["generation"]["provider"] == "offline"

    r = c.post(f"/drafts/{draft['id']}/revise", json={"instruction": "make the background deep blue"})
    assert r.status_code == 200, r.text
    revised = r.json()
    assert revised["version"] == 2 and revised["source"] == "revise"
    assert revised["note"] == "make the background deep blue" and revised["html"] != draft["html"]

    r = c.post(f"/drafts/{draft['id']}/revise", json={"instruction": "qwxz plorp"})
    assert r.status_code == 422
    assert r.json()["error"]["findings"][0]["code"] == "instruction-not-understood"
    assert c.get(f"/drafts/{draft['id']}").json()["version"] == 2  # a failed revision changes nothing


def test_frame_is_a_png_of_that_moment_with_the_saved_variables(c: TestClient) -> None:
    draft = c.post("/drafts", json={"html": tiny(), "variables": {"BG": "#00ff00"}}).json()
    r = c.get(f"/drafts/{draft['id']}/frame", params={"t": 0.5})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    image = png(r.content)
    assert image.size == (320, 180)
    assert close_to(image.getpixel((300, 10)), (0, 255, 0))  # the background variable
    assert close_to(image.getpixel((120, 90)), (255, 136, 0))  # the box at x = 0.5 * 200 px
    assert not close_to(image.getpixel((20, 90)), (255, 136, 0))


def test_render_a_draft_as_a_job_follow_its_events_and_fetch_ranges(c: TestClient) -> None:
    draft = c.post("/drafts", json={"html": tiny()}).json()
    r = c.post(f"/drafts/{draft['id']}/render", json={"fps": 10, "variables": {"LABEL": "x"}})
    assert r.status_code == 202
    job = r.json()
    assert r.headers["location"] == f"/jobs/{job['id']}"
    assert job["status"] in ("queued", "running") and job["frames_total"] == 10
    assert job["draft_id"] == draft["id"] and job["draft_version"] == 1

    events = sse_events(c, job["id"])
    kinds = [k for k, _ in events]
    assert kinds[0] == "snapshot" and kinds[-1] == "status"
    final = events[-1][1]
    assert final["status"] == "succeeded" and final["progress"] == 1.0
    assert final["video_url"] == f"/jobs/{job['id']}/video"
    done = [e["frames_done"] for k, e in events if k == "progress"]
    assert done == sorted(done)

    state = c.get(f"/jobs/{job['id']}").json()
    assert state["status"] == "succeeded" and state["frames_done"] == 10

    whole = c.get(final["video_url"])
    assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes"
    size = int(whole.headers["content-length"])
    part = c.get(final["video_url"], headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-199/{size}"
    assert part.content == whole.content[100:200]
    tail = c.get(final["video_url"], headers={"Range": f"bytes={size - 10}-"})
    assert tail.status_code == 206 and tail.content == whole.content[-10:]
    assert c.get(final["video_url"], headers={"Range": f"bytes={size + 5}-"}).status_code == 416

    r = c.delete(f"/jobs/{job['id']}")
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_finished"


def test_a_render_of_an_older_version_and_cancel_of_a_queued_job(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, render_concurrency=1)
    with TestClient(create_app(settings)) as c:
        long = c.post("/drafts", json={"html": tiny(3)}).json()
        busy = c.post(f"/drafts/{long['id']}/render", json={"fps": 30}).json()  # keeps the one runner busy
        draft = c.post("/drafts", json={"html": tiny()}).json()
        c.put(f"/drafts/{draft['id']}", json={"html": tiny().replace("#ff8800", "#0000ff")})
        waiting = c.post(f"/drafts/{draft['id']}/render", json={"fps": 10}).json()
        cancelled = c.delete(f"/jobs/{waiting['id']}")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        r = c.get(f"/jobs/{waiting['id']}/video")
        assert r.status_code == 409 and r.json()["error"]["code"] == "cancelled"

        first = c.post(f"/drafts/{draft['id']}/render", json={"fps": 10, "version": 1}).json()
        assert sse_events(c, first["id"])[-1][1]["status"] == "succeeded"
        assert c.get(f"/jobs/{first['id']}").json()["draft_version"] == 1
        video = tmp_path / "v1.mp4"
        video.write_bytes(c.get(f"/jobs/{first['id']}/video").content)
        assert video_info(video)["frames"] == 10
        assert close_to(video_frame(video, 5, 10).getpixel((120, 90)), (255, 136, 0))  # v1's orange, not blue
        assert c.get(f"/jobs/{busy['id']}").json()["status"] == "succeeded"  # it ran before the first
