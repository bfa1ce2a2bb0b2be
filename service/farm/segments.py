"""How the coordinator and the workers name a render's pieces, and what a finished segment reports."""

from __future__ import annotations

from typing import TypedDict


class SegmentDone(TypedDict):
    """A segment task's result (JSON: the segment's bytes travel base64-encoded)."""

    index: int
    worker: str
    """The Celery node name of the worker that rendered it."""
    pid: int
    seconds: float
    browser: str
    isolated: bool
    stored: str | None
    """Its name in the segment store, when one is configured."""
    data: bytes | None
    """The encoded segment, when results travel through Redis (last: logs show a result's start)."""


class SegmentFailed(Exception):
    """A segment could not be rendered; the message says why, as the embedded renderer would."""


def task_id(key: str, index: int, render_id: str) -> str:
    """The segment's task id: the same for every delivery of one render's segment, so a duplicate
    or a redelivery lands on the same result; the render id keeps concurrent renders of one page
    apart (each cleans up only its own results)."""
    return f"segment-{key[:24]}-{index:05d}-{render_id}"


def bundle_name(key: str) -> str:
    return f"bundles/{key}.tar"


def stored_name(task: str) -> str:
    return f"segments/{task}.mp4"
