"""Caller mistakes are 4xx JSON errors with a message that says what to change — never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_helpers import make_settings, tiny

from service.api import create_app


@pytest.fixture
def c(tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(
        tmp_path, max_body_bytes=200_000, max_html_bytes=50_000, max_prompt_chars=100, max_duration=5
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def error_of(r, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    error = r.json()["error"]
    assert error["code"] and error["message"]
    return error


def test_malformed_json_is_400(c: TestClient) -> None:
    r = c.post("/render", content=b'{"html": "<html', headers={"content-type": "application/json"})
    error = error_of(r, 400)
    assert error["code"] == "malformed_json" and "not valid JSON" in error["message"]


def test_a_body_that_is_not_an_object_or_missing_is_400(c: TestClient) -> None:
    assert "JSON object" in error_of(c.post("/render", json=["html"]), 400)["message"]
    assert error_of(c.post("/render"), 400)["code"] == "invalid_request"
    r = c.post("/render", content=b"html=x", headers={"content-type": "application/x-www-form-urlencoded"})
    assert error_of(r, 400)["code"] == "invalid_request"


def test_wrong_types_and_unknown_fields_name_the_field(c: TestClient) -> None:
    error = error_of(c.post("/render", json={"html": 42, "fps": "fast", "quality": "ultra"}), 400)
    fields = {d["field"] for d in error["details"]}
    assert fields == {"html", "fps", "quality"}
    assert "(and 2 more)" in error["message"]
    error = error_of(c.post("/render", json={"html": tiny(), "resoluton": "720p"}), 400)
    assert error["details"] == [{"field": "resoluton", "message": "unknown field"}]
    assert (
        error_of(c.post("/render", json={"html": tiny(), "fps": 1000}), 400)["details"][0]["field"] == "fps"
    )
    error = error_of(c.post("/drafts", json={"prompt": "x", "html": tiny()}), 400)
    assert "exactly one of prompt or html" in error["message"]


def test_bodies_over_the_limit_are_413_by_length_and_while_streaming(c: TestClient) -> None:
    big = b'{"html": "' + b"x" * 300_000 + b'"}'
    error = error_of(c.post("/render", content=big, headers={"content-type": "application/json"}), 413)
    assert "limit" in error["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while reading
        yield b'{"html": "'
        for _ in range(30):
            yield b"x" * 10_000
        yield b'"}'

    r = c.post("/render", content=chunks(), headers={"content-type": "application/json"})
    assert error_of(r, 413)["code"] == "too_large"


def test_html_prompt_duration_and_resolution_limits_are_each_a_clear_error(c: TestClient) -> None:
    padded = tiny().replace("</body>", "<!--" + "x" * 60_000 + "--></body>")
    error = error_of(c.post("/render", json={"html": padded}), 413)
    assert error["code"] == "html_too_large" and "at most" in error["message"]

    error = error_of(c.post("/ai-render", json={"prompt": "p" * 101}), 413)
    assert error["code"] == "prompt_too_long" and "100" in error["message"]

    error = error_of(c.post("/ai-render", json={"prompt": "a title card", "duration": 60}), 400)
    assert error["code"] == "duration_out_of_range" and "5" in error["message"]
    error = error_of(c.post("/render", json={"html": tiny(60)}), 400)
    assert error["code"] == "composition_error" and "data-duration" in error["message"]

    error = error_of(c.post("/render", json={"html": tiny(), "resolution": "4k"}), 400)
    assert error["code"] == "resolution_too_large"
    error = error_of(c.post("/render", json={"html": tiny(), "resolution": "huge"}), 400)
    assert error["code"] == "invalid_request" and error["message"].startswith("resolution: unknown")
    assert "720p" in error["message"]


def test_html_that_breaks_the_contract_is_400_before_anything_is_queued(c: TestClient) -> None:
    error = error_of(c.post("/render", json={"html": "<p>just text</p>"}), 400)
    assert "<html" in error["message"]
    missing = tiny().replace('"LABEL": "hello"', '"OTHER": "x"')
    error = error_of(c.post("/render", json={"html": missing}), 400)
    assert "{{$LABEL}}" in error["message"]
    assert c.get("/healthz").json()["queue"] == 0


def test_unknown_ids_are_404_with_the_id_in_the_message(c: TestClient) -> None:
    for method, path in [
        ("GET", "/jobs/job_nope"),
        ("GET", "/jobs/job_nope/events"),
        ("GET", "/jobs/job_nope/video"),
        ("DELETE", "/jobs/job_nope"),
        ("GET", "/drafts/dr_nope"),
        ("PUT", "/drafts/dr_nope"),
        ("GET", "/drafts/dr_nope/versions"),
        ("GET", "/drafts/dr_nope/frame?t=0"),
        ("POST", "/drafts/dr_nope/render"),
        ("POST", "/drafts/dr_nope/revise"),
    ]:
        body = {"html": tiny()} if method == "PUT" else {"instruction": "x"} if "revise" in path else {}
        r = c.request(method, path, json=body if method in ("PUT", "POST") else None)
        assert "_nope" in error_of(r, 404)["message"], path
    draft = c.post("/drafts", json={"html": tiny()}).json()
    r = c.get(f"/drafts/{draft['id']}/versions/7")
    assert "no version 7" in error_of(r, 404)["message"]
    assert error_of(c.get("/no/such/route"), 404)["code"] == "not_found"
    assert error_of(c.patch("/render", json={}), 405)["code"] == "method_not_allowed"


def test_query_parameters_are_checked_too(c: TestClient) -> None:
    draft = c.post("/drafts", json={"html": tiny()}).json()
    assert error_of(c.get(f"/drafts/{draft['id']}/frame?t=soon"), 400)["details"][0]["field"] == "query.t"
    error = error_of(c.get(f"/drafts/{draft['id']}/frame?t=5"), 400)
    assert "past the end" in error["message"]
