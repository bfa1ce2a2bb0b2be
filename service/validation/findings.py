"""What the validator reports: findings with stable codes, and the report that collects them.

A finding is addressed both to a person (`seekreel lint`) and to a model (the repair
loop), so its message says what is wrong and how to fix it in one sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    code: str
    """Stable identifier, e.g. "timer-call"; every code is listed in docs/validation.md."""
    severity: Severity
    message: str
    """One clear sentence: what is wrong and how to fix it."""
    line: int | None = None
    """1-based line in the document, where one applies."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "severity": self.severity, "message": self.message}
        if self.line is not None:
            data["line"] = self.line
        return data

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.severity} {self.code}: {self.message}"


@dataclass
class ValidationReport:
    findings: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.findings = _ordered(self.findings)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings do not block a render)."""
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def extend(self, findings: list[Finding]) -> None:
        self.findings = _ordered([*self.findings, *findings])

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "findings": [f.to_dict() for f in self.findings]}


def _ordered(findings: list[Finding]) -> list[Finding]:
    """Duplicates dropped; document order (findings without a line last), errors before warnings."""
    unique = list(dict.fromkeys(findings))
    return sorted(
        unique,
        key=lambda f: (f.line is None, f.line or 0, f.severity != "error", f.code),
    )
