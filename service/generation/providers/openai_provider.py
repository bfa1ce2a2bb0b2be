"""OpenAI and any OpenAI-compatible server (Ollama, llama.cpp, vLLM) through the official SDK.

Retries: the SDK already retries 408/409/429/5xx and connection errors with exponential
backoff (0.5 s doubling, capped at 8 s, with jitter) and honours the server's
`retry-after`/`retry-after-ms`; we only set how many times.
"""

from __future__ import annotations

from collections.abc import Sequence

from .base import Completion, Endpoint, Message, SdkProvider

DUMMY_KEY = "not-needed"
"""Local OpenAI-compatible servers ignore the key, but the SDK insists on one."""


class OpenAIProvider(SdkProvider):
    """Chat Completions (`POST {base_url}/chat/completions`), the one API every compatible server speaks."""

    def __init__(
        self,
        *,
        name: str,
        model: str,
        api_key: str,
        base_url: str | None,
        timeout: float,
        retries: int,
        label: str,
        key_env: str = "OPENAI_API_KEY",
    ) -> None:
        self.name = name
        self.model = model
        self.endpoint = Endpoint(label=label, model=model, key_env=key_env, retries=retries, timeout=timeout)
        import openai  # imported here: the SDK takes a second to import, and offline runs never need it

        self._sdk = openai
        self._client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=retries
        )

    async def complete(self, system: str, messages: Sequence[Message]) -> Completion:
        chat = [{"role": "system", "content": system}]
        chat += [{"role": m.role, "content": m.content} for m in messages]
        try:
            response = await self._client.chat.completions.create(model=self.model, messages=chat)
        except self._sdk.OpenAIError as exc:
            raise self._error(exc) from exc
        if not response.choices:
            return Completion(text="")
        choice = response.choices[0]
        text = choice.message.content if choice.message else None
        return Completion(
            text=text or "", finish_reason="length" if choice.finish_reason == "length" else "stop"
        )
