"""The HTTP API and web editor (FastAPI). `create_app(settings)` builds it; `seekreel serve` runs it."""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
