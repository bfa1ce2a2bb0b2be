"""API jobs on the farm: real `seekreel serve` processes hand their jobs to two real `seekreel
worker` processes through a real Redis, with a real PostgreSQL as the shared state. The API
processes render nothing, and any of them can stream any job — and what happens when a job
finishes (a project's move to Completed, webhooks) happens once, in one of them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from farm_hosts import ROOT, SEEKREEL, RedisServer, Worker, descendants, free_port, wait_for
from fastapi.testclient import TestClient
from postgres_server import PostgresServer
from service_helpers import make_settings, tiny

from service.api import create_app
from tests.fakes.json_http import JsonServer, Reply

KEY = "farm-key"
CLIENT = {"client_id": "acme", "client_secret": "s3cret"}

BODY: dict[str, Any] = {"html": tiny(3), "fps": 10, "variables": {"LABEL": "farm"}, "quality": "draft"}


class Api:
    """`seekreel serve` in its own process with a data folder of its own."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        folder.mkdir()
        self.log = folder / "api.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [SEEKREEL, "serve", "--port", str(self.port)],
                env={**env, "SEEKREEL_DATA_DIR": str(folder)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.url = f"http://127.0.0.1:{self.port}"
        self.http = httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {KEY}"}, timeout=180)
        wait_for(self._up, f"the API on port {self.port}", 90, every=0.2)

    def _up(self) -> bool:
        assert self.proc.poll() is None, self.log.read_text()
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def stop(self) -> None:
        self.http.close()
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Site(list[Api]):
    workers: list[Worker]
    receiver: JsonServer
    """Where the storyboard API's webhooks go (allowed through SEEKREEL_FETCH_ALLOW_HOSTS)."""


def site_env(redis: RedisServer, database_url: str, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEEKREEL_")}
    return {
        **env,
        "SEEKREEL_BROKER_URL": redis.url,
        "SEEKREEL_DATABASE_URL": database_url,
        "SEEKREEL_VIDEOS_DIR": str(folder / "videos"),  # the one folder API and workers share
        "SEEKREEL_PROJECTS_DIR": str(folder / "projects"),  # and the projects' prepared media
        "SEEKREEL_PROVIDER": "offline",
        "SEEKREEL_API_KEYS": KEY,
        "SEEKREEL_OAUTH_CLIENTS": f"{CLIENT['client_id']}:{CLIENT['client_secret']}",
        "SEEKREEL_TOKEN_SECRET": "t0ken-secret",  # alike on every API process: any one checks a token
        "PYTHONPATH": str(ROOT),
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, postgres: PostgresServer) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("site")
    redis = RedisServer(folder)
    redis.start()
    site = Site()
    site.receiver = JsonServer(lambda request: Reply(200, {"ok": True})).__enter__()
    env = {
        **site_env(redis, postgres.database_for(str(folder)), folder),
        "SEEKREEL_FETCH_ALLOW_HOSTS": site.receiver.host_port,
    }
    site.workers = [Worker(f"w{i}", folder, env) for i in (1, 2)]
    try:
        for worker in site.workers:
            worker.start()
        for worker in site.workers:
            worker.wait_ready()
        site += [Api(folder / "api1", env), Api(folder / "api2", env)]
        yield site
    finally:
        for api in site:
            api.stop()
        for worker in site.workers:
            worker.stop()
        redis.stop()
        site.receiver.__exit__(None, None, None)
        for shared in ("videos", "projects"):
            shutil.rmtree(folder / shared, ignore_errors=True)


def events(api: Api, path: str) -> list[tuple[str, dict[str, Any]]]:
    """The whole server-sent event stream of a job, as (event, job) pairs."""
    found: list[tuple[str, dict[str, Any]]] = []
    kind = ""
    with api.http.stream("GET", path, timeout=120) as r:
        assert r.status_code == 200
        for line in r.iter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                found.append((kind, json.loads(line[6:])))
    return found


def test_post_render_on_the_farm_writes_the_embedded_bytes(site: Site, tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path))) as embedded:
        reference = embedded.post("/render", json=BODY)
    assert reference.status_code == 200
    since = [len(w.log()) for w in site.workers]
    r = site[0].http.post("/render", json=BODY)
    assert r.status_code == 200, r.text
    assert r.content == reference.content
    ran = [w.log(s).count("seekreel.run_job[") for w, s in zip(site.workers, since, strict=True)]
    assert sum(ran) >= 1, "a worker ran the job"
    under_api = " ".join(descendants(site[0].proc.pid).values())
    assert "chrom" not in under_api, "the API process started no browser"


def test_a_second_api_process_streams_a_job_the_first_one_queued(site: Site) -> None:
    first, second = site
    draft = first.http.post("/drafts", json={"html": tiny(3)}).json()
    job = first.http.post(f"/drafts/{draft['id']}/render", json={"fps": 10}).json()
    stream: list[tuple[str, dict[str, Any]]] = []
    reader = threading.Thread(target=lambda: stream.extend(events(second, f"/jobs/{job['id']}/events")))
    reader.start()
    reader.join(150)
    assert not reader.is_alive(), "the stream ended when the job finished"
    kinds = [kind for kind, _ in stream]
    assert kinds[0] == "snapshot"
    assert stream[-1][0] == "status" and stream[-1][1]["status"] == "succeeded"
    assert "progress" in kinds or any(j["status"] == "running" for _, j in stream)
    done = [j["frames_done"] for _, j in stream]
    assert done == sorted(done) and done[-1] == stream[-1][1]["frames_total"] == 30
    video = second.http.get(f"/jobs/{job['id']}/video")
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"


def test_a_job_whose_database_went_away_runs_again_when_it_is_back(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """PostgreSQL crashes while a worker renders: the worker cannot record the job, sends its
    task again, and once the database is back the job runs again and succeeds."""
    database = PostgresServer()
    database.start()
    folder = tmp_path_factory.mktemp("outage")
    redis = RedisServer(folder)
    redis.start()
    env = site_env(redis, database.database_for(str(folder)), folder)
    worker = Worker("w3", folder, env)
    api: Api | None = None
    try:
        worker.start()
        worker.wait_ready()
        api = Api(folder / "api", env)
        http = api.http
        draft = http.post("/drafts", json={"html": tiny(3)}).json()
        job = http.post(f"/drafts/{draft['id']}/render", json={"fps": 10}).json()
        status = f"/jobs/{job['id']}"
        wait_for(lambda: http.get(status).json()["status"] == "running", "the job to start", 60)
        database.halt()
        wait_for(lambda: "Retry in" in worker.log(), "the worker to send the job again", 60)
        database.start()
        finished = wait_for(lambda: _finished(http, status), "the job to finish", 120, every=0.5)
        assert finished["status"] == "succeeded", finished
        assert http.get(f"{status}/video").content[4:8] == b"ftyp"
    finally:
        if api is not None:
            api.stop()
        worker.stop()
        redis.stop()
        database.stop()


def _finished(http: httpx.Client, path: str) -> dict[str, Any] | None:
    job: dict[str, Any] = http.get(path).json()
    return job if job["status"] in ("succeeded", "failed", "cancelled") else None


def test_a_narrated_project_approved_through_one_api_process_completes_as_seen_from_another(
    site: Site,
) -> None:
    """Prepared by API process A, rendered by a worker, Completed by whichever API process
    claimed the finished job — and B shows it with its video."""
    first, second = site
    tiny_project = {"text": "A farm made this.", "resolution": "160x90", "quality": "draft"}
    created = first.http.post("/projects", json=tiny_project)
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    wait_for(lambda: _project_in(first, pid, "NeedsApproval"), "the project to be prepared", 120, every=0.2)
    approved = first.http.post(f"/projects/{pid}/approve")
    assert approved.status_code == 202, approved.text
    done = wait_for(
        lambda: _project_in(second, pid, "Completed", "Failed"), "the project to finish", 150, 0.2
    )
    assert done["status"] == "Completed", done
    video = second.http.get(done["video_url"])
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"


def test_a_storyboard_job_shows_its_stages_on_another_api_process_and_its_webhook_comes_once(
    site: Site,
) -> None:
    """Queued through the hosted storyboard API of A, streamed from B with every stage the
    worker went through; its webhook is sent once, though two API processes watch for it."""
    first, second = site
    token = first.http.post("/v1/oauth2/token", json=CLIENT).json()["access_token"]
    request = {
        "videoName": "farm",
        "videoWidth": 160,
        "videoHeight": 90,
        "voiceOver": {"enabled": True, "aiVoices": [{"speaker": "Joe", "speed": 100}]},
        "scenes": [{"story": "Hello from the farm.", "background": {"color": "rgb(0, 0, 255)"}}],
        "webhook": f"{site.receiver.url}/hook",
    }
    created = first.http.post(
        "/pictoryapis/v2/video/storyboard/render", json=request, headers={"Authorization": token}
    )
    assert created.status_code == 200, created.text
    job_id = created.json()["data"]["jobId"]
    stream = events(second, f"/jobs/{job_id}/events")
    assert stream[-1][1]["status"] == "succeeded", stream[-1]
    stages = list(dict.fromkeys(j["stage"]["name"] for _, j in stream if j.get("stage")))
    # The row is read every 0.25 s (docs/scale.md): a stage that short — voicing one warm
    # sentence, fetching nothing for a colour, mixing a second of sound — may pass unseen, and
    # in one CI run all three did. Rendering, the long one, is always seen, in its place.
    assert "rendering" in stages, stages
    order = ["voicing", "fetching", "rendering", "mixing"]
    assert stages == sorted(stages, key=order.index), stages

    def hooks() -> list[Any]:
        return [r for r in site.receiver.requests if r.path == "/hook"]

    wait_for(lambda: len(hooks()) >= 1, "the webhook", 60, every=0.1)
    time.sleep(3)  # both API processes look for finished jobs every second: a second one would come
    assert len(hooks()) == 1
    body = hooks()[0].body
    assert body["job_id"] == job_id and body["data"]["status"] == "completed", body


def _project_in(api: Api, pid: str, *statuses: str) -> dict[str, Any] | None:
    project: dict[str, Any] = api.http.get(f"/projects/{pid}").json()
    return project if project["status"] in statuses else None
