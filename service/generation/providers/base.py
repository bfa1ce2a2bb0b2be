"""What every chat model provider offers the generation loop, and the errors they raise.

The loop speaks to models in one shape (a system prompt plus alternating user/assistant
turns → one text answer) so OpenAI, Anthropic and OpenAI-compatible servers are
interchangeable. Every failure that is not the model's answer itself becomes a
`ProviderError` whose `str()` is one line saying what went wrong and what to do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class Completion:
    """A model's answer. `finish_reason` is normalised to 'stop' or 'length' (hit the output limit)."""

    text: str
    finish_reason: Literal["stop", "length"] = "stop"


@runtime_checkable
class Provider(Protocol):
    """A chat model. Implementations own their HTTP client; call `aclose()` when done."""

    name: str
    model: str

    async def complete(self, system: str, messages: Sequence[Message]) -> Completion: ...

    async def aclose(self) -> None: ...


class ProviderError(Exception):
    """A provider could not produce an answer. `str()` is one clear line.

    `transient` is True when trying again later may help (rate limits, server errors,
    timeouts, an unreachable server) and False for configuration mistakes (no key, a bad
    key, an unknown model).
    """

    transient: bool = False


class ProviderNotConfigured(ProviderError):
    """No key, no base URL, no model, or an unknown provider name."""


class ProviderAuthError(ProviderError):
    """The server rejected the key (401) or the key may not use this model (403)."""


class ModelNotFound(ProviderError):
    """The server does not know the model (404)."""


class ProviderRequestError(ProviderError):
    """The server refused the request as malformed or too large (400, 413, 422)."""


class ProviderRateLimited(ProviderError):
    transient = True


class ProviderUnavailable(ProviderError):
    """5xx after the retries, or the server could not be reached, or it timed out."""

    transient = True


def one_line(text: object, limit: int = 200) -> str:
    """Collapse whitespace and cut to `limit` characters, so server messages fit an error line."""
    flat = re.sub(r"\s+", " ", str(text or "")).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def server_message(body: object, fallback: str = "") -> str:
    """`error.message` from an OpenAI- or Anthropic-shaped error body (or the body itself)."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return one_line(inner["message"])
        if isinstance(inner, str):
            return one_line(inner)
    if isinstance(body, str) and body.strip():
        return one_line(body)
    return one_line(fallback)


@dataclass(frozen=True)
class Endpoint:
    """Who we are talking to, for error messages: 'OpenAI', 'Anthropic' or a server URL."""

    label: str
    model: str
    key_env: str
    retries: int
    timeout: float


def status_error(status: int, detail: str, where: Endpoint) -> ProviderError:
    """Map an HTTP error status (after the SDK's own retries) to a one-line ProviderError."""
    said = f": {detail}" if detail else ""
    if status == 401:
        return ProviderAuthError(f"{where.label} rejected the API key (401){said} — check {where.key_env}")
    if status == 403:
        return ProviderAuthError(
            f"{where.label} refused access to model {where.model!r} (403){said} — check the key's permissions"
        )
    if status == 404:
        return ModelNotFound(
            f"{where.label} does not know model {where.model!r} (404){said} — pick another with --model"
        )
    if status == 429:
        return ProviderRateLimited(
            f"{where.label} is rate limiting requests (429) after {where.retries} retries{said} — "
            "wait a minute and try again"
        )
    if status >= 500:
        return ProviderUnavailable(
            f"{where.label} had a server error ({status}) after {where.retries} retries{said} — try again later"
        )
    return ProviderRequestError(f"{where.label} refused the request ({status}){said}")


def unreachable_error(where: Endpoint, *, timed_out: bool) -> ProviderError:
    if timed_out:
        return ProviderUnavailable(
            f"{where.label} did not answer within {where.timeout:g}s (after {where.retries} retries) — "
            "try again or raise SEEKREEL_PROVIDER_TIMEOUT"
        )
    return ProviderUnavailable(
        f"cannot reach {where.label} (after {where.retries} retries) — check the network and the base URL"
    )


class SdkProvider:
    """What the `openai`- and `anthropic`-backed providers share: both SDKs have the same error
    classes (status, timeout, connection) and an async `close()`."""

    name: str
    model: str
    endpoint: Endpoint
    _sdk: Any
    _client: Any

    async def aclose(self) -> None:
        await self._client.close()

    def _error(self, exc: Exception) -> ProviderError:
        """The one-line ProviderError for an SDK exception raised after the SDK's own retries."""
        sdk, where = self._sdk, self.endpoint
        if isinstance(exc, sdk.APIStatusError | sdk.APIResponseValidationError):
            status = int(getattr(exc, "status_code", 0) or 0)
            detail = server_message(getattr(exc, "body", None), str(exc))
            if status < 400:
                return ProviderUnavailable(f"{where.label} sent an answer seekreel cannot read: {detail}")
            return status_error(status, detail, where)
        if isinstance(exc, sdk.APITimeoutError):
            return unreachable_error(where, timed_out=True)
        if isinstance(exc, sdk.APIConnectionError):
            return unreachable_error(where, timed_out=False)
        return ProviderError(f"{where.label}: {one_line(exc)}")
