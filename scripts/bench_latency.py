#!/usr/bin/env python3
"""What the service adds around a render, with the browsers already running (issue 12).

Through the real app (FastAPI's TestClient, offline provider, its own browser pool):

1. `POST /ai-render` against `POST /render` of the very HTML it generated, same options,
   alternating. On a shared machine a 3-s render varies by more than the goal, so besides
   the difference of the medians each request's time outside its job's run (the job's
   `started_at` → `finished_at`) is taken: what `/ai-render` spends outside its render,
   less what `/render` does, is what generation, validation and the draft add on top of
   the render itself (goal < 300 ms);
2. `GET /drafts/{id}/frame` at 720p: one frame preview with a warm pool (goal < 250 ms).

    .venv/bin/python scripts/bench_latency.py [--runs N]
Reported, never asserted; medians, with the load average (2 cores shared by other work).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeVar

from fastapi.testclient import TestClient

from service.api import create_app
from service.settings import Settings

PROMPT = "A 2-second title card for a podcast called 'Frame by Frame', episode 42"
OPTIONS = {"resolution": "720p", "fps": 30}
AI = {"prompt": PROMPT, "duration": 2, **OPTIONS}


class _Response(Protocol):
    def raise_for_status(self) -> object: ...


R = TypeVar("R", bound=_Response)


def timed(call: Callable[[], R]) -> tuple[float, R]:
    started = time.perf_counter()
    response = call()
    response.raise_for_status()
    return time.perf_counter() - started, response


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), provider="offline", api_keys=None, oauth_clients=None)
        with TestClient(create_app(settings)) as client:
            _, first = timed(lambda: client.post("/ai-render", json=AI))  # warm-up
            draft = first.headers["X-Seekreel-Draft"]
            html = client.get(f"/drafts/{draft}").json()["html"]
            ai, plain, frame, ai_outside, plain_outside = [], [], [], [], []

            def outside(took: float, job_id: str) -> float:
                job = client.get(f"/jobs/{job_id}").json()
                run = datetime.fromisoformat(job["finished_at"]) - datetime.fromisoformat(job["started_at"])
                return took - run.total_seconds()

            for _ in range(args.runs):
                took, response = timed(lambda: client.post("/ai-render", json=AI))
                ai.append(took)
                ai_outside.append(outside(took, response.headers["X-Seekreel-Job"]))
                took, response = timed(lambda: client.post("/render", json={"html": html, **OPTIONS}))
                plain.append(took)
                plain_outside.append(outside(took, response.headers["X-Seekreel-Job"]))
                frame.append(
                    timed(
                        lambda: client.get(f"/drafts/{draft}/frame", params={"t": 1, "resolution": "720p"})
                    )[0]
                )

    def ms(xs: list[float]) -> str:
        return f"{1000 * statistics.median(xs):.0f} ms (min {1000 * min(xs):.0f})"

    print(f"POST /ai-render {ms(ai)}; POST /render of its HTML {ms(plain)}")
    print(
        f"ai-render overhead over the render: {1000 * (statistics.median(ai) - statistics.median(plain)):.0f} ms"
    )
    print(f"outside the job's run: /ai-render {ms(ai_outside)}; /render {ms(plain_outside)}")
    print(
        "ai-render adds, outside the render: "
        f"{1000 * (statistics.median(ai_outside) - statistics.median(plain_outside)):.0f} ms"
    )
    print(f"GET /drafts/{{id}}/frame at 720p, warm: {ms(frame)}")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
