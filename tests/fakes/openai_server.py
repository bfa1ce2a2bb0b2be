"""A fake OpenAI Chat Completions server speaking the real wire protocol.

`POST /v1/chat/completions` with `Authorization: Bearer KEY` and a JSON body
`{"model", "messages": [{"role", "content"}], …}` → a `chat.completion` object. Errors use
OpenAI's shape `{"error": {"message", "type", "param", "code"}}` with the real status codes.
The script is a list of answers (text) or raw `Reply`s, served in order, one per request
that passes the key and model checks; when it runs out, the last item repeats.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from .json_http import Reply, Request, ScriptedModelServer

_ids = itertools.count(1)


def error(status: int, message: str, type_: str, code: str | None = None, **headers: str) -> Reply:
    body = {"error": {"message": message, "type": type_, "param": None, "code": code}}
    return Reply(status, body, {"x-request-id": f"req_{next(_ids)}", **headers})


def rate_limited() -> Reply:
    """429 as OpenAI sends it; `retry-after-ms` keeps the SDK's wait short."""
    return error(
        429,
        "Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1.",
        "requests",
        "rate_limit_exceeded",
        **{"retry-after-ms": "10"},
    )


def server_error(status: int = 500) -> Reply:
    return error(
        status,
        "The server had an error while processing your request.",
        "server_error",
        None,
        **{"retry-after-ms": "10"},
    )


def answer(text: str, *, finish_reason: str = "stop", model: str = "gpt-test") -> Reply:
    body = {
        "id": f"chatcmpl-{next(_ids)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_fake",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": 100,
            "completion_tokens": len(text) // 4,
            "total_tokens": 100 + len(text) // 4,
        },
    }
    return Reply(200, body, {"x-request-id": f"req_{next(_ids)}"})


class FakeOpenAI(ScriptedModelServer):
    """`with FakeOpenAI(["first answer", "second answer"]) as fake:` then point the SDK at `fake.base_url`."""

    PATH = "/v1/chat/completions"

    def __init__(
        self,
        script: list[str | Reply],
        *,
        api_key: str | None = "sk-test",
        models: tuple[str, ...] = ("gpt-test",),
    ) -> None:
        super().__init__(script, api_key=api_key, models=models)

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def chat_requests(self) -> list[Request]:
        return self.model_requests

    def answer(self, text: str, model: str) -> Reply:
        return answer(text, model=model)

    def handle_request(self, request: Request) -> Reply:
        if request.method != "POST" or request.path != "/v1/chat/completions":
            return error(404, f"Invalid URL ({request.method} {request.path})", "invalid_request_error")
        if self.api_key is not None and request.headers.get("authorization") != f"Bearer {self.api_key}":
            return error(
                401,
                "Incorrect API key provided: sk-wr***. You can find your API key at your account page.",
                "invalid_request_error",
                "invalid_api_key",
            )
        body: Any = request.body
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list) or not body.get("model"):
            return error(400, "'messages' and 'model' are required properties", "invalid_request_error")
        for m in body["messages"]:
            if m.get("role") not in ("system", "developer", "user", "assistant") or not isinstance(
                m.get("content"), str
            ):
                return error(400, f"Invalid message: {m!r}", "invalid_request_error")
        if body["model"] not in self.models:
            return error(
                404,
                f"The model `{body['model']}` does not exist or you do not have access to it.",
                "invalid_request_error",
                "model_not_found",
            )
        return self.next_reply(body["model"])
