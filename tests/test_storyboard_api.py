"""The hosted storyboard API's routes and shapes: a client written against them works by changing
its base URL. Real uvicorn on 127.0.0.1; webhooks go to a loopback receiver allowed through
SEEKREEL_FETCH_ALLOW_HOSTS (the SSRF guard is the real one). Engine: the real one (Piper, Chromium,
ffmpeg) at 160x90."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from gated_server import GatedEngine
from media import close_to, video_frame, video_info
from service_helpers import LiveServer, make_settings
from test_storyboard_jobs import audio_seconds

from service.api import create_app
from service.api.compat.mapping import color, to_storyboard
from service.api.compat.schemas import StoryboardRequest
from service.projects import StoryboardInvalid
from tests.fakes.json_http import JsonServer, Reply

CLIENT = {"client_id": "acme", "client_secret": "s3cret"}
REQUEST: dict[str, Any] = {
    "videoName": "rust-in-one-minute",
    "videoWidth": 160,  # 16:9, rendered this small
    "videoHeight": 90,
    "language": "en",
    "voiceOver": {"enabled": True, "aiVoices": [{"speaker": "Joe", "speed": 100}]},
    "subtitleStyle": {"fontSize": 40, "color": "rgb(255, 255, 255)", "position": "bottom-center"},
    "logo": {"url": "https://example.org/logo.png"},  # not supported: ignored
    "scenes": [
        {"story": "Welcome to our video on Rust!", "background": {"color": "rgb(255, 0, 0)"}, "sceneTransition": "fade"},
        {"story": "It is fast. It is safe.", "createSceneOnEndOfSentence": True, "minimumDuration": 1},
    ],
}  # fmt: skip


class Client:
    """What a client of the hosted API does: a token by JSON, the bare token as Authorization."""

    def __init__(self, base: str) -> None:
        token = httpx.post(f"{base}/v1/oauth2/token", json=CLIENT).json()["access_token"]
        self.http = httpx.Client(base_url=base, headers={"Authorization": token}, timeout=60)

    def poll(self, job_id: str) -> tuple[dict[str, Any], list[int]]:
        """GET /v1/jobs/{id} until it is completed or failed; (last body, every renderProgress)."""
        seen, deadline = [], time.monotonic() + 120
        while True:
            body: dict[str, Any] = self.http.get(f"/v1/jobs/{job_id}").json()
            seen.append(body["data"]["renderProgress"])
            if body["data"]["status"] != "in-progress" or time.monotonic() > deadline:
                return body, seen
            time.sleep(0.2)


@pytest.fixture
def receiver() -> Any:
    with JsonServer(lambda request: Reply(200, {"ok": True})) as server:
        yield server


def settings_for(tmp_path: Path, receiver: JsonServer) -> Any:
    return make_settings(
        tmp_path,
        oauth_clients="acme:s3cret",
        token_secret="t0ken-secret",
        fetch_allow_hosts=receiver.host_port,
    )


def test_a_compatible_client_renders_and_downloads_the_video_without_a_header(
    tmp_path: Path, receiver: JsonServer
) -> None:
    settings = settings_for(tmp_path, receiver)
    with LiveServer(create_app(settings)) as server:
        base = f"{server.url}/pictoryapis"
        client = Client(base)
        created = client.http.post(
            "/v2/video/storyboard/render", json={**REQUEST, "webhook": f"{receiver.url}/hook"}
        )
        assert created.status_code == 200, created.text
        assert created.json()["success"] is True
        job_id = created.json()["data"]["jobId"]

        done, progress = client.poll(job_id)
        assert done["job_id"] == job_id and done["success"] is True and done["data"]["status"] == "completed"
        assert progress == sorted(progress) and progress[-1] == 100
        url = done["data"]["videoUrl"]
        assert url.startswith(f"{server.url}/") and done["data"]["videoURL"] == url

        video = httpx.get(url)  # no Authorization header
        assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
        mp4 = tmp_path / "v.mp4"
        mp4.write_bytes(video.content)
        info = video_info(mp4)
        assert (info["width"], info["height"]) == (160, 90)
        assert (
            abs(audio_seconds(mp4) - info["duration"]) < 0.1
        )  # a narrated MP4, sound as long as the picture
        assert close_to(video_frame(mp4, 3, 30).getpixel((80, 20)), (255, 0, 0))
        assert "Welcome to our video on Rust!" in httpx.get(done["data"]["vttUrl"]).text
        srt = httpx.get(done["data"]["srtUrl"]).text
        assert "Welcome to our video on Rust!" in srt and "-->" in srt
        assert httpx.get(done["data"]["audioUrl"]).content[4:8] == b"ftyp"
        assert httpx.get(url.replace("signature=", "signature=x")).status_code == 403
        assert httpx.get(url.split("?")[0]).status_code == 401
        assert httpx.get(f"{server.url}/jobs/{job_id}/captions.vtt?" + url.split("?")[1]).status_code == 403

        deadline = time.monotonic() + 30
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        [hook] = receiver.requests
        assert hook.method == "POST" and hook.path == "/hook"
        assert hook.body["job_id"] == job_id and hook.body["data"]["status"] == "completed"


def test_a_preview_is_the_approval_step_then_rendered_as_it_is(tmp_path: Path, receiver: JsonServer) -> None:
    settings = settings_for(tmp_path, receiver)
    with LiveServer(create_app(settings)) as server:
        client = Client(server.url)
        hook = {**REQUEST, "webhook": f"{receiver.url}/preview"}
        preview_id = client.http.post("/v2/video/storyboard", json=hook).json()["data"]["jobId"]
        busy = client.http.post("/v2/video/storyboard", json=REQUEST)
        assert busy.status_code == 409 and busy.json()["error"]["project_id"] == preview_id

        preview, _ = client.poll(preview_id)
        assert (
            preview["data"]["status"] == "completed" and preview["data"]["projectStatus"] == "NeedsApproval"
        )
        scenes = preview["data"]["preview"]["scenes"]
        assert [s["story"] for s in scenes] == ["Welcome to our video on Rust!", "It is fast.", "It is safe."]
        assert httpx.get(scenes[0]["audioUrl"]).content[:4] == b"RIFF"  # signed: no header needed
        assert (
            client.http.get(f"/projects/{preview_id}").json()["status"] == "NeedsApproval"
        )  # the same project

        rendered = client.http.put(f"/v2/video/render/{preview_id}")
        assert rendered.status_code == 200
        render_id = rendered.json()["data"]["jobId"]
        assert client.http.put(f"/v2/video/render/{preview_id}").status_code == 409
        done, _ = client.poll(render_id)
        assert (
            done["data"]["status"] == "completed" and httpx.get(done["data"]["videoUrl"]).status_code == 200
        )
        assert client.poll(preview_id)[0]["data"]["renderJobId"] == render_id
        deadline = time.monotonic() + 30
        while len(receiver.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    ready, finished = sorted(receiver.requests, key=lambda r: r.body["job_id"] != preview_id)
    assert ready.body["job_id"] == preview_id and ready.body["data"]["projectStatus"] == "NeedsApproval"
    assert finished.body["job_id"] == render_id and finished.body["data"]["status"] == "completed"


def test_a_webhook_the_guard_refuses_is_refused_with_the_request(
    tmp_path: Path, receiver: JsonServer
) -> None:
    settings = settings_for(tmp_path, receiver)
    with LiveServer(create_app(settings)) as server:
        client = Client(server.url)
        for url in ("http://169.254.169.254/hook", "ftp://example.org/hook", "http://10.0.0.7:8080/x"):
            r = client.http.post("/v2/video/storyboard/render", json={**REQUEST, "webhook": url})
            assert r.status_code == 400 and r.json()["error"]["code"] == "source_refused", r.text
            assert r.json()["error"]["message"].startswith("webhook: ")
        assert client.http.get("/healthz").json()["queue"] == 0


def test_a_failed_render_answers_success_false_with_a_code_and_a_message(
    tmp_path: Path, receiver: JsonServer
) -> None:
    settings = settings_for(tmp_path, receiver)
    gate = tmp_path / "gate"
    gate.touch()
    with LiveServer(create_app(settings, engine=GatedEngine(settings, gate=gate))) as server:
        client = Client(server.url)
        job_id = client.http.post("/v2/video/storyboard/render", json=REQUEST).json()["data"]["jobId"]
        assert client.http.get(f"/v1/jobs/{job_id}").json()["data"]["status"] == "in-progress"
        client.http.delete(f"/jobs/{job_id}")
        gate.unlink()
        body, _ = client.poll(job_id)
    assert body["success"] is False and body["data"]["status"] == "failed"
    assert body["data"]["error_code"] == "cancelled" and body["data"]["error_message"]


def test_tokens_by_form_and_by_json_and_errors_in_the_oauth_shape(
    tmp_path: Path, receiver: JsonServer
) -> None:
    settings = settings_for(tmp_path, receiver)
    with LiveServer(create_app(settings)) as server:
        form = httpx.post(f"{server.url}/oauth2/token", data={"grant_type": "client_credentials", **CLIENT})
        by_json = httpx.post(f"{server.url}/pictoryapis/v1/oauth2/token", json=CLIENT)
        for r in (form, by_json):
            assert (
                r.status_code == 200 and r.json()["token_type"] == "Bearer" and r.json()["expires_in"] == 3600
            )
        wrong = httpx.post(f"{server.url}/v1/oauth2/token", json={**CLIENT, "client_secret": "no"})
        assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
        token = by_json.json()["access_token"]
        for header in (token, f"Bearer {token}"):
            assert httpx.get(f"{server.url}/projects", headers={"Authorization": header}).status_code == 200
        assert httpx.get(f"{server.url}/projects", headers={"Authorization": "nonsense"}).status_code == 401


def test_the_request_maps_onto_a_storyboard() -> None:
    found = {"joe": {"provider": "piper", "name": "joe"}}
    request = StoryboardRequest.model_validate(
        {
            "videoName": "n",
            "videoWidth": 1080,
            "videoHeight": 1920,
            "voiceOver": {"aiVoices": [{"speaker": "Matthew", "speed": 150}]},
            "subtitleStyle": {"fontSize": 400, "backgroundColor": "rgba(0,0,0,0.5)", "keywordColor": "#ffcc00",
                              "position": "top-left"},
            "backgroundMusic": {"enabled": True, "musicUrl": "https://example.org/bed.mp3"},
            "scenes": [
                {"story": "A.", "hideSubtitles": True, "maxSubtitleLines": 3,
                 "background": {"type": "image", "aiVisual": {"model": "flux-schnell", "mediaStyle": "cartoon"}}},
                {"story": "B.", "hideSubtitles": True, "endPauseDuration": 0.5,
                 "background": {"searchFilter": {"keywords": ["ocean", "waves"]}, "settings": {"zoomAndPan": True}}},
                {"story": "C.\nD.", "hideSubtitles": True, "createSceneOnNewLine": True,
                 "background": {"type": "video", "visualUrl": "https://example.org/clip.mp4"}},
            ],
        }
    )  # fmt: skip
    mapped = to_storyboard(request, voice_lookup=lambda name: found.get(name.lower()))
    board = mapped.storyboard
    assert board["aspect"] == "9:16" and mapped.resolution == "1080x1920"
    assert board["voice"] == {"speed": 1.5} and any("Matthew" in w for w in mapped.warnings)
    assert board["captions"] == {
        "enabled": False,
        "style": {
            "size": 160,
            "background": "#00000080",
            "highlight": "#ffcc00",
            "position": "top",
            "max_lines": 3,
        },
    }
    assert board["music"] == {"src": "https://example.org/bed.mp3", "volume": 0.15}
    assert [s.get("background") for s in board["scenes"]] == [
        {"ai": {"style": "cartoon"}},
        {"search": "ocean waves", "pan_zoom": True},
        {"src": "https://example.org/clip.mp4"},
    ]
    assert board["scenes"][1]["pause_after"] == 0.5 and board["scenes"][2]["split"] == "line"
    assert color("rgb(13, 17, 23)") == "#0d1117" and color("#ABC") == "#ABC"

    with pytest.raises(StoryboardInvalid, match=r"scenes\[1\]\.story"):
        to_storyboard(StoryboardRequest.model_validate({"scenes": [{"story": "a"}, {"background": {"color": "#000"}}]}),
                      voice_lookup=found.get)  # fmt: skip
