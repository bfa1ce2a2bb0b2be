"""`seekreel lint` through the real console script: exit codes, plain lines, JSON, a terminal table."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

SEEKREEL = str(Path(sys.executable).parent / "seekreel")

GOOD = """<!doctype html>
<html data-duration="1" data-aspect="1:1" data-fps="10">
<head><script type="application/json" id="hf-variables">{"TITLE": "Hello"}</script></head>
<body style="margin:0;background:#000">
<h1 id="t" style="color:#fff">{{$TITLE}}</h1>
<script>
function render(t) { document.getElementById('t').style.opacity = String(t); }
addEventListener('hf-seek', e => render(e.detail.time));
render(0);
</script>
</body></html>
"""


def lint(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SEEKREEL, "lint", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def write(tmp_path: Path, html: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


def test_a_good_page_exits_0_quietly(tmp_path: Path) -> None:
    result = lint(str(write(tmp_path, GOOD)))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_errors_print_file_line_lines_and_exit_1(tmp_path: Path) -> None:
    html = GOOD.replace("render(0);", "render(0);\nsetInterval(() => render(1), 100);")
    page = write(tmp_path, html)
    result = lint(str(page), "--no-runtime")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{page}:10: error timer-call: "
        "`setInterval` schedules work on the wall clock, so frames would depend on timing; "
        "draw each frame from the time in the hf-seek event (e.detail.time) instead"
    ]


def test_json_report(tmp_path: Path) -> None:
    html = GOOD.replace("<!doctype html>\n", "").replace(
        "<h1", '<img src="https://example.com/a.png" alt=""><h1'
    )
    result = lint(str(write(tmp_path, html)), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert [(f["code"], f["severity"], f.get("line")) for f in report["findings"]] == [
        ("missing-doctype", "error", 1),
        ("external-url", "error", 4),
    ]
    assert all(f["message"] for f in report["findings"])


def test_warnings_alone_exit_0(tmp_path: Path) -> None:
    page = write(tmp_path, GOOD.replace("<h1", '<img src="logo.png" alt=""><h1'))
    result = lint(str(page), "--no-runtime")
    assert result.returncode == 0
    assert result.stdout.startswith(f"{page}:5: warning relative-url: ")


def test_variables_from_the_command_line(tmp_path: Path) -> None:
    page = write(tmp_path, GOOD.replace("{{$TITLE}}", "{{$TITLE}} with {{$HOST}}"))
    missing = lint(str(page), "--no-runtime", "--json")
    assert missing.returncode == 1
    assert [f["code"] for f in json.loads(missing.stdout)["findings"]] == ["missing-variable"]
    assert lint(str(page), "--no-runtime", "--var", "HOST=Kira Tanaka").returncode == 0


def test_runtime_findings_come_through(tmp_path: Path) -> None:
    page = write(tmp_path, GOOD.replace("String(t)", "'1'"))
    result = lint(str(page), "--json")
    assert result.returncode == 1
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["frames-static"]


def test_a_timer_under_a_hidden_name_is_a_runtime_error(tmp_path: Path) -> None:
    hidden = "const w = window; w[['set', 'Time', 'out'].join('')](() => render(1), 100);"
    page = write(tmp_path, GOOD.replace("render(0);", f"render(0);\n{hidden}"))
    assert lint(str(page), "--no-runtime").returncode == 0  # no reading of the text can see it
    result = lint(str(page), "--json")
    assert result.returncode == 1
    (f,) = json.loads(result.stdout)["findings"]
    assert (f["code"], f["severity"], f["line"]) == ("runtime-timer", "error", 10)
    assert "`setTimeout` while loading" in f["message"]


def test_no_browser_still_reports_static_results(tmp_path: Path) -> None:
    result = lint(
        str(write(tmp_path, GOOD)), "--json", env={"SEEKREEL_BROWSER": str(tmp_path / "no-browser")}
    )
    assert result.returncode == 0, result.stderr
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["runtime-unavailable"]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d / "missing.html", "no such file"),
        (lambda d: d, "is a folder"),
        (lambda d: (d / "bin.html").write_bytes(b"\xff\xfe<html>\x00\x81") and d / "bin.html", "not UTF-8"),
    ],
    ids=["missing", "folder", "not-utf8"],
)
def test_unreadable_files_exit_2_with_one_line(tmp_path: Path, make, expected: str) -> None:
    result = lint(str(make(tmp_path)))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "Traceback" not in result.stderr


def test_a_bad_var_exits_2(tmp_path: Path) -> None:
    result = lint(str(write(tmp_path, GOOD)), "--var", "no-equals-sign")
    assert result.returncode == 2 and "NAME=VALUE" in result.stderr


def test_a_table_on_a_terminal(tmp_path: Path) -> None:
    page = write(tmp_path, GOOD.replace("render(0);", "render(0);\nwindow['setTimeout'](f, 1);"))
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm"}
    proc = subprocess.Popen(
        [SEEKREEL, "lint", str(page), "--no-runtime"], stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(timeout=60) == 1
    out = b"".join(chunks).decode("utf-8", "replace")
    assert "timer-call" in out and "window['setTimeout']" in out and "1 error(s)" in out
    assert f"{page}:10:" not in out  # the table, not the plain lines
