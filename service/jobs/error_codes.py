"""The stable error codes a failed job reports, and which of them are the caller's fault."""

from __future__ import annotations

from sandbox import (
    BrowserUnavailable,
    CompositionError,
    EncodeError,
    PageCrashed,
    PageError,
    RenderTimeout,
    SeekTimeout,
)

from .kinds import JobKindError

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
    {"composition_error", "page_error", "seek_timeout", "render_timeout", "page_crashed", "storyboard_error"}
)
"""Failures caused by the caller's input (the page itself, a storyboard scene that cannot be
made), as opposed to the machine."""


def error_code(exc: BaseException) -> str:
    if isinstance(exc, JobKindError):
        return exc.code
    for cls, code in _ERROR_CODES:
        if isinstance(exc, cls):
            return code
    return "render_error"
