"""The published OpenAPI document, made to say what this server does.

FastAPI's own document is close, but it describes a generic FastAPI app: a 422 for request
validation (this server answers 400), a security requirement whether or not keys are set,
and no way to know this server's limits. Each is corrected here, from the mechanism that
causes it, so the document follows the settings instead of repeating them.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from ..generation.providers import configured_providers
from ..settings import Settings
from .auth import AuthConfig
from .fields import SETTING_MARK
from .schemas import error_responses

_FASTAPI_VALIDATION = "#/components/schemas/HTTPValidationError"


def install_openapi(app: FastAPI, settings: Settings, auth: AuthConfig) -> None:
    """Serve the corrected document at /openapi.json (built once, on first request)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = correct(generate(), settings, auth)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend its schema


def correct(doc: dict[str, Any], settings: Settings, auth: AuthConfig) -> dict[str, Any]:
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for operation in _operations(doc):
        responses = operation["responses"]
        if _is_fastapi_validation(responses.get("422")):
            del responses["422"]  # errors.py answers request validation with 400
            responses.setdefault("400", _error_response(400))
        if "security" in operation:
            if auth.enabled:
                responses.setdefault("401", _error_response(401))
            else:
                del operation["security"]
        operation["responses"] = dict(sorted(responses.items()))
    if not auth.enabled:
        components.pop("securitySchemes", None)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    _resolve_settings(doc, settings)
    return doc


def _operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for path in doc.get("paths", {}).values() for op in path.values() if isinstance(op, dict)]


def _is_fastapi_validation(response: dict[str, Any] | None) -> bool:
    content = (response or {}).get("content", {}).get("application/json", {})
    return bool(content.get("schema", {}).get("$ref") == _FASTAPI_VALIDATION)


def _error_response(status: int) -> dict[str, Any]:
    return {
        "description": error_responses(status)[status]["description"],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }


def _resolve_settings(node: Any, settings: Settings) -> None:
    """Replace each FromSetting mark with this server's value."""
    if isinstance(node, dict):
        for keyword, name in node.pop(SETTING_MARK, {}).items():
            node[keyword] = _setting(settings, name)
        for value in node.values():
            _resolve_settings(value, settings)
    elif isinstance(node, list):
        for value in node:
            _resolve_settings(value, settings)


def _setting(settings: Settings, name: str) -> Any:
    if name == "providers":
        return list(configured_providers(settings))
    return getattr(settings, name)
