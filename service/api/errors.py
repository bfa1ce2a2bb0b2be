"""One JSON error shape for every failure: `{"error": {"code": …, "message": …}}`.

Caller mistakes are 4xx with a message that says what to change; only our own faults are
5xx. Request-shape problems (malformed JSON, wrong types, unknown fields) are 400 — 422
is kept for "the HTML/generation was checked and failed".
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from sandbox import BrowserUnavailable, CompositionError

from ..jobs import JobNotFound, QueueFull

log = logging.getLogger("seekreel.api")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "queue_full",
    503: "unavailable",
}


class ApiError(Exception):
    """Raise from a route to answer with a JSON error; `extra` goes into the error object."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.extra = extra


def error_response(
    status: int, code: str, message: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status, headers=headers)


def not_found(kind: str, ident: str) -> ApiError:
    return ApiError(404, "not_found", f"no {kind} with id {ident!r}")


def describe_validation_errors(errors: list[dict[str, Any]]) -> tuple[str, str, list[dict[str, str]]]:
    """(code, one-line message, per-field details) for pydantic/FastAPI request errors."""
    details = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        field = ".".join(loc) or "body"
        kind = err.get("type", "")
        if kind == "json_invalid":
            reason = (err.get("ctx") or {}).get("error", "invalid JSON")
            return "malformed_json", f"the request body is not valid JSON: {reason}", []
        if kind == "missing" and field == "body":
            msg = "a JSON body is required"
        elif kind == "model_attributes_type" and field == "body":
            msg = "the body must be a JSON object (send Content-Type: application/json)"
        elif kind == "extra_forbidden":
            msg = "unknown field"
        else:
            msg = err.get("msg", "invalid value").removeprefix("Value error, ")
        details.append({"field": field, "message": msg})
    first = details[0] if details else {"field": "body", "message": "invalid request"}
    summary = first["message"] if first["field"] == "body" else f"{first['field']}: {first['message']}"
    if len(details) > 1:
        summary += f" (and {len(details) - 1} more)"
    return "invalid_request", summary, details


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, headers=exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        code, message, details = describe_validation_errors(list(exc.errors()))
        extra: dict[str, Any] = {"details": details} if details else {}
        return error_response(400, code, message, **extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return error_response(exc.status_code, code, str(exc.detail), headers=headers or None)

    # Exceptions from the layers below that mean one thing to a caller wherever they come from.
    simple: list[tuple[type[Exception], int, str, dict[str, str] | None]] = [
        (CompositionError, 400, "composition_error", None),
        (JobNotFound, 404, "not_found", None),
        (QueueFull, 429, "queue_full", {"Retry-After": "5"}),
        (BrowserUnavailable, 503, "renderer_unavailable", {"Retry-After": "30"}),
    ]
    for exc_class, status, code, headers in simple:
        app.add_exception_handler(exc_class, simple_handler(status, code, headers))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal", "internal error; the server log has the details")


def _allowed_methods(request: Request) -> list[str]:
    """Every method of every route at this path: Starlette's own 405 names only the first route's."""
    path = request.scope["path"]
    return sorted(
        {
            method
            for route in request.app.router.routes
            if isinstance(route, Route) and route.methods and route.path_regex.match(path)
            for method in route.methods
        }
    )


def simple_handler(status: int, code: str, headers: dict[str, str] | None) -> Any:
    async def handle(_: Request, exc: Exception) -> JSONResponse:
        return error_response(status, code, str(exc), headers=headers)

    return handle
