"""The real `openai` and `anthropic` SDK clients against fake servers that speak their wire protocols."""

from __future__ import annotations

import asyncio
import socket

import pytest

from service.generation.providers import (
    Message,
    ModelNotFound,
    ProviderAuthError,
    ProviderNotConfigured,
    ProviderRateLimited,
    ProviderUnavailable,
    get_provider,
)
from tests.fakes import anthropic_server, openai_server
from tests.fakes.json_http import Reply
from tests.fakes.models import chat_requests, fake_model, model_settings

KINDS = ["openai", "anthropic"]
HELLO = [Message("user", "Say hello")]


def _complete(settings, *, name=None, model=None, base_url=None, system="You are terse."):
    async def run():
        provider = get_provider(name, model, settings, base_url=base_url)
        try:
            return await provider.complete(system, HELLO)
        finally:
            await provider.aclose()

    return asyncio.run(run())


def _rate_limited(kind: str) -> Reply:
    return openai_server.rate_limited() if kind == "openai" else anthropic_server.rate_limited()


def _server_error(kind: str) -> Reply:
    return openai_server.server_error(503) if kind == "openai" else anthropic_server.overloaded()


def _one_line(err: BaseException) -> str:
    text = str(err)
    assert "\n" not in text and "Traceback" not in text
    return text


def test_openai_request_shape_and_answer() -> None:
    with fake_model("openai", ["hello there"]) as (fake, settings):
        completion = _complete(settings)
    assert completion.text == "hello there" and completion.finish_reason == "stop"
    (req,) = chat_requests(fake)
    assert req.headers["authorization"] == "Bearer sk-test"
    assert req.body["model"] == "gpt-test"
    assert req.body["messages"] == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Say hello"},
    ]


def test_anthropic_request_shape_and_answer() -> None:
    with fake_model("anthropic", ["hi"], provider_max_tokens=1234) as (fake, settings):
        completion = _complete(settings)
    assert completion.text == "hi"
    (req,) = chat_requests(fake)
    assert req.headers["anthropic-version"]
    assert req.body["system"] == "You are terse."
    assert req.body["max_tokens"] == 1234
    assert req.body["messages"] == [{"role": "user", "content": "Say hello"}]


def test_output_limit_is_reported_as_length() -> None:
    with fake_model("openai", [openai_server.answer("<!doctype html><html", finish_reason="length")]) as (
        _,
        s,
    ):
        assert _complete(s).finish_reason == "length"
    with fake_model("anthropic", [anthropic_server.answer("<html", stop_reason="max_tokens")]) as (_, s):
        assert _complete(s).finish_reason == "length"


@pytest.mark.parametrize("kind", KINDS)
def test_bad_key_is_a_clear_error_without_retries(kind: str) -> None:
    with fake_model(kind, ["never"]) as (fake, _):
        key = {"openai_api_key": "sk-wrong"} if kind == "openai" else {"anthropic_api_key": "sk-wrong"}
        settings = model_settings(kind, fake, **key)
        with pytest.raises(ProviderAuthError) as info:
            _complete(settings)
    line = _one_line(info.value)
    assert "401" in line and ("OPENAI_API_KEY" if kind == "openai" else "ANTHROPIC_API_KEY") in line
    assert len(chat_requests(fake)) == 1
    assert not info.value.transient


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_model_is_a_clear_error(kind: str) -> None:
    with fake_model(kind, ["never"]) as (fake, settings), pytest.raises(ModelNotFound) as info:
        _complete(settings, model="no-such-model")
    line = _one_line(info.value)
    assert "no-such-model" in line and "404" in line and "--model" in line
    assert len(chat_requests(fake)) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_rate_limit_then_success_is_retried(kind: str) -> None:
    with fake_model(kind, [_rate_limited(kind), "after the wait"]) as (fake, settings):
        assert _complete(settings).text == "after the wait"
    requests = chat_requests(fake)
    assert len(requests) == 2
    assert [r.headers.get("x-stainless-retry-count") for r in requests] == ["0", "1"]


@pytest.mark.parametrize("kind", KINDS)
def test_server_error_then_success_is_retried(kind: str) -> None:
    with fake_model(kind, [_server_error(kind), "fine now"]) as (fake, settings):
        assert _complete(settings).text == "fine now"
    assert len(chat_requests(fake)) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_rate_limit_that_persists_gives_up_after_the_retries(kind: str) -> None:
    with (
        fake_model(kind, [_rate_limited(kind)], provider_retries=1) as (fake, settings),
        pytest.raises(ProviderRateLimited) as info,
    ):
        _complete(settings)
    assert "429" in _one_line(info.value) and info.value.transient
    assert len(chat_requests(fake)) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_unreachable_server(kind: str) -> None:
    with socket.socket() as sock:  # a port with nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}" + ("/v1" if kind == "openai" else "")
    settings = model_settings(
        kind,
        None,
        provider_retries=0,
        openai_api_key="sk-test",
        anthropic_api_key="sk-test",
        openai_base_url=url,
        anthropic_base_url=url,
    )
    with pytest.raises(ProviderUnavailable) as info:
        _complete(settings)
    assert "cannot reach" in _one_line(info.value)


@pytest.mark.parametrize("kind", KINDS)
def test_slow_server_times_out(kind: str) -> None:
    slow = Reply(200, {}, delay=2.0)
    with (
        fake_model(kind, [slow], provider_timeout=0.3, provider_retries=0) as (_, settings),
        pytest.raises(ProviderUnavailable) as info,
    ):
        _complete(settings)
    assert "did not answer within 0.3s" in _one_line(info.value)


@pytest.mark.parametrize(
    ("kind", "variable"), [("openai", "OPENAI_API_KEY"), ("anthropic", "ANTHROPIC_API_KEY")]
)
def test_no_key_configured(kind: str, variable: str) -> None:
    with pytest.raises(ProviderNotConfigured) as info:
        get_provider(kind, None, model_settings(kind, None))
    assert f"set {variable} or use --provider offline" in _one_line(info.value)


def test_openai_compatible_needs_url_and_model_but_no_key() -> None:
    settings = model_settings("openai-compatible", None, model=None)
    with pytest.raises(ProviderNotConfigured, match="--base-url"):
        get_provider("openai-compatible", "llama3.1", settings)
    with pytest.raises(ProviderNotConfigured, match="--model"):
        get_provider("openai-compatible", None, settings, base_url="http://127.0.0.1:9/v1")
    local = openai_server.FakeOpenAI(["from a local model"], api_key=None, models=("llama3.1",))
    with local:
        completion = _complete(settings, name="ollama", model="llama3.1", base_url=local.base_url)
    assert completion.text == "from a local model"
    (req,) = local.chat_requests
    assert req.headers["authorization"] == "Bearer not-needed"


def test_openai_compatible_errors_name_the_server() -> None:
    local = openai_server.FakeOpenAI(["x"], api_key=None, models=("llama3.1",))
    settings = model_settings("openai-compatible", None, model="mistral")
    with local, pytest.raises(ModelNotFound) as info:
        _complete(settings, base_url=local.base_url)
    assert local.base_url in str(info.value) and "mistral" in str(info.value)


def test_unknown_provider_name() -> None:
    with pytest.raises(ProviderNotConfigured, match="unknown provider 'gemini'"):
        get_provider("gemini", None, model_settings("offline", None))
