#!/usr/bin/env python3
"""What the service adds around a render, with the browsers already running (issue 12).

Through the real app (FastAPI's TestClient, offline provider, its own browser pool):

1. `POST /ai-render` against `POST /render` of the very HTML it generated, same options,
   alternating: the difference of the medians is what generation, validation and the draft
   cost on top of the render itself (goal < 300 ms);
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
            ai, plain, frame = [], [], []
            for _ in range(args.runs):
                ai.append(timed(lambda: client.post("/ai-render", json=AI))[0])
                plain.append(timed(lambda: client.post("/render", json={"html": html, **OPTIONS}))[0])
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
    print(f"GET /drafts/{{id}}/frame at 720p, warm: {ms(frame)}")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
