"""The bounds a composition is held to, from Settings unless the caller gives its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.settings import Settings, get_settings


def _setting_default(name: str) -> Any:
    """The default is the setting's: `ValidationLimits()` holds what an unconfigured server does."""
    return Settings.model_fields[name].default


@dataclass(frozen=True)
class ValidationLimits:
    max_bytes: int = _setting_default("validation_max_bytes")
    """Largest document, in UTF-8 bytes."""
    max_elements: int = _setting_default("validation_max_elements")
    max_duration: float = _setting_default("max_duration")
    """Longest data-duration, in seconds."""
    seek_timeout: float = _setting_default("validation_seek_timeout")
    """Budget of each sample seek in the runtime check."""
    load_timeout: float = 15.0
    runtime_timeout: float = 90.0
    """Budget of the whole runtime check (browser start, load, every seek)."""
    sample_count: int = 5
    """Sample times for the runtime check: 0, evenly spaced, and the last frame."""
    probe_short_side: int = 180
    """Short side in pixels of the frames the runtime check captures (small is fast)."""

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> ValidationLimits:
        s = settings or get_settings()
        return cls(
            max_bytes=s.validation_max_bytes,
            max_elements=s.validation_max_elements,
            max_duration=s.max_duration,
            seek_timeout=s.validation_seek_timeout,
        )
