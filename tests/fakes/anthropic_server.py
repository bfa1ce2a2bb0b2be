"""A fake Anthropic Messages API speaking the real wire protocol.

`POST /v1/messages` with an `anthropic-version` header, the key in `x-api-key` (or
`Authorization: Bearer`, as newer SDKs send it) and a JSON body `{"model", "max_tokens",
"system"?, "messages": [{"role", "content"}]}` (roles alternate, starting with user; no
empty content) → a `message` object. Errors use `{"type": "error", "error": {"type",
"message"}}` with the real status codes. Scripted like the OpenAI fake.
"""

from __future__ import annotations

import itertools
from typing import Any

from .json_http import Reply, Request, ScriptedModelServer

_ids = itertools.count(1)


def error(status: int, type_: str, message: str, **headers: str) -> Reply:
    body = {"type": "error", "error": {"type": type_, "message": message}, "request_id": f"req_{next(_ids)}"}
    return Reply(status, body, {"request-id": f"req_{next(_ids)}", **headers})


def rate_limited() -> Reply:
    return error(
        429,
        "rate_limit_error",
        "This request would exceed the rate limit for your organization of 50 requests per minute.",
        **{"retry-after-ms": "10"},
    )


def overloaded() -> Reply:
    return error(529, "overloaded_error", "Overloaded", **{"retry-after-ms": "10"})


def answer(text: str, *, stop_reason: str = "end_turn", model: str = "claude-test") -> Reply:
    body = {
        "id": f"msg_{next(_ids):06d}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": 100, "output_tokens": max(1, len(text) // 4)},
    }
    return Reply(200, body, {"request-id": f"req_{next(_ids)}"})


class FakeAnthropic(ScriptedModelServer):
    """`with FakeAnthropic(["answer"]) as fake:` then `AsyncAnthropic(base_url=fake.url)`."""

    PATH = "/v1/messages"

    def __init__(
        self,
        script: list[str | Reply],
        *,
        api_key: str = "sk-ant-test",
        models: tuple[str, ...] = ("claude-test",),
    ) -> None:
        super().__init__(script, api_key=api_key, models=models)

    @property
    def message_requests(self) -> list[Request]:
        return self.model_requests

    def answer(self, text: str, model: str) -> Reply:
        return answer(text, model=model)

    def handle_request(self, request: Request) -> Reply:
        if request.method != "POST" or request.path != "/v1/messages":
            return error(404, "not_found_error", "Not found")
        if not request.headers.get("anthropic-version"):
            return error(400, "invalid_request_error", "anthropic-version: header is required")
        key = request.headers.get("x-api-key") or request.headers.get("authorization", "").removeprefix(
            "Bearer "
        )
        if key != self.api_key:
            return error(401, "authentication_error", "invalid x-api-key")
        problem = _shape_problem(request.body)
        if problem:
            return error(400, "invalid_request_error", problem)
        if request.body["model"] not in self.models:
            return error(404, "not_found_error", f"model: {request.body['model']}")
        return self.next_reply(request.body["model"])


def _shape_problem(body: Any) -> str | None:
    """What the real API would refuse with a 400, for the parts of the request we use."""
    if not isinstance(body, dict):
        return "request body must be a JSON object"
    for name in ("model", "max_tokens", "messages"):
        if name not in body:
            return f"{name}: Field required"
    if "system" in body and not isinstance(body["system"], str | list):
        return "system: Input should be a valid string or list"
    expected = "user"
    for i, m in enumerate(body["messages"]):
        if m.get("role") != expected:
            return (
                f"messages.{i}.role: messages must alternate between user and assistant, starting with user"
            )
        content = m.get("content")
        if not content or (isinstance(content, str) and not content.strip()):
            return f"messages.{i}: text content blocks must be non-empty"
        expected = "assistant" if expected == "user" else "user"
    return None
