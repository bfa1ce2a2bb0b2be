"""API keys, OAuth2 client credentials, and `seekreel serve` refusing to run open by accident."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_helpers import make_settings, tiny
from typer.testing import CliRunner

from service.api import create_app
from service.api.auth import AuthConfig
from service.cli import every_command
from service.cli.serve_cmd import is_loopback


@pytest.fixture
def c(tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(
        tmp_path, api_keys="key-one, key-two", oauth_clients="acme:s3cret", token_ttl=600
    )
    with TestClient(create_app(settings)) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_api_routes_need_a_key_and_say_how_to_send_one(c: TestClient) -> None:
    r = c.get("/drafts")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in r.json()["error"]["message"]
    r = c.post("/render", json={"html": tiny()}, headers=bearer("wrong"))
    assert r.status_code == 401 and "not valid" in r.json()["error"]["message"]
    assert c.get("/drafts", headers={"Authorization": "Basic a2V5LW9uZQ=="}).status_code == 401
    assert c.get("/drafts", headers=bearer("key-two")).status_code == 200
    # the editor, the docs, health and the token endpoint stay reachable
    for path in ("/", "/docs", "/openapi.json", "/healthz", "/static/app.js"):
        assert c.get(path).status_code == 200, path


def test_an_access_token_query_parameter_works_for_video_elements(c: TestClient) -> None:
    draft = c.post("/drafts", json={"html": tiny()}, headers=bearer("key-one")).json()
    assert c.get(f"/drafts/{draft['id']}?access_token=key-one").status_code == 200
    assert c.get(f"/drafts/{draft['id']}?access_token=nope").status_code == 401


def test_client_credentials_give_a_token_that_opens_the_api(c: TestClient) -> None:
    r = c.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": "acme", "client_secret": "s3cret"},
    )
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    token = r.json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 600
    assert c.get("/drafts", headers=bearer(token["access_token"])).status_code == 200

    basic = base64.b64encode(b"acme:s3cret").decode()
    r = c.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert r.status_code == 200

    r = c.post(
        "/oauth2/token", data={"grant_type": "client_credentials", "client_id": "acme", "client_secret": "x"}
    )
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = c.post(
        "/oauth2/token", data={"grant_type": "password", "client_id": "acme", "client_secret": "s3cret"}
    )
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"
    r = c.post("/oauth2/token", data={"client_id": "acme"})
    assert r.status_code == 400


def test_tokens_expire_and_cannot_be_forged() -> None:
    config = AuthConfig(api_keys=frozenset(), clients={"acme": "s"}, secret=b"k" * 32, ttl=60)
    token = config.issue_token("acme", now=1000)
    assert config.token_subject(token, now=1059) == "acme"
    assert config.token_subject(token, now=1061) is None
    payload, _, signature = token.partition(".")
    assert config.token_subject(f"{payload}.{signature[:-2]}xx", now=1000) is None
    other = AuthConfig(api_keys=frozenset(), clients={"acme": "s"}, secret=b"z" * 32, ttl=60)
    assert other.token_subject(token, now=1000) is None
    gone = AuthConfig(api_keys=frozenset(), clients={}, secret=b"k" * 32, ttl=60)
    assert gone.token_subject(token, now=1000) is None  # a removed client's tokens stop working


def test_open_by_default_only_when_no_keys_are_configured(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path))) as open_client:
        assert open_client.get("/drafts").status_code == 200


def test_serve_refuses_a_public_address_without_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEEKREEL_DATA_DIR", str(tmp_path))
    for name in ("SEEKREEL_API_KEYS", "SEEKREEL_OAUTH_CLIENTS", "SEEKREEL_ALLOW_OPEN"):
        monkeypatch.delenv(name, raising=False)
    from service.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(every_command(), ["serve", "--host", "0.0.0.0", "--port", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code != 0
    assert "refusing to serve on 0.0.0.0 with no API keys" in result.output
    assert "--open" in result.output and "Traceback" not in result.output


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("::") and not is_loopback("192.168.1.10")
