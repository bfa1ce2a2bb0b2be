"""`seekreel draft` and `seekreel generate` as a person runs them: a subprocess, real files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.openai_server import FakeOpenAI
from tests.media import video_info
from tests.test_generation_loop import GOOD, TIMERS_NO_DOCTYPE, fenced

SEEKREEL = [str(Path(sys.executable).parent / "seekreel")]
DEMO_PROMPT = (
    "A 6-second title card for a podcast called 'Frame by Frame', episode 42, with the host name "
    "Kira Tanaka. Dark background, orange accent for the episode number."
)


def seekreel(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """Run the console script with no provider settings from this machine's environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SEEKREEL_", "OPENAI_", "ANTHROPIC_"))}
    clean.update(env or {})
    return subprocess.run(
        [*SEEKREEL, *args], capture_output=True, text=True, env=clean, cwd=cwd, timeout=240, check=False
    )


def assert_one_line_error(proc: subprocess.CompletedProcess, code: int, *needles: str) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("error:"), proc.stderr  # progress lines may come before it
    assert sum(line.startswith("error:") for line in lines) == 1
    for needle in needles:
        assert needle in lines[-1], proc.stderr


def test_offline_prompt_to_draft_to_mp4(tmp_path: Path) -> None:
    out, draft = tmp_path / "card.mp4", tmp_path / "card.html"
    proc = seekreel(
        "generate",
        "A 2-second title card for a podcast called 'Frame by Frame', episode 42, host Kira Tanaka.",
        "-o", str(out), "--draft-out", str(draft), "--resolution", "320x180", "--duration", "2", "--fps", "15",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    html = draft.read_text()
    assert 'data-duration="2"' in html and "Frame by Frame" in html
    info = video_info(out)
    assert (info["width"], info["height"]) == (320, 180)
    assert info["frames"] == 30
    assert abs(info["duration"] - 2.0) < 0.1
    assert not list(tmp_path.glob(".*")), "temporary files left behind"


def test_offline_draft_json(tmp_path: Path) -> None:
    out = tmp_path / "draft.html"
    proc = seekreel(
        "draft", "A square quote card: 'Less, but better.' — Dieter Rams", "-o", str(out), "--json"
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["ok"] is True and data["provider"] == "offline" and data["path"] == str(out)
    assert out.read_text() == data["html"]
    assert "Less, but better." in data["html"]


def test_model_repair_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "draft.html"
    with FakeOpenAI([fenced(TIMERS_NO_DOCTYPE), fenced(GOOD)]) as fake:
        proc = seekreel(
            "draft", "A 2-second title card", "-o", str(out), "--provider", "openai", "--model", "gpt-test",
            env={"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": fake.base_url},
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert out.read_text() == GOOD + "\n"
    assert len(fake.chat_requests) == 2
    assert "attempt 2 of 3" in proc.stderr  # the stages were reported


def test_failure_after_all_attempts_keeps_the_rejected_document(tmp_path: Path) -> None:
    out = tmp_path / "video.mp4"
    with FakeOpenAI([fenced(TIMERS_NO_DOCTYPE)]) as fake:
        proc = seekreel(
            "generate", "A 2-second title card", "-o", str(out), "--max-attempts", "2", "--quiet",
            env={"SEEKREEL_PROVIDER": "openai", "SEEKREEL_MODEL": "gpt-test", "OPENAI_API_KEY": "sk-test",
                 "OPENAI_BASE_URL": fake.base_url},
        )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "timer-call" in proc.stderr and "missing-doctype" in proc.stderr
    assert "after 2 attempts" in proc.stderr
    rejected = tmp_path / "video.rejected.html"
    assert "setInterval" in rejected.read_text()
    assert not out.exists()
    assert len(fake.chat_requests) == 2


def test_failure_as_json(tmp_path: Path) -> None:
    out = tmp_path / "d.html"
    with FakeOpenAI(["no html here, sorry"]) as fake:
        proc = seekreel(
            "draft", "x", "-o", str(out), "--provider", "openai", "--max-attempts", "1", "--json",
            env={"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": fake.base_url, "SEEKREEL_MODEL": "gpt-test"},
        )  # fmt: skip
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["ok"] is False and data["html"] is None and data["rejected_path"] is None
    assert [f["code"] for f in data["findings"]] == ["no-html"]
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "env", "needles"),
    [
        (["--provider", "openai"], {}, ["set OPENAI_API_KEY or use --provider offline"]),
        (["--provider", "anthropic"], {}, ["set ANTHROPIC_API_KEY"]),
        (["--provider", "openai-compatible", "--model", "llama3.1"], {}, ["--base-url"]),
        (["--provider", "gemini"], {}, ["unknown provider 'gemini'"]),
        (["--aspect", "21:9"], {}, ["--aspect '21:9'"]),
        (["--duration", "-3"], {}, ["duration"]),
        (["--var", "lower=x"], {}, ["--var 'lower'"]),
        (["--resolution", "huge"], {}, ["--resolution", "unknown resolution"]),
        (["--resolution", "320x320", "--aspect", "16:9"], {}, ["does not match"]),
        ([], {"SEEKREEL_BRAND_COLORS": "url(http://x)"}, ["SEEKREEL_BRAND_COLORS"]),
    ],
)
def test_user_errors_are_one_line_and_exit_2(
    tmp_path: Path, args: list[str], env: dict, needles: list
) -> None:
    proc = seekreel("generate", "A title card", "-o", str(tmp_path / "o.mp4"), *args, env=env)
    assert_one_line_error(proc, 2, *needles)
    assert list(tmp_path.iterdir()) == []


def test_bad_key_and_missing_folder(tmp_path: Path) -> None:
    with FakeOpenAI([fenced(GOOD)]) as fake:
        proc = seekreel(
            "draft", "x", "-o", str(tmp_path / "d.html"), "--provider", "openai", "--model", "gpt-test",
            env={"OPENAI_API_KEY": "sk-wrong", "OPENAI_BASE_URL": fake.base_url},
        )  # fmt: skip
    assert_one_line_error(proc, 2, "401", "OPENAI_API_KEY")
    proc = seekreel("draft", "x", "-o", str(tmp_path / "nope" / "d.html"))
    assert_one_line_error(proc, 2, "does not exist")
