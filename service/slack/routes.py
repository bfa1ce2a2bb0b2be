"""The Slack bot's HTTP side: `POST /slack/commands` and `POST /slack/interactions`.

Both verify Slack's signature before reading anything (401 otherwise) and answer at once; the
work runs in the background — a render (worker.py) or a story project with its review
(review.py) — and reports back through `response_url`. Mounted by the service's `create_app`
when `SLACK_SIGNING_SECRET` is set.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.responses import JSONResponse, Response
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from ..jobs import JobManager
from ..projects import ProjectService
from ..settings import Settings
from . import messages, review_messages
from .commands import (
    MAX_PROMPT_CHARS,
    CommandProblem,
    HelpCommand,
    RenderCommand,
    StoryCommand,
    parse_command,
)
from .generation import generation_composer
from .outbox import Origin, SlackOutbox
from .review import SlackReviews
from .signature import SlackRequestVerifier, verified_body
from .worker import SlackRenderer

RENDER_MESSAGE_SHORTCUT = "render_message"
"""callback_id of the message shortcut "Render this message" (see slack-manifest.yml)."""


def create_slack_router(
    settings: Settings, jobs: JobManager, projects: ProjectService, grant: Callable[[str, int], str]
) -> APIRouter:
    """The router for `seekreel serve`: renders go through `jobs`, drafts into its store, compositions
    come from the generation loop with the configured provider; stories are `projects`, reviewed in
    the editor through links carrying `grant(project id, seconds)` (the HTTP API's review grants)."""
    if not settings.slack_signing_secret:
        raise ValueError("the Slack bot needs SLACK_SIGNING_SECRET (from the app's Basic Information page)")
    verifier = SlackRequestVerifier(settings.slack_signing_secret)
    outbox = SlackOutbox(make_client(settings))
    renderer = SlackRenderer(
        outbox=outbox,
        compose=generation_composer(settings, jobs),
        jobs=jobs,
        options=jobs.render_options(resolution=settings.slack_resolution, fps=settings.slack_fps),
        drafts=jobs.store,
        public_base_url=settings.public_base_url,
    )
    reviews = SlackReviews(
        outbox=outbox,
        projects=projects,
        jobs=jobs,
        render={"resolution": settings.slack_resolution},
        grant=lambda project_id: grant(project_id, settings.review_link_ttl),
        grant_ttl=settings.review_link_ttl,
        public_base_url=settings.public_base_url,
    )
    max_prompt = min(MAX_PROMPT_CHARS, settings.max_prompt_chars)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await outbox.aclose()

    router = APIRouter(prefix="/slack", tags=["slack"], lifespan=lifespan)
    signed_body = Depends(verified_body(verifier))

    @router.post(
        "/commands", summary="Slack slash command `/render`", openapi_extra=_form_body(_COMMAND_FIELDS)
    )
    async def slack_command(body: bytes = signed_body) -> JSONResponse:
        """Answers within Slack's 3 s: help, a problem with the command, or "rendering…" (the job runs after)."""
        form = _form(body)
        channel, user = form.get("channel_id"), form.get("user_id")
        if not channel or not user:
            raise HTTPException(status_code=400, detail="not a Slack slash command payload")
        name = form.get("command") or "/render"
        command = parse_command(
            form.get("text", ""), max_prompt_chars=max_prompt, max_duration=settings.max_duration
        )
        if isinstance(command, HelpCommand):
            return JSONResponse(
                messages.help_message(
                    name, max_prompt_chars=max_prompt, max_duration=settings.max_duration, empty=command.empty
                )
            )
        if isinstance(command, CommandProblem):
            return JSONResponse(messages.problem_message(command.message))
        if not settings.slack_bot_token:
            return JSONResponse(messages.problem_message(_NO_TOKEN))
        origin = Origin(channel, user, form.get("response_url"), form.get("thread_ts") or None)
        if isinstance(command, StoryCommand):
            reviews.start(command, origin, form.get("team_id", ""))
            return JSONResponse(review_messages.story_ack(command))
        renderer.start(command, origin)
        return JSONResponse(messages.ack_message(command))

    @router.post(
        "/interactions",
        summary="Slack interactivity: buttons and the message shortcut",
        openapi_extra=_form_body({"payload": "the interaction as JSON (block_actions or message_action)"}),
    )
    async def slack_interaction(body: bytes = signed_body) -> Response:
        """Approve / Cancel / Open in editor on a review card go to the story; "Render again" clicks
        and "Render this message" shortcuts start a render; other actions are acked."""
        payload = _payload(body)
        decision = _decision(payload)
        if decision is not None:
            reviews.decide(*decision)
            return Response(status_code=200)
        started = _interaction_command(payload, max_prompt, settings.max_duration)
        if started is None:
            return Response(status_code=200)
        command, origin = started
        if isinstance(command, CommandProblem):
            outbox.notify(origin, messages.problem_message(command.message))
        elif not settings.slack_bot_token:
            outbox.notify(origin, messages.problem_message(_NO_TOKEN))
        elif isinstance(command, StoryCommand):  # the shortcut on a message that reads "story …"
            reviews.start(command, origin, _team(payload))
        else:
            renderer.start(command, origin, announce=True)
        return Response(status_code=200)

    return router


def make_client(settings: Settings) -> WebClient:
    """The Web API client: the bot token, and `SLACK_API_URL` or the SDK's own default base URL."""
    base_url = settings.slack_api_url or WebClient.BASE_URL
    client = WebClient(token=settings.slack_bot_token, base_url=base_url.rstrip("/") + "/", timeout=120)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))  # honours Retry-After
    return client


_NO_TOKEN = (
    "The bot can't post videos yet: SLACK_BOT_TOKEN is not set on the seekreel server. "
    "Ask whoever runs it to add the app's Bot User OAuth Token."
)


_COMMAND_FIELDS = {
    "text": "what follows /render: `[--duration S] [--aspect W:H] prompt`, or `help`",
    "channel_id": "where the video is posted",
    "user_id": "who asked (gets the ephemeral messages)",
    "response_url": "where failures are reported",
    "command": "the command's name, e.g. /render",
}


def _form_body(fields: dict[str, str]) -> dict[str, Any]:
    """OpenAPI for a body the route reads raw (it must, to check the signature): Slack's form fields."""
    properties = {name: {"type": "string", "description": text} for name, text in fields.items()}
    schema = {"type": "object", "properties": properties}
    return {
        "requestBody": {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": schema}},
        },
        "parameters": [
            {"name": "X-Slack-Signature", "in": "header", "required": True, "schema": {"type": "string"}},
            {
                "name": "X-Slack-Request-Timestamp",
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
            },
        ],
    }


def _form(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


def _payload(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(_form(body).get("payload", ""))
    except json.JSONDecodeError:
        payload = None
    if not isinstance(payload, dict):
        raise HTTPException(status_code=400, detail="not a Slack interaction payload")
    return payload


def _team(payload: dict[str, Any]) -> str:
    return str((payload.get("user") or {}).get("team_id") or (payload.get("team") or {}).get("id") or "")


def _decision(payload: dict[str, Any]) -> tuple[str, str, Origin, str] | None:
    """(action, project id, who clicked where, their team) for a click on Approve, Cancel or Open in editor."""
    if payload.get("type") != "block_actions":
        return None
    action = next(
        (a for a in payload.get("actions", []) if a.get("action_id") in review_messages.REVIEW_ACTIONS),
        None,
    )
    user = (payload.get("user") or {}).get("id")
    channel = (payload.get("channel") or {}).get("id") or (payload.get("container") or {}).get("channel_id")
    if action is None or not action.get("value") or not user or not channel:
        return None
    thread_ts = (payload.get("message") or {}).get("thread_ts")
    origin = Origin(channel, user, payload.get("response_url"), thread_ts)
    return str(action["action_id"]), str(action["value"]), origin, _team(payload)


def _interaction_command(
    payload: dict[str, Any], max_prompt: int, max_duration: float
) -> tuple[RenderCommand | StoryCommand | CommandProblem, Origin] | None:
    """The render an interaction asks for, and where it came from; None for interactions that need nothing."""
    user = (payload.get("user") or {}).get("id")
    channel = (payload.get("channel") or {}).get("id") or (payload.get("container") or {}).get("channel_id")
    if not user or not channel:
        return None
    message = payload.get("message") or {}
    if payload.get("type") == "block_actions":
        action = next(
            (a for a in payload.get("actions", []) if a.get("action_id") == messages.RENDER_AGAIN_ACTION),
            None,
        )
        command = messages.decode_command(action.get("value", "")) if action else None
        if command is None:
            return None
        thread_ts = message.get("thread_ts") or (payload.get("container") or {}).get("thread_ts")
        return command, Origin(channel, user, payload.get("response_url"), thread_ts)
    if payload.get("type") == "message_action" and payload.get("callback_id") == RENDER_MESSAGE_SHORTCUT:
        parsed = parse_command(
            message.get("text", ""), max_prompt_chars=max_prompt, max_duration=max_duration
        )
        if isinstance(parsed, HelpCommand):
            parsed = CommandProblem("That message has no text to turn into a video.")
        thread_ts = message.get("thread_ts") or message.get("ts")
        return parsed, Origin(channel, user, payload.get("response_url"), thread_ts)
    return None
