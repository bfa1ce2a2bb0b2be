"""Several hosts on one machine: each worker in a network namespace of its own, reaching Redis
and PostgreSQL in a services namespace over a veth link, with a data folder of its own. The
render through them writes the embedded renderer's bytes, and a worker's host migrates the
shared database over its link."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from farm_hosts import ROOT, SEEKREEL, RedisServer, Worker
from netns_hosts import Hosts, make
from postgres_server import PostgresServer
from test_farm import PAGE, make_page_dir


@pytest.fixture
def hosts() -> Iterator[Hosts]:
    made = make(workers=2)
    if isinstance(made, str):
        pytest.skip(made)
    try:
        yield made
    finally:
        made.remove()


def env(broker: str, database: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SEEKREEL_")}
    return {**base, "PYTHONPATH": str(ROOT), "SEEKREEL_BROKER_URL": broker, "SEEKREEL_DATABASE_URL": database}


def test_workers_on_their_own_hosts_render_the_embedded_bytes(hosts: Hosts, tmp_path: Path) -> None:
    services = Hosts.within(hosts.services)
    redis = RedisServer(tmp_path, within=services, bind=hosts.listen, password="farm-secret")
    database = PostgresServer(within=services, listen=hosts.listen.replace(" ", ","))
    workers: list[Worker] = []
    redis.start()
    database.start()
    try:
        for i, namespace in enumerate(hosts.workers, start=1):
            there = Hosts.services_address(i)
            worker_env = env(redis.url_at(there), database.url().replace("127.0.0.1", there))
            migrated = subprocess.run(
                [*Hosts.within(namespace), SEEKREEL, "db", "upgrade"],
                env={**worker_env, "SEEKREEL_DATA_DIR": str(tmp_path / f"w{i}")},
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert migrated.returncode == 0 and f"@{there}:" in migrated.stdout, migrated.stderr
            workers.append(Worker(f"w{i}", tmp_path, worker_env, within=Hosts.within(namespace)))
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.wait_ready()
        page = make_page_dir(tmp_path) / "page.html"
        page.write_text(PAGE.replace("/*SLOW*/", ""))
        out = tmp_path / "out"
        local = subprocess.run(
            [SEEKREEL, "render", str(page), "-o", str(out / "here.mp4"), "--quiet"],
            env={
                k: v
                for k, v in env("", "").items()
                if k not in ("SEEKREEL_BROKER_URL", "SEEKREEL_DATABASE_URL")
            },
            capture_output=True,
            text=True,
            timeout=150,
        )
        assert local.returncode == 0, local.stderr
        farm = subprocess.run(
            [*services, SEEKREEL, "render", str(page), "-o", str(out / "farm.mp4"), "--quiet"],
            env=env(redis.url, database.url()),
            capture_output=True,
            text=True,
            timeout=150,
        )
        assert farm.returncode == 0, farm.stderr
        assert (out / "farm.mp4").read_bytes() == (out / "here.mp4").read_bytes()
        rendered = [w.segments() for w in workers]
        assert all(rendered), f"every host rendered segments: {rendered}"
        assert {p.name for p in tmp_path.iterdir()} >= {"w1", "w2"}, "each host its own data folder"
    finally:
        for worker in workers:
            worker.stop()
        redis.stop()
        database.stop()
