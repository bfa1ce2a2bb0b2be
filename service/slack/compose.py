"""Prompt → composition for the bot, through the service's generation loop (validate, repair, retry).

Kept apart from the worker so the worker depends only on "a prompt in, HTML and findings out".
"""

from __future__ import annotations

from typing import Any

from ..settings import Settings
from .commands import RenderCommand
from .worker import Compose, Composed


def generation_composer(settings: Settings, jobs: Any) -> Compose:
    """The configured provider and the repair loop; validation runs on the job manager's warm browsers."""
    from ..generation.loop import GenerationRequest, generate_composition

    async def compose(command: RenderCommand) -> Composed:
        request = GenerationRequest(prompt=command.prompt, duration=command.duration, aspect=command.aspect)
        result = await generate_composition(request, settings=settings, pool=getattr(jobs, "pool", None))
        findings = [_finding(f) for f in result.findings]
        return Composed(ok=result.ok, html=result.html or "", attempts=result.attempts, findings=findings)

    return compose


def _finding(finding: Any) -> dict[str, Any]:
    """Findings may arrive as dicts or as objects with code/severity/message/line."""
    if isinstance(finding, dict):
        return finding
    if hasattr(finding, "to_dict"):
        return finding.to_dict()
    return {k: getattr(finding, k, None) for k in ("code", "severity", "message", "line")}
