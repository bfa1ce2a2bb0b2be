"""Real farm parts started by the tests themselves: a Redis server on a free loopback port in a
temporary folder, and `seekreel worker` processes with data folders of their own."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
SEEKREEL = str(Path(sys.executable).with_name("seekreel"))
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], T], what: str, timeout: float = 60.0, every: float = 0.05) -> T:
    """Poll `check()` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


class RedisServer:
    """`redis-server` without persistence: a restart loses every queued task and stored result."""

    def __init__(
        self, folder: Path, *, within: list[str] | None = None, bind: str = "127.0.0.1", password: str = ""
    ) -> None:
        self.folder, self.port = folder, free_port()
        self.within, self.bind, self.password = within or [], bind, password
        """`within`: a command prefix that runs it elsewhere (`ip netns exec NS`); `bind`: its
        addresses (Redis takes clients beyond loopback only with a password)."""
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return self.url_at("127.0.0.1")

    def url_at(self, address: str) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}{address}:{self.port}/0"

    def start(self) -> None:
        exe = shutil.which("redis-server")
        assert exe, "redis-server is not installed (scripts/setup.sh installs it)"
        cmd = [
            exe,
            "--port",
            str(self.port),
            "--bind",
            *self.bind.split(),
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        cmd += ["--requirepass", self.password] if self.password else []
        self.proc = subprocess.Popen(
            [*self.within, *cmd, "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, f"redis-server on port {self.port}", timeout=20)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def _answers(self) -> bool:
        if self.within:  # another network namespace: ask from inside it
            ping = [
                *self.within,
                "redis-cli",
                "-p",
                str(self.port),
                "--no-auth-warning",
                "-a",
                self.password,
                "ping",
            ]
            return subprocess.run(ping, capture_output=True, text=True).stdout.strip() == "PONG"
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


class Worker:
    """A `seekreel worker` subprocess (its own session, its own data folder), logging to a file."""

    def __init__(
        self, name: str, folder: Path, env: dict[str, str], *, within: list[str] | None = None
    ) -> None:
        self.name, self.folder, self.env, self.within = name, folder, env, within or []
        self.log_path = folder / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        data = self.folder / self.name
        data.mkdir(parents=True, exist_ok=True)
        cmd = [SEEKREEL, "worker", "--concurrency", "1", "--name", f"{self.name}@farmtest"]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [*self.within, *cmd],
                env={**self.env, "SEEKREEL_DATA_DIR": str(data)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self) -> None:
        wait_for(lambda: f"{self.name}@farmtest ready." in self.log(), f"worker {self.name} to be ready", 90)

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self, since: int = 0) -> str:
        """The log from character `since` on (`len(worker.log())` marks where a test began)."""
        return self.log_path.read_text(errors="replace")[since:] if self.log_path.exists() else ""

    def segments(self, since: int = 0) -> list[int]:
        """The segments this worker reported rendered, in order."""
        return [int(n) for n in re.findall(r"rendered segment (\d+) of", self.log(since))]

    def busy(self, since: int) -> bool:
        """A segment task received since `since` and not finished yet."""
        log = self.log(since)
        return log.count("] received") > log.count("] succeeded in") + log.count("] raised")

    def stop(self) -> None:
        """A warm shutdown (SIGTERM), then anything left of its session is killed."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


def children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def descendants(pid: int) -> dict[int, str]:
    """Every process below `pid`, with its command line."""
    kids, found, todo = children_map(), {}, [pid]
    while todo:
        for child in kids.get(todo.pop(), []):
            try:
                cmd = (Path("/proc") / str(child) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            found[child] = cmd
            todo.append(child)
    return found


class TreeWatch:
    """Samples the command lines of a process's descendants while it runs."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc, self.seen = proc, set[str]()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while self.proc.poll() is None:
            self.seen.update(cmd.split(" ", 1)[0] for cmd in descendants(self.proc.pid).values())
            time.sleep(0.02)

    def programs(self) -> set[str]:
        self._thread.join(timeout=5)
        return {Path(p).name for p in self.seen}
