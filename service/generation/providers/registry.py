"""Pick and configure a provider from its name, a model, a base URL and the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .anthropic_provider import AnthropicProvider
from .base import Provider, ProviderNotConfigured
from .offline_provider import OFFLINE, OfflineProvider
from .openai_provider import DUMMY_KEY, OpenAIProvider

if TYPE_CHECKING:
    from service.settings import Settings

OPENAI = "openai"
ANTHROPIC = "anthropic"
COMPATIBLE = "openai-compatible"
PROVIDERS = (OFFLINE, OPENAI, ANTHROPIC, COMPATIBLE)
_ALIASES = {"compatible": COMPATIBLE, "ollama": COMPATIBLE, "vllm": COMPATIBLE, "llama.cpp": COMPATIBLE}
DEFAULT_MODELS = {OPENAI: "gpt-5.5", ANTHROPIC: "claude-sonnet-4-6"}


def provider_name(name: str | None, settings: Settings) -> str:
    """The canonical provider name for `name` (or the configured default); one-line error if unknown."""
    raw = (name or settings.provider or OFFLINE).strip().lower()
    canonical = _ALIASES.get(raw, raw)
    if canonical not in PROVIDERS:
        raise ProviderNotConfigured(f"unknown provider {raw!r}: use one of {', '.join(PROVIDERS)}")
    return canonical


_NEEDS = {  # provider → the settings it cannot work without, by their environment names
    OFFLINE: {},
    OPENAI: {"openai_api_key": "OPENAI_API_KEY"},
    ANTHROPIC: {"anthropic_api_key": "ANTHROPIC_API_KEY"},
    COMPATIBLE: {"openai_base_url": "OPENAI_BASE_URL", "model": "SEEKREEL_MODEL"},
}


def missing_settings(name: str, settings: Settings) -> list[str]:
    """The environment variables provider `name` needs that are not set; empty when it is ready."""
    return [env for field, env in _NEEDS[name].items() if not getattr(settings, field)]


def configured_providers(settings: Settings) -> tuple[str, ...]:
    """The providers this server can use with nothing more from the caller: what the API offers."""
    return tuple(name for name in PROVIDERS if not missing_settings(name, settings))


def get_provider(
    name: str | None, model: str | None, settings: Settings, *, base_url: str | None = None
) -> Provider | OfflineProvider:
    """A ready provider. Per-call `name`, `model`, `base_url` override the settings.

    Raises ProviderNotConfigured when a key, base URL or model is missing, before any request.
    """
    kind = provider_name(name, settings)
    if kind == OFFLINE:
        return OfflineProvider(settings.max_duration)
    model = (model or settings.model or DEFAULT_MODELS.get(kind) or "").strip()
    timeout, retries = settings.provider_timeout, settings.provider_retries
    if kind == ANTHROPIC:
        key = settings.anthropic_api_key
        if not key:
            raise ProviderNotConfigured(
                "no Anthropic API key: set ANTHROPIC_API_KEY or use --provider offline"
            )
        return AnthropicProvider(
            model=model,
            api_key=key,
            base_url=base_url or settings.anthropic_base_url,
            timeout=timeout,
            retries=retries,
            max_tokens=settings.provider_max_tokens,
        )
    url = base_url or settings.openai_base_url
    if kind == OPENAI:
        key = settings.openai_api_key
        if not key:
            raise ProviderNotConfigured("no OpenAI API key: set OPENAI_API_KEY or use --provider offline")
        label = "OpenAI" if not url else f"the OpenAI API at {url}"
        return OpenAIProvider(
            name=OPENAI, model=model, api_key=key, base_url=url, timeout=timeout, retries=retries, label=label
        )
    if not url:
        raise ProviderNotConfigured(
            "the openai-compatible provider needs the server's URL: pass --base-url "
            "(e.g. http://localhost:11434/v1 for Ollama) or set OPENAI_BASE_URL"
        )
    if not model:
        raise ProviderNotConfigured(
            "the openai-compatible provider needs a model name: pass --model (e.g. llama3.1) or set SEEKREEL_MODEL"
        )
    return OpenAIProvider(
        name=COMPATIBLE,
        model=model,
        api_key=settings.openai_api_key or DUMMY_KEY,
        base_url=url,
        timeout=timeout,
        retries=retries,
        label=f"the server at {url}",
    )
