"""A fake OpenAI text-to-speech server speaking the real wire protocol.

`POST /v1/audio/speech` with `Authorization: Bearer KEY` and a JSON body
`{"model", "input", "voice", "response_format"?, "speed"?, "instructions"?}` → the audio bytes
(`pcm`: raw 24 kHz 16-bit mono, `wav`: the same in a WAV file). Errors use OpenAI's JSON shape.
The "speech" is a tone whose length is `seconds_per_char` per input character (divided by
`speed`), so a test knows how long each sentence's audio must be.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from typing import Any

from .json_http import JsonServer, Reply, Request
from .openai_server import error

SAMPLE_RATE = 24_000
VOICES = (
    "alloy",
    "ash",
    "ballad",
    "cedar",
    "coral",
    "echo",
    "fable",
    "marin",
    "nova",
    "onyx",
    "sage",
    "shimmer",
    "verse",
)


def samples_for(text: str, *, seconds_per_char: float, speed: float = 1.0) -> int:
    return round(len(text) * seconds_per_char / speed * SAMPLE_RATE)


def tone(samples: int, frequency: float = 220.0) -> bytes:
    return b"".join(
        struct.pack("<h", round(8000 * math.sin(2 * math.pi * frequency * i / SAMPLE_RATE)))
        for i in range(samples)
    )


class FakeOpenAISpeech(JsonServer):
    """`with FakeOpenAISpeech() as fake:` then point the SDK at `fake.base_url`; `fake.inputs` lists what was spoken."""

    def __init__(
        self,
        *,
        api_key: str = "sk-test",
        models: tuple[str, ...] = ("gpt-4o-mini-tts",),
        seconds_per_char: float = 0.02,
    ) -> None:
        self.api_key = api_key
        self.models = models
        self.seconds_per_char = seconds_per_char
        super().__init__(self.handle_request)

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def inputs(self) -> list[str]:
        return [r.body["input"] for r in self.requests if isinstance(r.body, dict) and "input" in r.body]

    def handle_request(self, request: Request) -> Reply:
        if request.method != "POST" or request.path != "/v1/audio/speech":
            return error(404, f"Invalid URL ({request.method} {request.path})", "invalid_request_error")
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return error(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
        body: Any = request.body
        if not isinstance(body, dict) or not all(
            isinstance(body.get(k), str) for k in ("model", "input", "voice")
        ):
            return error(400, "'model', 'input' and 'voice' are required properties", "invalid_request_error")
        if body["model"] not in self.models:
            return error(
                404,
                f"The model `{body['model']}` does not exist.",
                "invalid_request_error",
                "model_not_found",
            )
        if body["voice"] not in VOICES:
            return error(400, f"Invalid voice: {body['voice']}", "invalid_request_error")
        speed = float(body.get("speed", 1.0))
        pcm = tone(samples_for(body["input"], seconds_per_char=self.seconds_per_char, speed=speed))
        fmt = body.get("response_format", "mp3")
        if fmt == "pcm":
            return Reply(200, pcm, {"content-type": "audio/pcm"})
        if fmt == "wav":
            out = io.BytesIO()
            with wave.open(out, "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(SAMPLE_RATE)
                w.writeframes(pcm)
            return Reply(200, out.getvalue(), {"content-type": "audio/wav"})
        return error(400, f"this fake serves pcm and wav, not {fmt}", "invalid_request_error")
