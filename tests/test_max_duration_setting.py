"""One setting decides the longest video: SEEKREEL_MAX_DURATION moves what the validator, the CLI,
the API and the Slack bot accept, in both directions (below and above its default of 120 s)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_helpers import make_settings

from sandbox import root_attributes
from service.api import create_app
from service.generation.composer import compose_offline
from service.generation.providers import get_provider
from service.settings import Settings
from service.slack.commands import CommandProblem, RenderCommand, parse_command

SEEKREEL = str(Path(sys.executable).with_name("seekreel"))
PAGE = """<!doctype html>
<html data-duration="{duration}" data-width="160" data-height="90" data-fps="5">
<body style="margin:0;background:#123">
<div id="b" style="width:20px;height:20px;background:#fa0"></div>
<script>
function render(t) {{ document.getElementById('b').style.marginLeft = (t % 1) * 100 + 'px'; }}
addEventListener('hf-seek', e => render(e.detail.time));
render(0);
</script>
</body></html>
"""


def page(tmp_path: Path, duration: float) -> Path:
    path = tmp_path / f"page-{duration:g}s.html"
    path.write_text(PAGE.format(duration=f"{duration:g}"), encoding="utf-8")
    return path


def seekreel(*args: str, max_duration: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SEEKREEL_MAX_DURATION"}
    if max_duration is not None:
        env["SEEKREEL_MAX_DURATION"] = max_duration
    return subprocess.run([SEEKREEL, *args], capture_output=True, text=True, timeout=300, env=env)


def test_the_default_is_the_settings_default() -> None:
    assert Settings.model_fields["max_duration"].default == 120


def test_lint_follows_the_setting(tmp_path: Path) -> None:
    short, long = page(tmp_path, 2), page(tmp_path, 150)
    assert seekreel("lint", str(short), "--no-runtime").returncode == 0
    refused = seekreel("lint", str(short), "--no-runtime", max_duration="1")
    assert refused.returncode == 1
    assert "duration-out-of-range" in refused.stdout and "use 0 < seconds ≤ 1" in refused.stdout
    assert "duration-out-of-range" in seekreel("lint", str(long), "--no-runtime").stdout
    assert seekreel("lint", str(long), "--no-runtime", max_duration="200").returncode == 0


def test_render_and_frame_follow_the_setting(tmp_path: Path) -> None:
    short, long = page(tmp_path, 2), page(tmp_path, 150)
    out = tmp_path / "out.mp4"
    refused = seekreel("render", str(short), "-o", str(out), "--quiet", max_duration="1")
    assert refused.returncode == 1 and not out.exists()
    assert refused.stderr.strip().splitlines() == [
        "error: data-duration='2' is out of range: use 0 < seconds ≤ 1"
    ], refused.stderr
    assert seekreel("render", str(short), "-o", str(out), "--quiet").returncode == 0 and out.exists()

    still = tmp_path / "still.png"
    too_long = seekreel("frame", str(long), "--at", "140", "-o", str(still))
    assert too_long.returncode == 1 and "≤ 120" in too_long.stderr and not still.exists()
    allowed = seekreel("frame", str(long), "--at", "140", "-o", str(still), max_duration="200")
    assert allowed.returncode == 0, allowed.stderr
    assert still.exists()


@contextmanager
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_duration: str | None) -> Iterator[TestClient]:
    if max_duration is None:
        monkeypatch.delenv("SEEKREEL_MAX_DURATION", raising=False)
    else:
        monkeypatch.setenv("SEEKREEL_MAX_DURATION", max_duration)
    with TestClient(create_app(make_settings(tmp_path)), raise_server_exceptions=False) as client:
        yield client


def duration_findings(client: TestClient, html: str) -> list[str]:
    r = client.post("/drafts", json={"html": html})
    assert r.status_code == 201, r.text
    return [f["message"] for f in r.json()["findings"] if f["code"] == "duration-out-of-range"]


def test_the_api_follows_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    short = PAGE.format(duration="2")
    long = PAGE.format(duration="150")
    with api(tmp_path / "a", monkeypatch, "1") as client:
        r = client.post("/render", json={"html": short})
        assert r.status_code == 400 and "≤ 1" in r.json()["error"]["message"]
        r = client.post("/ai-render", json={"prompt": "a title card", "duration": 2})
        assert r.status_code == 400 and r.json()["error"]["message"].endswith("use 0 < seconds ≤ 1")
        assert duration_findings(client, short) == ['data-duration="2" is out of range: use 0 < seconds ≤ 1']
    with api(tmp_path / "b", monkeypatch, None) as client:
        assert duration_findings(client, long)
    with api(tmp_path / "c", monkeypatch, "200") as client:
        assert duration_findings(client, long) == []
        draft = client.post("/drafts", json={"html": long}).json()
        r = client.get(f"/drafts/{draft['id']}/frame", params={"t": 140})
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"


def test_the_slack_bot_is_given_the_setting() -> None:
    settings = Settings(max_duration=200)
    command = parse_command("--duration 150 a countdown", max_duration=settings.max_duration)
    assert command == RenderCommand("a countdown", duration=150.0)
    refused = parse_command("--duration 150 a countdown", max_duration=Settings().max_duration)
    assert isinstance(refused, CommandProblem)
    assert refused.message == "`--duration 150` is out of range: use 0 < seconds ≤ 120"


def test_the_offline_composer_follows_its_servers_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """A length read from the prompt is clamped to the settings the provider was made with, not
    to whatever this process's environment says."""
    monkeypatch.delenv("SEEKREEL_MAX_DURATION", raising=False)
    prompt = "A 100-second title card for 'Frame by Frame'"
    for longest in (10.0, 90.0):
        provider = get_provider("offline", None, Settings(max_duration=longest))
        html = provider.compose(prompt)
        assert float(root_attributes(html)["data-duration"]) == longest


def test_the_offline_composer_checks_an_asked_length_against_the_setting() -> None:
    """The request's own length is held to the same setting as the prompt's (not to the renderer's
    fixed bound), with the same sentence as every other surface."""
    assert compose_offline("a title card", duration=150, max_duration=200).duration == 150
    with pytest.raises(ValueError, match=re.escape("duration 150 s is out of range: use 0 < seconds ≤ 120")):
        compose_offline("a title card", duration=150, max_duration=120)
