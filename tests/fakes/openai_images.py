"""A fake OpenAI Images API speaking the real wire protocol.

`POST /v1/images/generations` with `Authorization: Bearer KEY` and `{"model", "prompt", "size",
"n", …}` → `{"created", "data": [{"b64_json"}], "size", "output_format", "usage", …}` as GPT
image models answer (always base64; they reject the legacy `response_format`). Errors use
OpenAI's `{"error": {…}}` shape, as the chat fake does.
"""

from __future__ import annotations

import base64
import re
import time
from typing import Any

from .json_http import JsonServer, Reply, Request
from .openai_server import error

_SIZE = re.compile(r"(\d+)x(\d+)")


class FakeOpenAIImages(JsonServer):
    """`with FakeOpenAIImages(png_bytes) as fake:` → point the SDK at `fake.base_url`; read `fake.prompts`."""

    PATH = "/v1/images/generations"

    def __init__(
        self, image: bytes, *, api_key: str = "sk-test", models: tuple[str, ...] = ("gpt-image-2",)
    ) -> None:
        self.image = image
        self.api_key = api_key
        self.models = models
        super().__init__(self.handle_request)

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def generations(self) -> list[Request]:
        return [r for r in self.requests if r.path == self.PATH]

    def handle_request(self, request: Request) -> Reply:
        if request.method != "POST" or request.path != self.PATH:
            return error(404, f"Invalid URL ({request.method} {request.path})", "invalid_request_error")
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return error(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
        body: Any = request.body
        if not isinstance(body, dict) or not isinstance(body.get("prompt"), str) or not body["prompt"]:
            return error(400, "Missing required parameter: 'prompt'.", "invalid_request_error")
        if body.get("model") not in self.models:
            return error(
                400, f"Invalid value: '{body.get('model')}'.", "invalid_request_error", "invalid_value"
            )
        if "response_format" in body:
            return error(
                400, "Unknown parameter: 'response_format'.", "invalid_request_error", "unknown_parameter"
            )
        size = body.get("size", "auto")
        match = _SIZE.fullmatch(size)
        if size != "auto" and not (match and all(int(v) % 16 == 0 for v in match.groups())):
            return error(
                400,
                f"Invalid size '{size}': width and height must be multiples of 16.",
                "invalid_request_error",
            )
        if body.get("n", 1) != 1:
            return error(400, "This fake makes one image per request.", "invalid_request_error")
        return Reply(
            200,
            {
                "created": int(time.time()),
                "background": "opaque",
                "data": [{"b64_json": base64.b64encode(self.image).decode("ascii")}],
                "output_format": "png",
                "quality": "medium",
                "size": size,
                "usage": {
                    "input_tokens": 12,
                    "input_tokens_details": {"image_tokens": 0, "text_tokens": 12},
                    "output_tokens": 1056,
                    "total_tokens": 1068,
                },
            },
        )
