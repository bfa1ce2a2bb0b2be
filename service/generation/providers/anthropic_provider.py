"""Anthropic's Messages API through the official SDK.

Retries: as with OpenAI, the SDK retries 408/409/429/5xx (including 529 overloaded) and
connection errors with exponential backoff and honours `retry-after`; we set the count.
"""

from __future__ import annotations

from collections.abc import Sequence

from .base import Completion, Endpoint, Message, SdkProvider


class AnthropicProvider(SdkProvider):
    """`POST {base_url}/v1/messages`; the system prompt goes in its own field."""

    name = "anthropic"

    def __init__(
        self,
        *,
        model: str,
        api_key: str,
        base_url: str | None,
        timeout: float,
        retries: int,
        max_tokens: int,
    ) -> None:
        self.model = model
        self.max_tokens = max_tokens
        label = "Anthropic" if base_url is None else f"the Anthropic API at {base_url}"
        self.endpoint = Endpoint(
            label=label, model=model, key_env="ANTHROPIC_API_KEY", retries=retries, timeout=timeout
        )
        import anthropic  # imported here: the SDK takes a second to import, and offline runs never need it

        self._sdk = anthropic
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=retries
        )

    async def complete(self, system: str, messages: Sequence[Message]) -> Completion:
        try:
            response = await self._client.messages.create(
                model=self.model,
                max_tokens=self.max_tokens,
                system=system,
                messages=[{"role": m.role, "content": m.content} for m in messages],
            )
        except self._sdk.AnthropicError as exc:
            raise self._error(exc) from exc
        text = "".join(block.text for block in response.content if getattr(block, "type", None) == "text")
        return Completion(
            text=text, finish_reason="length" if response.stop_reason == "max_tokens" else "stop"
        )
