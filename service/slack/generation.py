"""Prompt → composition for the bot, through the service's generation loop (validate, repair, retry).

Kept apart from the worker so the worker depends only on "a prompt in, HTML and findings out".
"""

from __future__ import annotations

from ..generation.loop import GenerationRequest, generate_composition
from ..jobs import JobManager
from ..settings import Settings
from .commands import RenderCommand
from .worker import Compose, Composed


def generation_composer(settings: Settings, jobs: JobManager) -> Compose:
    """The configured provider and the repair loop; runtime checks use the job manager's warm browsers."""

    async def compose(command: RenderCommand) -> Composed:
        request = GenerationRequest(prompt=command.prompt, duration=command.duration, aspect=command.aspect)
        result = await generate_composition(request, settings=settings, pool=jobs.pool)
        return Composed(
            ok=result.ok,
            html=result.html or "",
            attempts=len(result.attempts),
            findings=[f.to_dict() for f in result.findings],
        )

    return compose
