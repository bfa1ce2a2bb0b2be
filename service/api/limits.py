"""Request limits, each a setting and each a clear error: body, prompt, HTML, duration, resolution."""

from __future__ import annotations

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox import RenderOptions, duration_problem, output_size, parse_composition

from ..byte_sizes import size_text
from ..generation.providers import PROVIDERS, configured_providers, missing_settings
from ..settings import Settings
from .errors import ApiError, error_response


class BodyTooLarge(HTTPException):
    """Raised while reading a body past the limit. An HTTPException, so FastAPI's body parser passes it on."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _body_too_large(limit))


class BodySizeLimit:
    """ASGI middleware: refuse bodies over `limit` bytes with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await error_response(413, "too_large", _body_too_large(self.limit))(scope, receive, send)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, limited_receive, send)


def check_prompt(settings: Settings, prompt: str) -> str:
    """The prompt without surrounding space. Its length is counted as sent, as the API schema states."""
    if len(prompt) > settings.max_prompt_chars:
        raise ApiError(
            413,
            "prompt_too_long",
            f"the prompt has {len(prompt)} characters; this server accepts at most {settings.max_prompt_chars}",
        )
    prompt = prompt.strip()
    if not prompt:
        raise ApiError(400, "invalid_request", "prompt: describe the video you want (it is empty)")
    return prompt


def check_html_size(settings: Settings, html: str) -> None:
    """413 when the HTML is over this server's limit (a bound on work, unlike the validator's size rule)."""
    size = len(html.encode())
    if size > settings.max_html_bytes:
        raise ApiError(
            413,
            "html_too_large",
            f"the HTML is {size_text(size)}; this server accepts at most {size_text(settings.max_html_bytes)}",
        )


def check_duration(settings: Settings, duration: float | None) -> None:
    if duration is not None and (problem := duration_problem(duration, settings.max_duration)):
        raise ApiError(400, "duration_out_of_range", problem)


def check_generation(settings: Settings, duration: float | None, provider: str | None) -> None:
    """The generation settings of a request, checked even where they go unused (a draft from HTML)."""
    check_duration(settings, duration)
    check_provider(settings, provider)


def check_provider(settings: Settings, provider: str | None) -> None:
    """Only the providers this server has configured, by their exact names (as the API schema lists them)."""
    offered = configured_providers(settings)
    if provider is None or provider in offered:
        return
    if provider in PROVIDERS:
        why = (
            f"it is not configured on this server (set {' and '.join(missing_settings(provider, settings))})"
        )
    else:
        why = f"use one of {', '.join(offered)}"
    raise ApiError(400, "provider_error", f"provider {provider!r}: {why}")


def check_render(settings: Settings, html: str, options: RenderOptions) -> None:
    """Everything knowable before queueing: size, contract, duration and output resolution.

    Raises ApiError (413/400) or CompositionError (400) with a message naming the limit.
    """
    check_html_size(settings, html)
    comp = parse_composition(
        html, variables=options.variables, fps=options.fps, max_duration=settings.max_duration
    )
    check_output_size(settings, (comp.width, comp.height), options.resolution)


def check_output_size(settings: Settings, layout: tuple[int, int], resolution: str | None) -> None:
    """The picture a layout makes at `resolution` is one this server renders (CompositionError, 400)."""
    width, height, _ = output_size(layout, resolution)
    if width * height > settings.max_output_pixels:
        raise ApiError(
            400,
            "resolution_too_large",
            f"the output would be {width}x{height}; this server renders at most "
            f"{settings.max_output_pixels:,} pixels per frame: ask for a smaller resolution (e.g. 720p)",
        )


def _body_too_large(limit: int) -> str:
    return f"the request body is larger than this server's limit of {size_text(limit)}"
