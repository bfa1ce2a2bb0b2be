"""OpenAI text to speech, the hosted voice, through the official SDK (`audio.speech`).

Each sentence is its own request, answered as raw PCM (24 kHz, 16-bit, mono), so sentence
timings are measured from the samples exactly as for Piper — no estimate. Hosted voices are
not bit-for-bit repeatable between requests; the speech cache makes a re-render reuse them.
"""

from __future__ import annotations

import asyncio
import typing
from collections.abc import Sequence
from functools import cache

from service.generation.providers.base import Endpoint, SdkProvider
from service.settings import Settings

from .narration import SpeechError

PCM_SAMPLE_RATE = 24_000
"""What `response_format="pcm"` returns."""


@cache
def openai_voice_names() -> tuple[str, ...]:
    """The built-in voices, as the installed SDK lists them."""
    from openai.types.audio.speech_create_params import Voice

    for arg in typing.get_args(Voice):
        if typing.get_origin(arg) is typing.Literal:
            return tuple(sorted(typing.get_args(arg)))
    return ()


class OpenAISpeaker(SdkProvider):
    """Speaks sentences with one OpenAI voice (checked by the caller), a few requests at a time."""

    sample_rate = PCM_SAMPLE_RATE

    def __init__(self, voice: str, *, speed: float, settings: Settings) -> None:
        import openai  # imported here: the SDK takes a second to import, and offline runs never need it

        self.name = "openai"
        self.voice = voice
        self.speed = speed
        self.model = settings.openai_tts_model
        self.instructions = settings.openai_tts_instructions
        self.concurrency = max(1, settings.openai_tts_concurrency)
        url = settings.openai_base_url
        self.endpoint = Endpoint(
            label="OpenAI speech" if not url else f"the OpenAI speech API at {url}",
            model=self.model,
            key_env="OPENAI_API_KEY",
            retries=settings.provider_retries,
            timeout=settings.provider_timeout,
        )
        self._sdk = openai
        self._client = openai.AsyncOpenAI(
            api_key=settings.openai_api_key,
            base_url=url,
            timeout=settings.provider_timeout,
            max_retries=settings.provider_retries,
        )

    def cache_identity(self) -> dict[str, object]:
        return {
            "engine": "openai",
            "model": self.model,
            "voice": self.voice,
            "speed": self.speed,
            "instructions": self.instructions,
        }

    async def speak(self, sentences: Sequence[str]) -> list[bytes]:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(sentence: str) -> bytes:
            async with gate:
                return await self._request(sentence)

        return list(await asyncio.gather(*(one(s) for s in sentences)))

    async def _request(self, sentence: str) -> bytes:
        try:
            async with self._client.audio.speech.with_streaming_response.create(
                model=self.model,
                voice=self.voice,
                input=sentence,
                response_format="pcm",
                speed=self.speed,
                instructions=self.instructions or self._sdk.omit,
            ) as response:
                data: bytes = await response.read()
        except self._sdk.OpenAIError as exc:
            raise SpeechError(str(self._error(exc))) from exc
        if len(data) % 2:
            raise SpeechError(f"{self.endpoint.label} sent {len(data)} bytes, not 16-bit PCM samples")
        return data
