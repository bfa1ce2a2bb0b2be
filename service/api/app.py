"""The FastAPI application: `create_app(settings)` wires storage, the job manager, routers and the editor."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI

from ..jobs import JobManager, RemoteJobs
from ..projects import STORYBOARD, ProjectService, StoryboardKind, StoryEngine
from ..projects.pipeline_engine import PipelineEngine
from ..settings import Settings, get_settings
from ..slack.routes import create_slack_router
from ..storage import open_store
from . import compat, draft_routes, job_routes, preview_routes, project_routes, render_routes, story_routes
from .auth import AuthConfig, token_router
from .docs_page import mount_docs
from .editor_page import mount_editor
from .errors import install_error_handlers
from .limits import BodySizeLimit
from .openapi import install_openapi
from .state import Services
from .story_errors import install_story_error_handlers

DESCRIPTION = """
Prompt → HTML → deterministic, sandboxed MP4.

* **POST /ai-render** — a prompt in, an MP4 out.
* **POST /render** — your HTML composition in, an MP4 out.
* **Drafts** — HTML a person can read and fix (every save a version) before rendering it as a **job**.
* **POST /storyboards/render** — a narrated storyboard in, a job out (video with sound, captions).
* **Projects** — a narrated storyboard a person reviews, edits and approves before it is rendered.
* **Storyboard API** — the hosted storyboard API's routes and shapes (also under `/pictoryapis`).

Errors are JSON: `{"error": {"code": "…", "message": "…"}}`. When API keys are configured,
send `Authorization: Bearer <key>` (or a token from `POST /oauth2/token`).
"""

TAGS = [
    {"name": "render", "description": "One request, one MP4."},
    {"name": "drafts", "description": "Edit HTML before it is rendered; every change is a version."},
    {"name": "jobs", "description": "Asynchronous renders with progress events."},
    {"name": "storyboards", "description": "Narrated storyboards rendered as jobs, and their files."},
    {"name": "projects", "description": "Narrated storyboards with an approval step."},
    {
        "name": "storyboard API",
        "description": "The hosted storyboard API's shapes (also under /pictoryapis).",
    },
    {"name": "auth", "description": "OAuth2 client credentials."},
]


def farm_jobs(settings: Settings) -> RemoteJobs | None:
    """With a broker set, the farm's workers run the jobs and this process holds no render state."""
    if settings.broker_url is None:
        return None
    from ..farm import FarmJobs  # Celery loads only when a broker is set

    return FarmJobs(settings)


def create_app(settings: Settings | None = None, *, engine: StoryEngine | None = None) -> FastAPI:
    """The whole service for one settings object. The job manager and the projects start and stop
    with the app's lifespan. `engine` is the storyboard engine (default: the real pipeline)."""
    settings = settings or get_settings()
    auth = AuthConfig.from_settings(settings)  # a malformed client list fails here, at startup
    store = open_store(settings.data_dir, settings.database_url)
    engine = engine or PipelineEngine(settings)
    jobs = JobManager(settings, store, remote=farm_jobs(settings))
    jobs.register_kind(STORYBOARD, StoryboardKind(engine))
    projects = ProjectService(settings, store, jobs, engine)
    webhooks = compat.Webhooks(settings, auth, jobs, engine)
    jobs.add_finish_listener(webhooks.job_finished)
    projects.add_listener(webhooks.project_changed)
    services = Services(settings=settings, store=store, jobs=jobs, engine=engine, projects=projects)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        services.previews = asyncio.Semaphore(2)
        await jobs.start()
        await projects.start()
        try:
            yield
        finally:
            await projects.stop()
            await jobs.stop()
            store.close()

    app = FastAPI(
        title="seekreel",
        version=_version(),
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        docs_url=None,  # mounted below with local assets: no CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.auth = auth
    app.state.services = services
    install_error_handlers(app)
    install_openapi(app, settings, auth)
    install_story_error_handlers(app)
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)

    app.include_router(token_router)
    app.include_router(render_routes.router)
    app.include_router(draft_routes.router)
    app.include_router(job_routes.router)
    app.include_router(story_routes.router)
    app.include_router(project_routes.router)
    app.include_router(preview_routes.router)
    for prefix in compat.PREFIXES:
        app.include_router(compat.router, prefix=prefix)

    if settings.slack_signing_secret:  # the Slack bot: it verifies Slack's signatures itself
        app.include_router(create_slack_router(settings, jobs, projects, auth.grant))

    mount_editor(app)
    mount_docs(app)

    @app.get("/healthz", tags=["meta"], summary="Liveness and queue depth")
    async def healthz() -> dict[str, object]:
        return {"ok": True, "queue": jobs.queue_depth(), "queue_size": settings.queue_size}

    return app


def _version() -> str:
    try:
        return version("seekreel")
    except PackageNotFoundError:
        return "0"
