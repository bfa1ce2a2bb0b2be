"""What every route needs — settings, the store, the job manager, projects — held on `app.state.services`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from ..jobs import JobManager
from ..projects import ProjectService, StoryEngine
from ..settings import Settings
from ..storage import Store


@dataclass
class Services:
    settings: Settings
    store: Store
    jobs: JobManager
    engine: StoryEngine
    """The storyboard engine (voices, backgrounds, compile, mix), behind one interface."""
    projects: ProjectService
    previews: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(2))
    """Bounds frame previews and runtime validation running beside the renders (they share the pool)."""


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
