"""Review grants: the link the Slack bot gives the person who asked opens that one project's routes
— read, edit, preview, approve, follow, download — without a key, and nothing else. Against a real
uvicorn on 127.0.0.1 with API keys configured, and on an open server; the real engine at 160x90."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from service_helpers import LiveServer, make_settings
from test_projects import TEXT, TINY, wait_for
from test_storyboard_jobs import events

from service.api import create_app
from service.api.auth import AuthConfig
from service.projects import NewProject, ProjectService
from service.storage import ProjectStatus

WEEK = 7 * 24 * 3600


def granted(grant: str) -> dict[str, str]:
    return {"X-Seekreel-Grant": grant}


def refused(r: httpx.Response, status: int, code: str) -> str:
    assert r.status_code == status, (r.status_code, r.text)
    error: dict[str, str] = r.json()["error"]
    assert error["code"] == code
    return error["message"]


def test_a_grant_opens_its_project_without_the_key_and_nothing_else(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, api_keys="alice-key,bob-key")
    app = create_app(settings)
    auth: AuthConfig = app.state.auth
    with (
        LiveServer(app) as server,
        httpx.Client(
            base_url=server.url, headers={"Authorization": "Bearer alice-key"}, timeout=120
        ) as alice,
        httpx.Client(base_url=server.url, headers={"Authorization": "Bearer bob-key"}, timeout=120) as bob,
        httpx.Client(base_url=server.url, timeout=120) as holder,  # has the link, no key
    ):
        pid = alice.post("/projects", json={"text": TEXT, "title": "Alice's", **TINY}).json()["id"]
        qid = bob.post("/projects", json={"text": "Bob's only section.", **TINY}).json()["id"]
        grant = auth.grant(pid, WEEK)
        assert holder.get(f"/projects/{pid}").status_code == 401  # the key is needed, without a grant

        wait_for(alice, pid, "NeedsApproval")
        project = holder.get(f"/projects/{pid}", headers=granted(grant)).json()
        assert project["user_id"] == alice.get(f"/projects/{pid}").json()["user_id"]  # as its owner
        first, second = project["sections"]
        moved = holder.patch(
            f"/projects/{pid}/sections/{second['id']}", json={"position": 0}, headers=granted(grant)
        )
        assert [s["id"] for s in moved.json()["sections"]] == [second["id"], first["id"]]
        assert holder.get(f"/projects/{pid}/preview", headers=granted(grant)).json()["duration"] > 0
        wav = holder.get(first["audio_url"], params={"grant": grant})  # as <audio src> loads it
        assert wav.status_code == 200 and wav.content[:4] == b"RIFF"

        # not another project, not another route — there the grant is not looked at, or refused
        wait_for(bob, qid, "NeedsApproval")
        message = refused(
            holder.post(f"/projects/{qid}/approve", headers=granted(grant)), 403, "review_link_expired"
        )
        assert "Open in editor" in message
        refused(holder.post(f"/projects/{qid}/cancel", params={"grant": grant}), 403, "review_link_expired")
        assert bob.get(f"/projects/{qid}").json()["status"] == "NeedsApproval"
        for method, path in (("GET", "/projects"), ("GET", "/drafts"), ("POST", "/projects")):
            r = holder.request(method, path, headers=granted(grant), json={"text": "mine now"})
            refused(r, 401, "unauthorized")
        # altered, or expired: refused with a reason the review page shows
        expires, _, signature = grant.partition(".")
        for bad in (
            f"{int(expires) + 1}.{signature}",
            f"{expires}.{signature[:-2]}AA",
            auth.grant(pid, 60, now=time.time() - 120),
            "nonsense",
        ):
            refused(holder.get(f"/projects/{pid}", headers=granted(bad)), 403, "review_link_expired")
        other_server = AuthConfig(api_keys=frozenset(), clients={}, secret=b"z" * 32, ttl=60)
        refused(
            holder.get(f"/projects/{pid}", headers=granted(other_server.grant(pid, WEEK))),
            403,
            "review_link_expired",
        )

        approved = holder.post(f"/projects/{pid}/approve", headers=granted(grant))
        assert approved.status_code == 202 and approved.json()["events_url"] == f"/projects/{pid}/events"
        job_id = approved.json()["job_id"]
        refused(holder.get(f"/jobs/{job_id}", headers=granted(grant)), 401, "unauthorized")
        holder.headers.update(granted(grant))
        followed = events(holder, approved.json()["events_url"])  # through the project's route
        assert followed[-1]["id"] == job_id and followed[-1]["status"] == "succeeded"
        assert {e["stage"]["name"] for e in followed if e.get("stage")} <= {"rendering", "mixing"}
        done = wait_for(holder, pid, "Completed")
        video = holder.get(done["video_url"])
        assert video.status_code == 200 and video.content[4:8] == b"ftyp"


def test_on_an_open_server_a_grant_opens_a_slack_persons_project(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path))
    auth: AuthConfig = app.state.auth
    with TestClient(app) as client:
        service: ProjectService = app.state.services.projects
        owner = "slack:T0FAKE:U0KIRA"
        created = client.portal.call(service.create, owner, NewProject(text=TEXT, render=TINY))
        assert client.get(f"/projects/{created.id}").status_code == 404  # anonymous is not its owner
        grant = auth.grant(created.id, WEEK)
        project = client.get(f"/projects/{created.id}", headers=granted(grant)).json()
        assert project["user_id"] == owner and len(project["sections"]) == 2
        cancelled = client.post(f"/projects/{created.id}/cancel", headers=granted(grant))
        assert cancelled.status_code == 200 and cancelled.json()["error_code"] == "cancelled"
        found = client.portal.call(service.find, created.id)
        assert found.status is ProjectStatus.FAILED
        refused(client.get("/projects/pr_gone", headers=granted(grant)), 403, "review_link_expired")
