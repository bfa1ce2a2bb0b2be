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
from .registry import (
    DEFAULT_MODELS,
    PROVIDERS,
    configured_providers,
    get_provider,
    missing_settings,
    provider_name,
)

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
    "configured_providers",
    "get_provider",
    "missing_settings",
    "provider_name",
]
