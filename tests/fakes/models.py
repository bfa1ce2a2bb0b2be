"""Start a fake model server and the `Settings` that point seekreel's providers at it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from service.settings import Settings

from .anthropic_server import FakeAnthropic
from .json_http import JsonServer, Reply, ScriptedModelServer
from .openai_server import FakeOpenAI

MODELS = {"openai": "gpt-test", "anthropic": "claude-test"}


def model_settings(kind: str, fake: JsonServer | None, **overrides: Any) -> Settings:
    """Settings for provider `kind` talking to `fake`: its key, its URL, short retries and timeouts."""
    values: dict[str, Any] = {
        "provider": kind,
        "model": MODELS.get(kind),
        "openai_api_key": None,
        "openai_base_url": None,
        "anthropic_api_key": None,
        "anthropic_base_url": None,
        "brand_colors": None,
        "brand_fonts": None,
        "provider_retries": 2,
        "provider_timeout": 20.0,
        "max_attempts": 3,
    }
    if isinstance(fake, FakeOpenAI):
        values.update(openai_api_key=fake.api_key, openai_base_url=fake.base_url)
    elif isinstance(fake, FakeAnthropic):
        values.update(anthropic_api_key=fake.api_key, anthropic_base_url=fake.url)
    values.update(overrides)
    return Settings(**values)


@contextmanager
def fake_model(
    kind: str, script: list[str | Reply], **overrides: Any
) -> Iterator[tuple[JsonServer, Settings]]:
    """`with fake_model("openai", [answer1, answer2]) as (fake, settings):` — kind is openai or anthropic."""
    fake: JsonServer = FakeOpenAI(script) if kind == "openai" else FakeAnthropic(script)
    with fake:
        yield fake, model_settings(kind, fake, **overrides)


def sent_text(request: Any) -> str:
    """Everything a chat request sent (system prompt and every message), as one string."""
    body = request.body or {}
    parts = [body.get("system") or ""] if isinstance(body.get("system"), str) else []
    parts += [m.get("content") or "" for m in body.get("messages", [])]
    return "\n".join(str(p) for p in parts)


def chat_requests(fake: JsonServer) -> list[Any]:
    assert isinstance(fake, ScriptedModelServer)
    return fake.model_requests
