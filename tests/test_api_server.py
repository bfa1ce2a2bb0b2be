"""Against a real uvicorn on 127.0.0.1: concurrent renders under a bounded queue, SSE over HTTP, restarts."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from media import video_info
from service_helpers import LiveServer, make_settings, tiny

from service.api import create_app
from service.storage import JobStatus, open_store


def test_twenty_concurrent_renders_are_each_a_video_or_a_429_and_none_is_lost(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, render_concurrency=2, queue_size=6)

    async def fire(url: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=url, timeout=300) as client:
            body = {"html": tiny(), "fps": 10, "quality": "draft"}
            return await asyncio.gather(*(client.post("/render", json=body) for _ in range(20)))

    with LiveServer(create_app(settings)) as server:
        responses = asyncio.run(fire(server.url))
        health = httpx.get(f"{server.url}/healthz").json()

    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 429}, statuses
    ok = [r for r in responses if r.status_code == 200]
    busy = [r for r in responses if r.status_code == 429]
    assert len(ok) >= settings.queue_size and busy  # the bound was reached and then enforced
    for r in busy:
        assert r.json()["error"]["code"] == "queue_full" and r.headers["retry-after"]
    videos = set()
    for r in ok:
        assert r.headers["content-type"] == "video/mp4" and int(r.headers["content-length"]) == len(r.content)
        videos.add(r.content)
    assert len(videos) == 1  # same HTML, same settings → same bytes
    (tmp_path / "one.mp4").write_bytes(ok[0].content)
    assert video_info(tmp_path / "one.mp4")["frames"] == 10

    store = open_store(settings.data_dir, settings.database_url)
    assert store.count_jobs([JobStatus.SUCCEEDED]) == len(ok)  # every accepted render finished
    assert store.count_jobs([JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED]) == 0
    assert {r.headers["x-seekreel-job"] for r in ok} == {
        j.id for j in store.jobs_with_status([JobStatus.SUCCEEDED])
    }
    assert health["queue"] == 0


def test_sse_progress_over_real_http(tmp_path: Path) -> None:
    with LiveServer(create_app(make_settings(tmp_path))) as server, httpx.Client(base_url=server.url) as c:
        draft = c.post("/drafts", json={"html": tiny()}).json()
        job = c.post(f"/drafts/{draft['id']}/render", json={"fps": 10}).json()
        kinds, last = [], None
        with c.stream("GET", job["events_url"], timeout=120) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            for line in r.iter_lines():
                if line.startswith("event: "):
                    kinds.append(line[7:])
                elif line.startswith("data: "):
                    last = json.loads(line[6:])
        assert kinds[0] == "snapshot" and kinds[-1] == "status" and last["status"] == "succeeded"
        video = c.get(last["video_url"])
        assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"


def test_jobs_queued_when_the_service_stops_run_after_it_starts_again(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, render_concurrency=1)
    with TestClient(create_app(settings)) as c:
        draft = c.post("/drafts", json={"html": tiny()}).json()
        ids = [c.post(f"/drafts/{draft['id']}/render", json={"fps": 10}).json()["id"] for _ in range(3)]
    # stopped: whatever had not finished is queued again, nothing is left "running"
    left = {
        j.id: j.status
        for j in open_store(settings.data_dir, settings.database_url).jobs_with_status(list(JobStatus))
    }
    assert set(left) == set(ids) and JobStatus.RUNNING not in left.values()
    assert JobStatus.QUEUED in left.values()

    with TestClient(create_app(settings)) as c:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            states = [c.get(f"/jobs/{i}").json()["status"] for i in ids]
            if all(s == "succeeded" for s in states):
                break
            time.sleep(0.1)
        assert states == ["succeeded"] * 3
        assert all(c.get(f"/jobs/{i}/video").status_code == 200 for i in ids)
