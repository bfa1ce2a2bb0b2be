"""Render settings that the caller chooses (as opposed to what the composition declares)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from .composition import MAX_DURATION
from .errors import CompositionError

Quality = Literal["draft", "standard", "high"]
QUALITIES: tuple[Quality, ...] = get_args(Quality)

_NAMED_HEIGHTS: dict[str, int] = {
    "360p": 360,
    "480p": 480,
    "540p": 540,
    "720p": 720,
    "1080p": 1080,
    "1440p": 1440,
    "4k": 2160,
}
RESOLUTION_NAMES: tuple[str, ...] = tuple(_NAMED_HEIGHTS)
"""Named output sizes (the short side); any matching WxH works too."""
_WXH_RE = re.compile(r"^(\d{2,5})x(\d{2,5})$")
_NATIVE = ("auto", "native")
RESOLUTION_PATTERN = (
    "^(" + "|".join(map(re.escape, (*_NATIVE, *_NAMED_HEIGHTS))) + r"|[0-9]{2,5}x[0-9]{2,5})$"
)
"""The resolutions `output_size` understands, in their canonical spelling (for API schemas)."""
MAX_OUTPUT_PIXELS = 3840 * 2160
SEGMENT_SECONDS = 3.0
"""The length segments aim at. Each segment costs a page load, an ffmpeg start (about 20,000
page faults before its first frame) and an IDR frame: 3-s segments against 1-s ones took 5-10 %
off a 6-s 1080p render and 14-49 % off its file size (docs/benchmark.md, round three). A farm
of many hosts may want shorter ones for short videos."""


@dataclass(frozen=True)
class RenderOptions:
    fps: float | None = None
    resolution: str | None = None
    """'720p', '1080p', … (the short side) or 'WxH'; None → the layout size."""
    quality: Quality = "standard"
    workers: int | None = None
    """Parallel capture workers; None → chosen from cores and memory."""
    variables: dict[str, object] = field(default_factory=dict)
    assets_dir: Path | None = None
    """Files the page may load by relative path; nothing outside it is served."""
    seek_timeout: float = 10.0
    render_timeout: float = 900.0
    load_timeout: float = 20.0
    max_duration: float = MAX_DURATION
    """Longest data-duration accepted; a service passes its own setting."""
    segment_seconds: float = SEGMENT_SECONDS
    """Length the timeline's segments aim at (`plan_segments`); part of what decides the bytes."""


def output_size(layout: tuple[int, int], resolution: str | None) -> tuple[int, int, float]:
    """Output pixels and device scale factor for a layout size and a requested resolution.

    The layout never changes; the picture is scaled. H.264 4:2:0 needs even sides, so each
    side is rounded to the nearest even number.
    """
    lw, lh = layout
    if resolution is None or resolution.strip().lower() in ("", *_NATIVE):
        scale = 1.0
    else:
        res = resolution.strip().lower()
        if res in _NAMED_HEIGHTS:
            scale = _NAMED_HEIGHTS[res] / min(lw, lh)
        elif m := _WXH_RE.match(res):
            w, h = int(m.group(1)), int(m.group(2))
            scale = w / lw
            if abs(h - lh * scale) > 2:
                raise CompositionError(
                    f"resolution {resolution} does not match the composition's {lw}x{lh} layout; "
                    f"use e.g. {_even(lw * scale)}x{_even(lh * scale)} or a named size like 720p"
                )
        else:
            raise CompositionError(
                f"unknown resolution {resolution!r}: use {', '.join(RESOLUTION_NAMES)} or WxH"
            )
    w, h = _even(lw * scale), _even(lh * scale)
    if w < 16 or h < 16 or w * h > MAX_OUTPUT_PIXELS:
        raise CompositionError(f"output size {w}x{h} is out of range (16x16 to 3840x2160 pixels)")
    return w, h, scale


MIN_CAPTURE_SCALE = 0.5
"""Chromium clamps device scale factors below 0.5; smaller outputs are captured at 0.5 and scaled down."""


def capture_scale(scale: float) -> float:
    return max(scale, MIN_CAPTURE_SCALE)


def default_workers() -> int:
    """One capture worker per core, capped by memory (~600 MB per browser) and at 4."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem_gb = 4.0
    return max(1, min(cores, int(mem_gb / 0.6), 4))


def _even(x: float) -> int:
    return max(2, round(x / 2) * 2)
