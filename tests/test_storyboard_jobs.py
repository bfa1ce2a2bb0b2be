"""`POST /storyboards/render`: a storyboard job through its stages to a video with sound, captions,
soundtrack and composition, over real HTTP; bad input refused naming the field; a database from
the previous version still opens. Engine: the real one (Piper, Chromium, ffmpeg) at 160x90, 10 fps."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from gated_server import GatedEngine
from media import close_to, video_frame, video_info
from service_helpers import LiveServer, make_settings

from sandbox.encode import ffmpeg_exe
from service.api import create_app

RED, BLUE = (255, 0, 0), (0, 0, 255)
STORYBOARD = {
    "title": "Two colours",
    "fps": 10,
    "scenes": [
        {"text": "Hello there.", "background": {"color": "#ff0000"}},
        {"text": "And now the second scene.", "background": {"color": "#0000ff"}},
    ],
}


def audio_seconds(path: Path) -> float:
    """The duration of the file's audio stream, decoded (0 when it has none)."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", "0:a:0", "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        return 0.0
    h, m, s = proc.stderr.rsplit("time=", 1)[1].split()[0].split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def events(client: httpx.Client, url: str, *, then_open: Path | None = None) -> list[dict[str, Any]]:
    """The job's events until it finished; `then_open` (a gate file) is removed once subscribed."""
    out = []
    with client.stream("GET", url, timeout=120) as r:
        for line in r.iter_lines():
            if line.startswith("data: "):
                out.append(json.loads(line[6:]))
                if then_open is not None:
                    then_open.unlink(missing_ok=True)
    return out


def test_a_storyboard_job_goes_through_its_stages_and_links_its_files(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    gate = tmp_path / "gate"
    gate.touch()  # the job waits until we listen, so we see every stage
    with (
        LiveServer(create_app(settings, engine=GatedEngine(settings, gate=gate))) as server,
        httpx.Client(base_url=server.url, timeout=120) as c,
    ):
        r = c.post("/storyboards/render?resolution=160x90&quality=draft", json=STORYBOARD)
        assert r.status_code == 202, r.text
        job = r.json()
        assert job["kind"] == "storyboard" and r.headers["location"] == f"/jobs/{job['id']}"

        seen = events(c, job["events_url"], then_open=gate)
        stages = [e["stage"]["name"] for e in seen if e.get("stage")]
        firsts = list(dict.fromkeys(stages))
        assert firsts == ["voicing", "fetching", "rendering", "mixing"], stages
        progress = [e["progress"] for e in seen]
        assert progress == sorted(progress) and progress[-1] == 1.0
        done = seen[-1]
        assert done["status"] == "succeeded" and done["story"]["warnings"] == []
        story = done["story"]

        video = tmp_path / "story.mp4"
        video.write_bytes(c.get(done["video_url"]).content)
        info = video_info(video)
        assert (info["width"], info["height"]) == (160, 90)
        assert abs(audio_seconds(video) - info["duration"]) < 0.15  # sound as long as the picture
        assert close_to(video_frame(video, 2, 10).getpixel((80, 20)), RED)
        assert close_to(video_frame(video, info["frames"] - 2, 10).getpixel((80, 20)), BLUE)

        vtt = c.get(story["captions_url"])
        assert vtt.headers["content-type"].startswith("text/vtt")
        assert vtt.text.startswith("WEBVTT") and vtt.text.index("Hello there.") < vtt.text.index(
            "second scene"
        )
        assert "-->" in c.get(story["captions_srt_url"]).text
        audio = c.get(story["audio_url"])
        assert audio.headers["content-type"] == "audio/mp4" and audio.content[4:8] == b"ftyp"
        page = c.get(story["composition_url"])
        assert page.headers["content-type"].startswith("text/html") and "data-duration" in page.text
        assert page.headers["content-security-policy"] == "sandbox allow-scripts"
        assert c.get(f"/jobs/{job['id']}/composition/%2e%2e/%2e%2e/seekreel.db").status_code == 404
        ranged = c.get(done["video_url"], headers={"Range": "bytes=0-99"})
        assert ranged.status_code == 206 and len(ranged.content) == 100


@pytest.mark.parametrize(
    ("body", "code", "names"),
    [
        ({"scenes": []}, "invalid_storyboard", "scenes"),
        ({"scenes": [{"text": "  "}]}, "invalid_storyboard", "scene 1 (scenes[0].text)"),
        ({"scenes": [{"text": "a"}], "backgroud": {}}, "invalid_storyboard", "backgroud"),
        ({"scenes": [{"text": "a", "background": {"src": "/etc/passwd"}}]}, "source_refused", "scenes[0].background.src"),
        ({"scenes": [{"text": "a", "background": {"src": "file:///etc/passwd"}}]}, "invalid_storyboard", "scenes[0].background.src"),
        ({"scenes": [{"text": "a"}, {"text": "b", "background": {"src": "http://10.1.2.3/x.gif"}}]}, "source_refused", "scene 2"),
        ({"scenes": [{"text": "a", "background": {"src": "http://169.254.169.254/latest/"}}]}, "source_refused", "link-local"),
        ({"scenes": [{"text": "a"}], "music": {"src": "http://[::1]:9/bed.mp3"}}, "source_refused", "music.src"),
    ],
)  # fmt: skip
def test_bad_storyboards_are_a_400_naming_the_field(
    tmp_path: Path, body: dict, code: str, names: str
) -> None:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as c:
        r = c.post("/storyboards/render", json=body)
        assert r.status_code == 400, r.text
        error = r.json()["error"]
        assert error["code"] == code and names in error["message"], error
        assert c.get("/healthz").json()["queue"] == 0  # nothing was queued


def test_a_resolution_over_the_limit_is_refused_before_queueing(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as c:
        r = c.post("/storyboards/render?resolution=4k", json=STORYBOARD)
        assert r.status_code == 400 and r.json()["error"]["code"] == "resolution_too_large"


PREVIOUS_SCHEMA = """
CREATE TABLE drafts (id VARCHAR(40) NOT NULL, title VARCHAR(200) NOT NULL, prompt TEXT,
  current_version INTEGER NOT NULL, version_count INTEGER NOT NULL, meta JSON NOT NULL,
  created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, PRIMARY KEY (id));
CREATE INDEX ix_drafts_updated_at ON drafts (updated_at);
CREATE TABLE jobs (id VARCHAR(40) NOT NULL, status VARCHAR(16) NOT NULL, html TEXT NOT NULL,
  options JSON NOT NULL, meta JSON NOT NULL, draft_id VARCHAR(40), draft_version INTEGER,
  frames_done INTEGER NOT NULL, frames_total INTEGER NOT NULL, error TEXT, error_code VARCHAR(40),
  runs INTEGER NOT NULL, video_path TEXT, video_bytes INTEGER, created_at DATETIME NOT NULL,
  started_at DATETIME, finished_at DATETIME, PRIMARY KEY (id));
CREATE INDEX ix_jobs_status ON jobs (status);
CREATE INDEX ix_jobs_created_at ON jobs (created_at);
CREATE INDEX ix_jobs_draft_id ON jobs (draft_id);
CREATE TABLE draft_versions (draft_id VARCHAR(40) NOT NULL, number INTEGER NOT NULL, html TEXT NOT NULL,
  variables JSON NOT NULL, findings JSON NOT NULL, source VARCHAR(16) NOT NULL, note TEXT,
  created_at DATETIME NOT NULL, PRIMARY KEY (draft_id, number),
  FOREIGN KEY(draft_id) REFERENCES drafts (id) ON DELETE CASCADE);
"""
"""The tables exactly as the version before storyboards created them (SQLAlchemy's SQLite DDL)."""


def test_a_database_of_the_previous_version_opens_and_keeps_its_jobs(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    settings.data_dir.mkdir(parents=True)
    video = settings.data_dir / "old.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(100))
    with sqlite3.connect(settings.data_dir / "seekreel.db") as db:
        db.executescript(PREVIOUS_SCHEMA)
        db.execute(
            "INSERT INTO jobs VALUES ('job_old', 'succeeded', '<html></html>', '{\"fps\": 10}', '{\"via\": \"draft\"}',"
            " NULL, NULL, 10, 10, NULL, NULL, 1, ?, 116, ?, ?, ?)",
            (str(video), *[datetime.now(UTC).replace(tzinfo=None).isoformat(" ")] * 3),
        )
    with TestClient(create_app(settings)) as c:
        old = c.get("/jobs/job_old").json()
        assert old["kind"] == "html" and old["status"] == "succeeded" and old["story"] is None
        assert c.get("/jobs/job_old/video").content == video.read_bytes()
        assert c.post("/projects", json={"text": "Hello."}).status_code == 201  # the new tables were added
    with sqlite3.connect(settings.data_dir / "seekreel.db") as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(jobs)")]
    # Every column the old table had is still there (rows intact above); the migrations only add.
    old_columns = PREVIOUS_SCHEMA.split("CREATE TABLE jobs (", 1)[1].split("PRIMARY KEY", 1)[0]
    assert [c.split()[0] for c in old_columns.split(",") if c.strip()] == columns[:17]
