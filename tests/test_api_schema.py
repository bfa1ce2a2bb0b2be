"""The HTTP API keeps the promises of its OpenAPI document, checked by schemathesis against the app.

Every operation is called with requests generated from the published document, valid and
invalid ones, and every check schemathesis has runs on each answer: no 5xx, every status
and body documented, valid requests accepted, invalid ones refused, the Allow header of a
405, and so on. The app is the real one (storage, validation and frame previews in real
Chromium, the offline composer, and the real storyboard engine: Piper voices, backgrounds,
render and mix), with one exception: the video render of a composition job
(`service.jobs.kinds.render_to_file`) is replaced by a copy of one small real MP4.
`POST /ai-render` makes a composition of the prompt's length, up to the 120 s limit, and
renders it at 1080p; a few such renders would take longer than the whole test may. The routes
around it (checks before queueing, the queue, the job record, the MP4 answer) all run as they
are; test_api_render.py renders real videos. The storyboard jobs and projects the generated
requests start run in the background, one at a time, while the calls go on.

Examples per operation are few and the run is derandomized with a fixed seed, so it is
repeatable; ten examples per operation (about 400 cases: every operation, valid and invalid
requests) keep the module near a minute on two cores.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance
from service_helpers import make_settings, tiny

import service.jobs.kinds
from sandbox import RenderOptions, RenderResult, parse_composition, render_to_file
from service.api import create_app
from service.api.auth import TOKEN_PATHS

DATA_DIR = Path(tempfile.mkdtemp(prefix="seekreel-api-schema-"))
SETTINGS = make_settings(DATA_DIR, render_concurrency=1)
"""One job at a time: the storyboards the generated requests queue render, at their full size,
beside the calls (and stop with the app), so they do not take both cores from them."""
APP = create_app(SETTINGS)
# Things that exist, so that calls naming them get past 404 (the job runs when the app starts).
DRAFT = APP.state.services.store.create_draft(html=tiny(), source="html", title="seed")
JOB = APP.state.services.store.create_job(html=tiny(), options={}, frames_total=10)

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260801,
        "suppress-health-check": ["too_slow"],  # a real browser answers some of these calls
        "generation": {"max-examples": 10, "deterministic": True, "database": "none"},
        "phases": {"stateful": {"enabled": False}},
        "checks": {
            "enabled": True,
            # 413 is how this server refuses a prompt or HTML over its limits: a refusal.
            "negative_data_rejection": {"expected-statuses": ["400", "401", "404", "405", "413", "415"]},
        },
        "dictionaries": {
            "drafts": {"values": [DRAFT.id]},
            "jobs": {"values": [JOB.id]},
            "versions": {"values": [1]},
        },
        "parameters": {
            "path.draft_id": {"dictionary": "drafts", "probability": 0.8},
            "path.job_id": {"dictionary": "jobs", "probability": 0.8},
            "path.number": {"dictionary": "versions", "probability": 0.5},
        },
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)

# Answers to schema-valid requests that depend on what no schema can state: whether an HTML
# string is a composition, a stored draft's layout and length, or what a model made of a prompt;
# whether a storyboard (a free-form object in the document, checked by the storyboard engine)
# holds together, whether its URLs may be fetched, whether a model is configured to write one.
NOT_KNOWABLE_FROM_THE_SCHEMA = {
    400: {
        "composition_error",
        "resolution_too_large",
        "time_out_of_range",
        "invalid_storyboard",
        "source_refused",
        "no_script_writer",
    },
    422: {"generation_failed", "page_error", "storyboard_error"},
}


def positive_data_accepted_or_refused_for_content(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis's positive_data_acceptance, except for refusals listed above."""
    if response.status_code in NOT_KNOWABLE_FROM_THE_SCHEMA:
        error = response.json().get("error")
        if (
            isinstance(error, dict)
            and error.get("code") in NOT_KNOWABLE_FROM_THE_SCHEMA[response.status_code]
        ):
            return None
    return positive_data_acceptance(ctx, response, case)


@pytest.fixture(scope="module", autouse=True)
def renders_copy_a_sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The job runner's render answers with one real, tiny MP4 (see the module docstring)."""
    html = '<!doctype html><html data-duration="0.1" data-width="160" data-height="90"><body></body></html>'
    sample = tmp_path_factory.mktemp("mp4") / "sample.mp4"
    asyncio.run(render_to_file(html, sample, RenderOptions(workers=1)))

    async def copy_sample(html: str, out: Path, options: RenderOptions, **_: Any) -> RenderResult:
        comp = parse_composition(html, variables=options.variables, fps=options.fps)
        shutil.copyfile(sample, out)
        return RenderResult(
            out, comp.frame_count, comp.width, comp.height, comp.fps, comp.duration, 1, 1, "stub", True
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(service.jobs.kinds, "render_to_file", copy_sample)
        yield
    schemathesis.python.asgi.shutdown_lifespans()  # the app's job runners and browser pool
    shutil.rmtree(DATA_DIR, ignore_errors=True)


@schema.parametrize()
def test_the_api_keeps_its_documents_promises(case: schemathesis.Case) -> None:
    case.call_and_validate(
        excluded_checks=[positive_data_acceptance],
        additional_checks=[positive_data_accepted_or_refused_for_content],
    )


def test_security_is_declared_only_when_keys_or_clients_are_configured(tmp_path: Path) -> None:
    open_doc = create_app(make_settings(tmp_path / "open")).openapi()
    keyed = make_settings(tmp_path / "keyed", api_keys="k1")
    keyed_doc = create_app(keyed).openapi()
    assert "securitySchemes" not in open_doc["components"]
    for path, operations in keyed_doc["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            assert "security" not in open_doc["paths"][path][method], name
            if path in (*TOKEN_PATHS, "/healthz"):
                assert "security" not in operation, name
            else:
                assert operation["security"] and "401" in operation["responses"], name
                assert "401" not in open_doc["paths"][path][method]["responses"], name


def test_limits_in_the_document_are_this_servers_settings(tmp_path: Path) -> None:
    doc = create_app(make_settings(tmp_path, max_prompt_chars=321, max_duration=42)).openapi()
    schemas = doc["components"]["schemas"]
    prompt = schemas["AiRenderRequest"]["properties"]["prompt"]
    assert prompt["maxLength"] == 321
    duration = schemas["AiRenderRequest"]["properties"]["duration"]["anyOf"][0]
    assert duration["maximum"] == 42
    provider = schemas["DraftRevise"]["properties"]["provider"]["anyOf"][0]
    assert provider["enum"] == ["offline"]
    assert "x-seekreel-setting" not in str(doc)
