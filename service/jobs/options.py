"""Render options as stored with a job, and the stable error codes a failed job reports."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from sandbox import (
    BrowserUnavailable,
    CompositionError,
    PageCrashed,
    PageError,
    RenderOptions,
    RenderTimeout,
    SeekTimeout,
)

try:  # the encoder's own error; older sandboxes may not export it at the top level
    from sandbox import EncodeError
except ImportError:  # pragma: no cover
    from sandbox.errors import EncodeError


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


# Most specific first: MissingVariablesError is a CompositionError, and so on.
_ERROR_CODES: tuple[tuple[type[BaseException], str], ...] = (
    (CompositionError, "composition_error"),
    (PageError, "page_error"),
    (SeekTimeout, "seek_timeout"),
    (RenderTimeout, "render_timeout"),
    (PageCrashed, "page_crashed"),
    (BrowserUnavailable, "browser_unavailable"),
    (EncodeError, "encode_error"),
)

CALLER_ERROR_CODES = frozenset(
    {"composition_error", "page_error", "seek_timeout", "render_timeout", "page_crashed"}
)
"""Failures caused by the page itself (the caller's HTML), as opposed to the machine."""


def error_code(exc: BaseException) -> str:
    for cls, code in _ERROR_CODES:
        if isinstance(exc, cls):
            return code
    return "render_error"
