"""`seekreel story` and `seekreel voices` as a person runs them: a subprocess, real files, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.fakes.openai_server import FakeOpenAI
from tests.media import stream_end, video_info
from tests.test_generate_cli import assert_one_line_error, seekreel

COLOURS = {
    "title": "Colours",
    "fps": 10,
    "scenes": [
        {"text": "This is blue.", "background": {"color": "#1030c0"}},
        {"text": "And this is orange.", "background": {"color": "#e07010"}},
    ],
}


def test_schema() -> None:
    proc = seekreel("story", "--schema")
    assert proc.returncode == 0, proc.stderr
    schema = json.loads(proc.stdout)
    assert schema["title"] == "Storyboard" and "scenes" in schema["required"]


def test_offline_topic_says_which_option_to_use(tmp_path: Path) -> None:
    proc = seekreel("story", "Why Rust is loved", "-o", str(tmp_path / "x.mp4"))
    assert_one_line_error(proc, 2, "--text story.txt", "--storyboard story.json")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        ((), ("give one of TOPIC, --text story.txt or --storyboard story.json",)),
        (("topic", "--text", "t.txt"), ("(got TOPIC, --text)",)),
        (("--text", "t.txt"), ("-o out.mp4",)),
        (("--text", "missing.txt", "-o", "x.mp4"), ("missing.txt: no such file",)),
        (("--text", "t.txt", "-o", "x.mp4", "--captions-out", "c.txt"), ("use a .vtt or .srt",)),
        (("--text", "t.txt", "-o", "x.mp4", "--aspect", "2:1"), ("--aspect '2:1' is not supported",)),
        (("--text", "t.txt", "-o", "x.mp4", "--resolution", "10x10"), ("--resolution:",)),
        (
            ("--storyboard", "bad.json", "-o", "x.mp4"),
            ("bad.json: scene 2 (scenes[1].text): the text is empty",),
        ),
        (("--storyboard", "t.txt", "-o", "x.mp4"), ("t.txt: not valid JSON",)),
    ],
)
def test_usage_errors_are_one_line(tmp_path: Path, args: tuple[str, ...], needles: tuple[str, ...]) -> None:
    (tmp_path / "t.txt").write_text("Hello.\n\nWorld.\n")
    (tmp_path / "bad.json").write_text(json.dumps({"scenes": [{"text": "ok"}, {"text": " "}]}))
    proc = seekreel("story", *args, cwd=tmp_path)
    assert_one_line_error(proc, 2, *needles)
    assert not (tmp_path / "x.mp4").exists()


def test_text_to_storyboard_with_overrides(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("Rust is fast. It is safe.\n\nThanks for watching!\n")
    out = tmp_path / "board.json"
    proc = seekreel(
        "story", "--text", "notes.txt", "--storyboard-out", str(out),
        "--split", "sentence", "--aspect", "9:16", "--no-captions", cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    board = json.loads(out.read_text())
    assert board["title"] == "notes" and board["aspect"] == "9:16" and board["split"] == "sentence"
    assert board["captions"]["enabled"] is False
    assert [s["text"] for s in board["scenes"]] == ["Rust is fast. It is safe.", "Thanks for watching!"]


def test_a_model_writes_the_storyboard(tmp_path: Path) -> None:
    out = tmp_path / "board.json"
    answers = ["I'd love to help!", f"```json\n{json.dumps(COLOURS)}\n```"]
    with FakeOpenAI(answers) as fake:
        proc = seekreel(
            "story", "Two colours", "--storyboard-out", str(out), "--provider", "openai", "--model", "gpt-test",
            env={"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": fake.base_url},
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "· writing the storyboard (attempt 1 of 3)" in proc.stderr
    assert len(fake.chat_requests) == 2
    assert json.loads(out.read_text())["scenes"][1]["text"] == "And this is orange."


def test_colour_storyboard_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "colours.json").write_text(json.dumps(COLOURS))
    out, vtt, html = tmp_path / "colours.mp4", tmp_path / "colours.vtt", tmp_path / "colours.html"
    proc = seekreel(
        "story", "--storyboard", "colours.json", "-o", str(out), "--captions-out", str(vtt),
        "--html-out", str(html), "--resolution", "320x180", cwd=tmp_path,
        env={"SEEKREEL_TTS_CACHE_DIR": str(tmp_path / "tts")},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    info = video_info(out)
    assert (info["width"], info["height"]) == (320, 180)
    assert abs(stream_end(out, "a") - stream_end(out, "v")) <= 0.1
    cues = re.findall(r"-->.*\n(.+)", vtt.read_text())
    assert " ".join(cues) == "This is blue. And this is orange."
    assert 'data-fps="10"' in html.read_text()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "tts") == sorted(
        ["colours.json", "colours.mp4", "colours.vtt", "colours.html", "colours.assets"]
    )


def test_voices_lists_the_bundled_voice() -> None:
    proc = seekreel("voices", "--json")
    assert proc.returncode == 0, proc.stderr
    voices = json.loads(proc.stdout)
    assert {"provider": "piper", "name": "joe"}.items() <= voices[0].items()
