"""Model providers: offline (templates), OpenAI, Anthropic, and OpenAI-compatible servers."""

from .base import (
    Completion,
    Message,
    ModelNotFound,
    Provider,
    ProviderAuthError,
    ProviderError,
    ProviderNotConfigured,
    ProviderRateLimited,
    ProviderRequestError,
    ProviderUnavailable,
)
from .offline_provider import OfflineProvider
from .registry import DEFAULT_MODELS, PROVIDERS, get_provider, provider_name

__all__ = [
    "DEFAULT_MODELS",
    "PROVIDERS",
    "Completion",
    "Message",
    "ModelNotFound",
    "OfflineProvider",
    "Provider",
    "ProviderAuthError",
    "ProviderError",
    "ProviderNotConfigured",
    "ProviderRateLimited",
    "ProviderRequestError",
    "ProviderUnavailable",
    "get_provider",
    "provider_name",
]
