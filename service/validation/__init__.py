"""The validator (docs/validation.md): static checks of a composition, then runtime checks in the sandbox.

    report = validate_static(html)                       # no browser
    report = await validate(html, variables=…, pool=…)   # static, then runtime when static passed
    report.ok, report.errors, report.to_dict()

Every finding has a stable code (see codes.py and docs/validation.md), a severity, a
one-sentence message saying how to fix it, and the document line where one applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .codes import CODES
from .findings import Finding, Severity, ValidationReport
from .limits import ValidationLimits
from .static import check_static

if TYPE_CHECKING:
    from sandbox import BrowserPool

__all__ = [
    "CODES",
    "Finding",
    "Severity",
    "ValidationLimits",
    "ValidationReport",
    "validate",
    "validate_static",
]


def validate_static(
    html: str, *, variables: Mapping[str, object] | None = None, limits: ValidationLimits | None = None
) -> ValidationReport:
    """Every check that needs no browser. `variables` are the request's placeholder values."""
    return ValidationReport(check_static(html, variables, limits or ValidationLimits.from_settings()))


async def validate(
    html: str,
    *,
    variables: Mapping[str, object] | None = None,
    limits: ValidationLimits | None = None,
    runtime: bool = True,
    pool: BrowserPool | None = None,
) -> ValidationReport:
    """Static checks, then (when they found no error and `runtime`) the sandbox checks. Never raises
    for a bad page: every problem, the renderer's included, is a finding (no browser at all is a
    `runtime-unavailable` warning)."""
    limits = limits or ValidationLimits.from_settings()
    report = validate_static(html, variables=variables, limits=limits)
    if runtime and report.ok:
        from .runtime import check_runtime  # the browser machinery loads only when needed

        report.extend(await check_runtime(html, variables, limits, pool))
    return report
