"""Projects with approval, against a real uvicorn on 127.0.0.1: the whole lifecycle, the one-active
rule, users kept apart, a model that never writes valid JSON, cancel, retention — and a server
killed while Finalizing. Engine: the real one (Piper, Chromium, ffmpeg) at 160x90, draft quality."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from media import video_info
from service_helpers import LiveServer, make_settings
from test_storyboard_jobs import audio_seconds, events

from service.api import create_app
from service.projects.pipeline_engine import PipelineEngine
from service.speech import stats
from service.storage import open_store
from tests.fakes.models import chat_requests, fake_model

ROOT = Path(__file__).resolve().parent.parent
TEXT = "The first section.\n\nThe second section, a little longer than the first."
TINY = {"resolution": "160x90", "quality": "draft"}
"""Every project here is rendered this small."""


def wait_for(client: httpx.Client | TestClient, project_id: str, *statuses: str) -> dict[str, Any]:
    """Poll the project until it reaches one of `statuses` (a deadline only bounds a broken run)."""
    deadline = time.monotonic() + 120
    while True:
        project: dict[str, Any] = client.get(f"/projects/{project_id}").json()
        if project["status"] in statuses or time.monotonic() > deadline:
            assert project["status"] in statuses, project
            return project
        time.sleep(0.05)


def test_a_project_from_text_to_video_with_one_edit_re_voicing_one_section(tmp_path: Path) -> None:
    # a speech cache of its own: each text voiced in this test is a miss, each lookup counted
    settings = make_settings(tmp_path, api_keys="alice-key,bob-key", tts_cache_dir=tmp_path / "tts")
    with (
        LiveServer(create_app(settings)) as server,
        httpx.Client(
            base_url=server.url, headers={"Authorization": "Bearer alice-key"}, timeout=120
        ) as alice,
        httpx.Client(base_url=server.url, headers={"Authorization": "Bearer bob-key"}, timeout=120) as bob,
    ):
        r = alice.post("/projects", json={"text": TEXT, "title": "Demo", **TINY})
        assert r.status_code == 201, r.text
        created = r.json()
        assert created["status"] == "InProgress" and created["title"] == "Demo"
        pid = created["id"]

        busy = alice.post("/projects", json={"text": "Another one."})
        assert busy.status_code == 409
        assert busy.json()["error"]["code"] == "project_active" and busy.json()["error"]["project_id"] == pid

        assert bob.get(f"/projects/{pid}").status_code == 404  # users are kept apart
        assert bob.post(f"/projects/{pid}/approve").status_code == 404
        assert bob.get("/projects").json() == []

        project = wait_for(alice, pid, "NeedsApproval")
        first, second = project["sections"]
        assert [s["text"] for s in project["sections"]] == TEXT.split("\n\n")
        assert all(s["status"] == "ready" and s["audio_duration"] > 0 for s in project["sections"])
        assert first["background_kind"] == "color" and first["background"] == {
            "color": first["background_color"]
        }
        wav = alice.get(first["audio_url"])
        assert wav.content[:4] == b"RIFF" and wav.headers["content-type"] == "audio/wav"
        assert bob.get(first["audio_url"]).status_code == 404

        before = (stats.hits, stats.misses)
        r = alice.patch(f"/projects/{pid}/sections/{second['id']}", json={"text": "A new second section."})
        assert r.status_code == 200, r.text
        edited = r.json()["sections"]
        assert (stats.hits, stats.misses) == (before[0], before[1] + 1)  # one text voiced: the edit
        assert edited[0]["audio_url"] == first["audio_url"] and edited[1]["audio_url"] != second["audio_url"]
        assert alice.get(edited[1]["audio_url"]).content != wav.content

        moved = alice.patch(f"/projects/{pid}/sections/{second['id']}", json={"position": 0}).json()
        assert [s["text"] for s in moved["sections"]] == ["A new second section.", "The first section."]
        added = alice.post(f"/projects/{pid}/sections", json={"text": "A third one.", "hint": "rust crab"})
        assert added.status_code == 201 and added.json()["sections"][2]["hint"] == "rust crab"
        third = added.json()["sections"][2]["id"]
        assert alice.delete(f"/projects/{pid}/sections/{third}").status_code == 200
        assert (stats.hits, stats.misses) == (before[0], before[1] + 2)  # the new one; moving voices nothing

        r = alice.post(f"/projects/{pid}/approve")
        assert r.status_code == 202 and r.json()["status"] == "Finalizing" and r.json()["job_id"]
        again = alice.post(f"/projects/{pid}/approve")
        assert again.status_code == 409 and again.json()["error"]["project_status"] in (
            "Finalizing",
            "Completed",
        )
        assert (
            alice.patch(f"/projects/{pid}/sections/{first['id']}", json={"text": "late"}).status_code == 409
        )
        assert alice.post("/projects", json={"text": "Finalizing is not active.", **TINY}).status_code == 201

        stages = {e["stage"]["name"] for e in events(alice, r.json()["events_url"]) if e.get("stage")}
        assert stages <= {"rendering", "mixing"}  # voices and backgrounds were made before
        done = wait_for(alice, pid, "Completed")
        video = tmp_path / "project.mp4"
        video.write_bytes(alice.get(done["video_url"]).content)
        assert abs(audio_seconds(video) - video_info(video)["duration"]) < 0.15
        captions = alice.get(done["captions_url"]).text
        assert captions.index("A new second section.") < captions.index("The first section.")
        assert bob.get(done["video_url"]).status_code == 404
        listed = alice.get("/projects").json()
        assert [p["title"] for p in listed] == ["Finalizing is not active.", "Demo"] and listed[1][
            "status"
        ] == "Completed"  # newest first


def test_a_failed_or_cancelled_project_frees_the_user_for_a_new_one(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as c:
        r = c.post("/projects", json={"text": TEXT, "voice": {"name": "nobody"}, **TINY})
        failed = wait_for(c, r.json()["id"], "Failed")
        assert failed["error_code"] == "section_failed" and "unknown Piper voice 'nobody'" in failed["error"]
        assert {f["position"] for f in failed["failures"]} == {0, 1}
        assert all("unknown Piper voice" in f["error"] for f in failed["failures"])
        assert c.post(f"/projects/{failed['id']}/approve").json()["error"]["code"] == "not_awaiting_approval"

        second = c.post("/projects", json={"text": TEXT, **TINY})
        assert second.status_code == 201
        wait_for(c, second.json()["id"], "NeedsApproval")
        cancelled = c.post(f"/projects/{second.json()['id']}/cancel").json()
        assert cancelled["status"] == "Failed" and cancelled["error_code"] == "cancelled"
        assert c.post(f"/projects/{second.json()['id']}/cancel").status_code == 409
        assert (
            c.post("/projects", json={"storyboard": {"scenes": [{"text": "Third."}]}, **TINY}).status_code
            == 201
        )


def test_bad_project_requests_are_refused_before_anything_is_stored(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, max_prompt_chars=40)
    with TestClient(create_app(settings)) as c:
        both = c.post("/projects", json={"text": "a", "topic": "b"})
        assert both.status_code == 400 and "exactly one of topic, text or storyboard" in both.text
        bad = c.post("/projects", json={"storyboard": {"scenes": [{"text": "a"}, {"text": ""}]}})
        assert (
            bad.json()["error"]["code"] == "invalid_storyboard"
            and "scene 2" in bad.json()["error"]["message"]
        )
        local = c.post(
            "/projects", json={"storyboard": {"scenes": [{"text": "a", "background": {"src": "x.gif"}}]}}
        )
        assert local.json()["error"]["code"] == "source_refused"
        offline = c.post("/projects", json={"topic": "Rust in one minute"})
        assert offline.status_code == 400 and offline.json()["error"]["code"] == "no_script_writer"
        long = c.post("/projects", json={"topic": "Rust in one minute, " + " " * 30})
        assert long.status_code == 413 and long.json()["error"] == {
            "code": "prompt_too_long",
            "message": "the topic has 50 characters; this server accepts at most 40",
        }
        assert c.get("/projects").json() == []


def test_a_model_that_never_writes_valid_json_fails_the_project_with_the_findings(tmp_path: Path) -> None:
    with fake_model("openai", ["Sure! Here is your video: scene one, then scene two."]) as (fake, model):
        settings = make_settings(tmp_path, **{k: getattr(model, k) for k in ("provider", "model", "openai_api_key", "openai_base_url", "provider_retries")})  # fmt: skip
        with TestClient(create_app(settings)) as c:
            r = c.post("/projects", json={"topic": "Rust in one minute"})
            assert r.status_code == 201
            failed = wait_for(c, r.json()["id"], "Failed")
        assert failed["error_code"] == "script_not_written" and failed["findings"]
        assert failed["sections"] == [] and len(chat_requests(fake)) == settings.story_max_attempts
        assert "Rust in one minute" in json.dumps(chat_requests(fake)[0].body)


def test_a_topic_becomes_sections_the_model_wrote(tmp_path: Path) -> None:
    script = json.dumps({"title": "Rust", "scenes": [{"text": "Rust is fast."}, {"text": "Rust is safe."}]})
    with fake_model("openai", ["not yet", script]) as (_, model):
        settings = make_settings(tmp_path, **{k: getattr(model, k) for k in ("provider", "model", "openai_api_key", "openai_base_url")})  # fmt: skip
        with TestClient(create_app(settings)) as c:
            r = c.post("/projects", json={"topic": "Rust in one minute", "aspect": "9:16", **TINY})
            ready = wait_for(c, r.json()["id"], "NeedsApproval")
    assert [s["text"] for s in ready["sections"]] == ["Rust is fast.", "Rust is safe."]
    assert ready["settings"]["aspect"] == "9:16" and ready["topic"] == "Rust in one minute"


def test_retention_deletes_a_finished_projects_files_but_keeps_the_record(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as c:
        pid = c.post("/projects", json={"text": TEXT, **TINY}).json()["id"]
        audio_url = wait_for(c, pid, "NeedsApproval")["sections"][0]["audio_url"]
        c.post(f"/projects/{pid}/cancel")
    expiring = make_settings(tmp_path, project_retention_hours=0)
    with TestClient(create_app(expiring)) as c:
        deadline = time.monotonic() + 30
        while c.get(audio_url).status_code != 410 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert c.get(audio_url).json()["error"]["code"] == "files_expired"
        assert c.get(f"/projects/{pid}").json()["status"] == "Failed"
    assert not (settings.data_dir / "projects" / pid).exists()


class CountingEngine(PipelineEngine):
    """The real engine, noting how many sections it prepares at once (the bound under test)."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.now = self.most = 0

    async def prepare(self, storyboard: dict[str, Any], index: int, *, folder: Path) -> Any:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            return await super().prepare(storyboard, index, folder=folder)
        finally:
            self.now -= 1


def test_sections_are_prepared_a_bounded_number_at_a_time(tmp_path: Path) -> None:
    # an empty speech cache: every section is voiced by Piper, which takes a while, so they overlap
    settings = make_settings(tmp_path, project_concurrency=2, tts_cache_dir=tmp_path / "tts")
    engine = CountingEngine(settings)
    with TestClient(create_app(settings, engine=engine)) as c:
        text = "\n\n".join(f"Section number {n}." for n in range(6))
        ready = wait_for(c, c.post("/projects", json={"text": text, **TINY}).json()["id"], "NeedsApproval")
    assert len(ready["sections"]) == 6 and engine.most == 2


def test_projects_left_in_progress_resume_once_then_fail_with_a_reason(tmp_path: Path) -> None:
    """What a killed process leaves: InProgress rows with pending sections (runs counts the tries)."""
    settings = make_settings(tmp_path)
    store = open_store(settings.data_dir, settings.database_url)
    scenes = [{"text": "One."}, {"text": "Two."}]
    common: dict[str, Any] = {"source": "text", "topic": None, "title": "t", "settings": {}, "render": {}}
    once = store.projects.create_project(user_id="u1", scenes=scenes, **common)
    store.projects.update_project(once.id, runs=1)
    twice = store.projects.create_project(user_id="u2", scenes=scenes, **common)
    store.projects.update_project(twice.id, runs=2)
    store.close()
    with TestClient(create_app(settings)):
        check = open_store(settings.data_dir, settings.database_url).projects
        deadline = time.monotonic() + 60
        while check.get_project(once.id).status.value == "InProgress" and time.monotonic() < deadline:
            time.sleep(0.05)
        resumed, gave_up = check.get_project(once.id), check.get_project(twice.id)
    assert resumed.status.value == "NeedsApproval" and resumed.runs == 2
    assert all(s.status.value == "ready" for s in resumed.sections)
    assert gave_up.status.value == "Failed" and gave_up.error_code == "interrupted"
    assert "stopped twice" in (gave_up.error or "")


def test_a_clients_note_joins_the_projects_meta_and_outlives_the_process(tmp_path: Path) -> None:
    """What the Slack bot keeps there (where its review card is): the other keys and the status stay."""
    settings = make_settings(tmp_path)
    store = open_store(settings.data_dir, settings.database_url)
    origin = {"via": "slack", "slack": {"channel_id": "C1", "user_id": "U1"}}
    project = store.projects.create_project(
        user_id="u1", source="text", topic=None, title="t", settings={}, render={}, meta=origin
    )
    store.projects.update_project(project.id, status="NeedsApproval")
    noted = store.projects.merge_meta(project.id, {"slack_card": {"channel": "C1", "ts": "1.000002"}})
    assert noted is not None and noted.status.value == "NeedsApproval"
    assert store.projects.merge_meta("pr_nonesuch", {"slack_card": {}}) is None
    store.close()
    reopened = open_store(settings.data_dir, settings.database_url)
    try:
        kept = reopened.projects.get_project(project.id)
        assert kept is not None and kept.meta == {**origin, "slack_card": {"channel": "C1", "ts": "1.000002"}}
    finally:
        reopened.close()


# ---- a server killed while Finalizing ------------------------------------------------------


@contextmanager
def gated_server(data_dir: Path, gate: Path) -> Iterator[str]:
    """The service with the real engine, gated, in its own process, so a test can kill it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEEKREEL_")}
    env.update(SEEKREEL_DATA_DIR=str(data_dir), GATE_FILE=str(gate), PYTHONPATH=f"{ROOT}:{ROOT / 'tests'}")
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "gated_server.py"), str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        yield url
    finally:
        proc.kill()
        proc.wait(30)


def test_a_server_killed_while_finalizing_finishes_the_project_after_a_restart(tmp_path: Path) -> None:
    data, gate = tmp_path / "data", tmp_path / "gate"
    with gated_server(data, gate) as url, httpx.Client(base_url=url, timeout=60) as c:
        pid = c.post("/projects", json={"text": TEXT, **TINY}).json()["id"]
        wait_for(c, pid, "NeedsApproval")
        gate.touch()  # the render will wait here: kill it while it runs
        job_id = c.post(f"/projects/{pid}/approve").json()["job_id"]
        deadline = time.monotonic() + 60
        while c.get(f"/jobs/{job_id}").json()["status"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    # killed (SIGKILL): the project is Finalizing, its job "running" in the database
    gate.unlink()
    with gated_server(data, gate) as url, httpx.Client(base_url=url, timeout=60) as c:
        done = wait_for(c, pid, "Completed", "Failed")
        assert done["status"] == "Completed", done
        assert c.get(f"/jobs/{job_id}").json()["status"] == "succeeded"
        video = c.get(done["video_url"])
        assert video.status_code == 200 and video.content[4:8] == b"ftyp"
    assert open_store(data).get_job(job_id).runs == 2  # the interrupted run, then the one that finished
    assert not list((data / "videos").glob(".*partial*"))  # nothing half-written was left
