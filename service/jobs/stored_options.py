"""Render options as stored with a job row: JSON-safe and tolerant of fields from other versions."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from sandbox import RenderOptions


def options_to_dict(options: RenderOptions) -> dict[str, Any]:
    """JSON-safe form of RenderOptions for the job row (paths as strings)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(options):
        value = getattr(options, f.name)
        out[f.name] = str(value) if isinstance(value, Path) else value
    return out


def options_from_dict(data: dict[str, Any]) -> RenderOptions:
    """Inverse of options_to_dict; unknown keys (from another version) are ignored."""
    known = {f.name: f for f in dataclasses.fields(RenderOptions)}
    kwargs = {k: v for k, v in data.items() if k in known}
    if kwargs.get("assets_dir") is not None:
        kwargs["assets_dir"] = Path(kwargs["assets_dir"])
    return RenderOptions(**kwargs)
