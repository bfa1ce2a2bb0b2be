"""How the storyboard and project errors of service.projects answer over HTTP (one JSON shape)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ..projects import (
    ActiveProjectExists,
    NoScriptWriter,
    NotAllowedNow,
    ProjectNotFound,
    SectionNotFound,
    SourceRefused,
    StoryboardInvalid,
    StoryFailed,
    TopicTooLong,
)
from .errors import error_response, simple_handler


def install_story_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StoryboardInvalid)
    async def _invalid(_: Request, exc: StoryboardInvalid) -> JSONResponse:
        return error_response(400, "invalid_storyboard", str(exc), problems=exc.problems)

    @app.exception_handler(ActiveProjectExists)
    async def _active(_: Request, exc: ActiveProjectExists) -> JSONResponse:
        message = (
            f"you already have an active project ({exc.project_id}): approve or cancel it first, "
            "or wait until it is finished"
        )
        return error_response(409, "project_active", message, project_id=exc.project_id)

    @app.exception_handler(TopicTooLong)
    async def _topic_too_long(_: Request, exc: TopicTooLong) -> JSONResponse:
        return error_response(413, "prompt_too_long", str(exc))

    @app.exception_handler(NotAllowedNow)
    async def _not_now(_: Request, exc: NotAllowedNow) -> JSONResponse:
        return error_response(409, exc.code, str(exc), project_status=exc.status.value)

    simple: list[tuple[type[Exception], int, str]] = [
        (SourceRefused, 400, "source_refused"),
        (NoScriptWriter, 400, "no_script_writer"),
        (ProjectNotFound, 404, "not_found"),
        (SectionNotFound, 404, "not_found"),
        (StoryFailed, 422, "storyboard_error"),
    ]
    for exc_class, status, code in simple:
        app.add_exception_handler(exc_class, simple_handler(status, code, None))
