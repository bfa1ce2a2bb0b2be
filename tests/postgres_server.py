"""A real PostgreSQL server started by the tests: `initdb` + `pg_ctl` from Debian's postgresql
package, in a temporary folder, on a free loopback port, stopped and deleted afterwards.

Postgres refuses to run as root, so under root the server runs as `nobody`, in a folder that
user owns; nothing else on the machine is touched.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
from farm_hosts import free_port


def _bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    assert found, f"{name} is not installed (scripts/setup.sh installs Debian's postgresql)"
    return str(found[-1])


class PostgresServer:
    """One server per test session; each test gets a database of its own (`database_for`)."""

    USER = "seekreel"

    def __init__(self, *, within: list[str] | None = None, listen: str = "127.0.0.1") -> None:
        self.port, self.listen = free_port(), listen
        """`within`: a command prefix that runs it elsewhere (`ip netns exec NS`); `listen`: its addresses."""
        self.folder = Path(tempfile.mkdtemp(prefix="seekreel-pg-"))
        self._as: list[str] = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.folder, nobody.pw_uid, nobody.pw_gid)
            self._as = ["runuser", "-u", "nobody", "--"]
        self._as = [*(within or []), *self._as]

    def _run(self, *cmd: str) -> None:
        subprocess.run([*self._as, *cmd], check=True, capture_output=True, cwd=self.folder)

    def start(self) -> None:
        """Create the cluster on the first start; a later start brings the same one back."""
        data = self.folder / "data"
        if not data.exists():
            self._run(
                _bin("initdb"), "-D", str(data), "-U", self.USER, "--auth=trust", "-E", "UTF8", "--no-sync"
            )
            if self.listen != "127.0.0.1":  # clients on the links it listens on (netns_hosts.py)
                with (data / "pg_hba.conf").open("a") as hba:
                    hba.write("host all all samenet trust\n")
        options = f"-c listen_addresses={self.listen} -p {self.port} -k {self.folder} -c fsync=off"
        log = str(self.folder / "server.log")
        self._run(_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", log, "-w", "start")

    def halt(self) -> None:
        """Stop the server as a crash would (its data stays for `start`)."""
        self._run(_bin("pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        try:
            self.halt()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.USER}@127.0.0.1:{self.port}/{database}"

    def database_for(self, key: str) -> str:
        """The URL of a database named after `key` (a test's folder), created on first use."""
        name = "t_" + hashlib.sha1(key.encode()).hexdigest()[:16]
        dsn = f"postgresql://{self.USER}@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
                conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
