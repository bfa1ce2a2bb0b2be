"""The registry of finding codes: each code's severity is fixed here, so it is stable.

docs/validation.md documents every code listed here (a test keeps the two in step).
"""

from __future__ import annotations

from .findings import Finding, Severity

CODES: dict[str, Severity] = {
    # The document as a whole
    "parse-error": "error",
    "too-large": "error",
    "missing-doctype": "error",
    "too-many-elements": "error",
    # The root element (docs/composition.md)
    "missing-root": "error",
    "missing-duration": "error",
    "invalid-duration": "error",
    "duration-out-of-range": "error",
    "invalid-aspect": "error",
    "invalid-fps": "error",
    "invalid-size": "error",
    "aspect-mismatch": "warning",
    "composition-error": "error",
    # Time
    "missing-seek-listener": "error",
    "seek-listener-target": "error",
    "timer-call": "error",
    "script-syntax": "error",
    # Network
    "external-url": "error",
    "relative-url": "warning",
    "external-link": "warning",
    "network-api": "error",
    "navigation": "error",
    "meta-refresh": "error",
    # Variables
    "missing-variable": "error",
    "invalid-variables": "error",
    "invalid-variable-name": "warning",
    "malformed-placeholder": "warning",
    "placeholder-in-script": "warning",
    # Runtime (in the sandbox)
    "page-error": "error",
    "load-timeout": "error",
    "seek-timeout": "error",
    "page-crashed": "error",
    "runtime-timeout": "error",
    "frames-static": "error",
    "runtime-timer": "error",
    "runtime-failed": "error",
    "runtime-unavailable": "warning",
}


def finding(code: str, message: str, line: int | None = None) -> Finding:
    """A finding with the registered severity of `code` (an unknown code is a programming error)."""
    return Finding(code=code, severity=CODES[code], message=message, line=line)
