"""A page's fault, seen from the shell: one line on stderr and exit 1, never a traceback.

The bounds cases of test_bounds.py, run through the real console script. Asyncio reports a
task whose exception nobody retrieved on stderr as it shuts down, after the CLI's own error
line; so "exactly one line" is what shows that every task of the render was finished.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_bounds import comp

SEEKREEL = str(Path(sys.executable).with_name("seekreel"))
# The validator's seek budget, short so that lint's hanging cases end quickly.
LINT_ENV = {**os.environ, "SEEKREEL_VALIDATION_SEEK_TIMEOUT": "1"}

PAGES = {
    "endless-loop": comp("addEventListener('hf-seek', e => { if (e.detail.time > 0.25) for (;;) {} });"),
    "wait-forever": comp("addEventListener('hf-seek', e => e.detail.waitUntil(new Promise(() => {})));"),
    "out-of-memory": comp(
        "addEventListener('hf-seek', e => { const a = []; for (;;) a.push(new Array(1e6).fill(1.5)); });"
    ),
    "page-error": comp("addEventListener('hf-seek', e => { if (e.detail.time >= 0.5) missingFunction(); });"),
    "load-error": comp("throw new Error('boom');"),
    "slow": comp(
        "addEventListener('hf-seek', () => { let x = 0; for (let i = 0; i < 4e7; i++) x += i; });", duration=5
    ),
    "no-duration": "<!doctype html><html><body></body></html>",
    "bad-aspect": '<!doctype html><html data-duration="2" data-aspect="3:2"><body></body></html>',
    "absurd-duration": '<!doctype html><html data-duration="100000"><body></body></html>',
}
HANG = "took longer than 1 s"


def seekreel(
    tmp_path: Path, page: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / f"{page}.html"
    path.write_text(PAGES[page])
    return subprocess.run(
        [SEEKREEL, args[0], str(path), *args[1:]],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
        env=env,
    )


def assert_one_line(proc: subprocess.CompletedProcess[str], message: str) -> None:
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and message in lines[0], proc.stderr
    assert proc.returncode == 1


@pytest.mark.parametrize(
    ("page", "flags", "message"),
    [
        ("endless-loop", ["--seek-timeout", "1"], HANG),
        ("wait-forever", ["--seek-timeout", "1"], HANG),
        ("out-of-memory", ["--seek-timeout", "60"], "crashed"),
        ("page-error", [], "page error at t=0.500s: ReferenceError"),
        ("load-error", [], "page error while loading: Error: boom"),
        ("slow", ["--timeout", "1"], "the render took longer than 1 s and was stopped"),
        ("no-duration", [], "no data-duration"),
        ("bad-aspect", [], "not supported"),
        ("absurd-duration", [], "out of range"),
    ],
)
def test_render(page: str, flags: list[str], message: str, tmp_path: Path) -> None:
    proc = seekreel(tmp_path, page, "render", "-q", "-o", "out.mp4", *flags)
    assert_one_line(proc, message)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{page}.html"], "no output, no temporary files"


@pytest.mark.parametrize(
    ("page", "flags", "message"),
    [
        ("endless-loop", ["--at", "0.5", "--seek-timeout", "1"], HANG),
        ("wait-forever", ["--at", "0.5", "--seek-timeout", "1"], HANG),
        ("out-of-memory", ["--at", "0.5", "--seek-timeout", "60"], "crashed"),
        ("page-error", ["--at", "0.5"], "page error at t=0.500s: ReferenceError"),
        ("load-error", ["--at", "0.5"], "page error while loading: Error: boom"),
        ("bad-aspect", ["--at", "0.5"], "not supported"),
    ],
)
def test_frame(page: str, flags: list[str], message: str, tmp_path: Path) -> None:
    proc = seekreel(tmp_path, page, "frame", "-o", "out.png", *flags)
    assert_one_line(proc, message)
    assert not (tmp_path / "out.png").exists()


@pytest.mark.parametrize(
    ("page", "codes"),
    [
        ("endless-loop", {"seek-timeout"}),
        ("wait-forever", {"seek-timeout"}),
        ("out-of-memory", {"page-error", "seek-timeout"}),  # a crash, or still growing at 1 s
        ("page-error", {"page-error"}),
        ("bad-aspect", {"invalid-aspect"}),
    ],
)
def test_lint(page: str, codes: set[str], tmp_path: Path) -> None:
    """Lint reports a page's fault as a finding on stdout; stderr stays empty."""
    proc = seekreel(tmp_path, page, "lint", env=LINT_ENV)
    assert proc.stderr == ""
    assert proc.returncode == 1
    assert any(f"error {code}:" in proc.stdout for code in codes), proc.stdout
