"""`seekreel serve` refuses what it cannot do with one line, before starting anything."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path


def _seekreel() -> str:
    return str(Path(sys.executable).with_name("seekreel"))


def test_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [_seekreel(), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SEEKREEL_DATA_DIR": str(tmp_path)},
        )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in lines[0]
    assert "--port" in lines[0]


def test_unknown_host_is_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [_seekreel(), "serve", "--host", "no-such-host.invalid", "--port", "9", "--open"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SEEKREEL_DATA_DIR": str(tmp_path)},
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "cannot listen on no-such-host.invalid:9" in proc.stderr
