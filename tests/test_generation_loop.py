"""The generate → check → repair loop against fake OpenAI and Anthropic servers (real SDK clients)."""

from __future__ import annotations

import asyncio
import json

import pytest

from service.generation.brand import Brand
from service.generation.loop import (
    GenerationEvent,
    GenerationRequest,
    InvalidRequest,
    generate_composition,
    revise_composition,
)
from service.generation.providers import ProviderAuthError
from service.settings import Settings
from tests.fakes import openai_server
from tests.fakes.models import chat_requests, fake_model, model_settings, sent_text

KINDS = ["openai", "anthropic"]


def composition(
    *, duration: float = 2, aspect: str = "16:9", title: str = "Frame by Frame", script: str = ""
) -> str:
    return f"""<!doctype html>
<html data-duration="{duration:g}" data-aspect="{aspect}">
<head>
<meta charset="utf-8">
<script type="application/json" id="hf-variables">{{"TITLE": "{title}"}}</script>
<style>
  html, body {{ margin: 0; width: 100%; height: 100%; overflow: hidden; background: #101418; }}
  h1 {{ position: absolute; left: 10vw; top: 40vh; margin: 0; font: 800 10vmin Inter, sans-serif; color: #f4f1ea; }}
</style>
</head>
<body>
<h1 id="title">{{{{$TITLE}}}}</h1>
<script>
  const title = document.getElementById('title');
  function render(t) {{
    {script}
    title.style.opacity = Math.min(1, t / 1.5);
    title.style.transform = `translateX(${{(1 - Math.min(1, t / 1.5)) * 10}}vw)`;
  }}
  addEventListener('hf-seek', (e) => render(e.detail.time));
  render(0);
</script>
</body>
</html>"""


GOOD = composition()
TIMERS_NO_DOCTYPE = (
    composition()
    .replace("<!doctype html>\n", "")
    .replace("render(0);", "let t0 = 0; setInterval(() => render((t0 += 0.033)), 33);")
)


def fenced(doc: str, prose: str = "Here is your composition:") -> str:
    return f"{prose}\n\n```html\n{doc}\n```\n\nThe animation is driven by render(t)."


def run(req: GenerationRequest, settings: Settings, **kw):
    events: list[GenerationEvent] = []
    result = asyncio.run(
        generate_composition(req, settings=settings, runtime=False, on_event=events.append, **kw)
    )
    return result, events


@pytest.mark.parametrize("kind", KINDS)
def test_failed_validation_is_repaired_and_the_second_request_carries_the_findings(kind: str) -> None:
    with fake_model(kind, [fenced(TIMERS_NO_DOCTYPE), fenced(GOOD, "Fixed:")]) as (fake, settings):
        result, events = run(GenerationRequest("A 2-second title card for Frame by Frame"), settings)

    assert result.ok and result.html == GOOD + "\n"
    assert [a.number for a in result.attempts] == [1, 2]
    first = result.attempts[0]
    codes = {f.code for f in first.findings}
    assert {"missing-doctype", "timer-call"} <= codes
    assert first.html is not None and "setInterval" in first.html

    requests = chat_requests(fake)
    assert len(requests) == 2
    second = sent_text(requests[1])
    for finding in first.findings:
        assert finding.code in second and finding.message in second
    assert "setInterval" in second  # its own document is shown back to the model
    assert "A 2-second title card for Frame by Frame" in second  # and the original brief
    assert second.count("<!doctype html") >= 1
    assert [(e.stage, e.attempt, e.max_attempts) for e in events] == [
        ("writing", 1, 3),
        ("checking", 1, 3),
        ("repairing", 2, 3),
        ("checking", 2, 3),
    ]
    assert result.provider == kind and result.model == settings.model


@pytest.mark.parametrize("kind", KINDS)
def test_an_answer_with_no_html_gets_a_finding_and_a_repair_request(kind: str) -> None:
    refusal = "I can't create videos, but here is a description of a title card: dark, orange, bold."
    with fake_model(kind, [refusal, fenced(GOOD)]) as (fake, settings):
        result, _ = run(GenerationRequest("title card"), settings)
    assert result.ok
    assert [f.code for f in result.attempts[0].findings] == ["no-html"]
    assert result.attempts[0].html is None
    assert result.attempts[0].raw_answer_excerpt == refusal
    second = sent_text(chat_requests(fake)[1])
    assert "no-html" in second and refusal in second


def test_a_truncated_answer_asks_for_a_shorter_document() -> None:
    cut = openai_server.answer(fenced(GOOD)[:400], finish_reason="length")
    with fake_model("openai", [cut, fenced(GOOD)]) as (fake, settings):
        result, _ = run(GenerationRequest("title card"), settings)
    assert result.ok
    assert [f.code for f in result.attempts[0].findings] == ["truncated-html"]
    assert "shorter" in sent_text(chat_requests(fake)[1])


@pytest.mark.parametrize("kind", KINDS)
def test_all_attempts_failing_returns_findings_and_the_last_document(kind: str) -> None:
    bad = [fenced(TIMERS_NO_DOCTYPE.replace("Frame by Frame", f"Take {i}")) for i in (1, 2, 3)]
    with fake_model(kind, bad) as (fake, settings):
        result, _ = run(GenerationRequest("title card"), settings)
    assert not result.ok
    assert len(result.attempts) == 3 and len(chat_requests(fake)) == 3
    assert "Take 3" in result.html
    assert result.findings == result.attempts[-1].findings
    assert any(f.severity == "error" for f in result.findings)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["ok"] is False and len(data["attempts"]) == 3
    assert {"code", "severity", "message"} <= set(data["findings"][0])


def test_max_attempts_from_the_request_and_a_last_answer_without_html() -> None:
    with fake_model("openai", [fenced(TIMERS_NO_DOCTYPE), "Sorry, I give up."]) as (fake, settings):
        result, _ = run(GenerationRequest("title card", max_attempts=2), settings)
    assert not result.ok and len(chat_requests(fake)) == 2
    assert [f.code for f in result.findings] == ["no-html"]
    assert result.html is not None and "setInterval" in result.html  # the last document there was


def test_requested_duration_and_aspect_are_enforced() -> None:
    wrong = composition(duration=5, aspect="1:1")
    right = composition(duration=2, aspect="9:16")
    with fake_model("openai", [fenced(wrong), fenced(right)]) as (fake, settings):
        result, _ = run(GenerationRequest("a card", duration=2, aspect="9:16"), settings)
    assert result.ok
    assert {"wrong-duration", "wrong-aspect"} <= {f.code for f in result.attempts[0].findings}
    system = sent_text(chat_requests(fake)[0])
    assert 'data-duration="2"' in system and "exactly 9:16" in system and "1080×1920" in system


def test_brand_kit_and_variables_reach_the_prompt() -> None:
    with fake_model(
        "anthropic", [fenced(GOOD)], brand_colors="orange=#ff6a00,#111827", brand_fonts="Inter"
    ) as (
        fake,
        settings,
    ):
        result, _ = run(GenerationRequest("in our orange", variables={"TITLE": "Frame by Frame"}), settings)
    assert result.ok
    system = chat_requests(fake)[0].body["system"]
    assert "orange: `#ff6a00`" in system and "#111827" in system and "Inter" in system
    assert "{{$TITLE}}" in system and '"Frame by Frame"' in system

    with fake_model("openai", [fenced(GOOD)], brand_colors="orange=#ff6a00") as (fake, settings):
        run(GenerationRequest("card", brand=Brand.parse("teal=#0d9488")), settings)
    system = sent_text(chat_requests(fake)[0])
    assert "#0d9488" in system and "#ff6a00" not in system


def test_async_event_callbacks_are_awaited() -> None:
    seen: list[str] = []

    async def on_event(event: GenerationEvent) -> None:
        await asyncio.sleep(0)
        seen.append(event.describe())

    with fake_model("openai", [fenced(GOOD)]) as (_, settings):
        asyncio.run(
            generate_composition(
                GenerationRequest("card"), settings=settings, runtime=False, on_event=on_event
            )
        )
    assert seen == ["writing the composition (attempt 1 of 3)", "checking the composition (attempt 1 of 3)"]


def test_provider_errors_are_raised_not_recorded_as_attempts() -> None:
    with fake_model("openai", [fenced(GOOD)]) as (fake, _):
        settings = model_settings("openai", fake, openai_api_key="sk-bad")
        with pytest.raises(ProviderAuthError):
            run(GenerationRequest("card"), settings)


@pytest.mark.parametrize(
    ("req", "message"),
    [
        (GenerationRequest("  "), "prompt is empty"),
        (GenerationRequest("x", aspect="21:9"), "aspect '21:9'"),
        (GenerationRequest("x", duration=0), "duration"),
        (GenerationRequest("x", fps=500), "frame rate"),
        (GenerationRequest("x", variables={"title": "lower"}), "placeholder name"),
    ],
)
def test_bad_requests_are_refused_before_any_model_call(req: GenerationRequest, message: str) -> None:
    with (
        fake_model("openai", [fenced(GOOD)]) as (fake, settings),
        pytest.raises(InvalidRequest, match=message),
    ):
        run(req, settings)
    assert fake.requests == []


@pytest.mark.parametrize("kind", KINDS)
def test_revise_sends_the_document_and_the_instruction(kind: str) -> None:
    revised = GOOD.replace("#101418", "#0b3d2e")
    with fake_model(kind, [fenced(revised)]) as (fake, settings):
        result = asyncio.run(
            revise_composition(GOOD, "make the background dark green", settings=settings, runtime=False)
        )
    assert result.ok and "#0b3d2e" in result.html
    text = sent_text(chat_requests(fake)[0])
    assert "make the background dark green" in text and 'id="hf-variables"' in text
    assert 'data-duration="2"' in text


def test_revise_repairs_a_broken_revision() -> None:
    with fake_model("openai", [fenced(TIMERS_NO_DOCTYPE), fenced(GOOD)]) as (fake, settings):
        result = asyncio.run(revise_composition(GOOD, "add a ticker", settings=settings, runtime=False))
    assert result.ok and len(result.attempts) == 2
    assert "timer-call" in sent_text(chat_requests(fake)[1])


def test_runtime_checks_in_the_sandbox_feed_the_repair() -> None:
    """Static checks pass, but the page throws once t > 0.5 in the real browser: the model hears about it."""
    from sandbox import BrowserPool

    throws = composition(script="if (t > 0.5) missingHelper(t);")

    async def go(settings: Settings):
        async with BrowserPool(size=1) as pool:
            return await generate_composition(GenerationRequest("card"), settings=settings, pool=pool)

    with fake_model("openai", [fenced(throws), fenced(GOOD)]) as (fake, settings):
        result = asyncio.run(go(settings))
    assert result.ok, result.findings
    first = result.attempts[0].findings
    assert {f.code for f in first if f.severity == "error"} == {"page-error"}
    assert "missingHelper" in first[0].message
    second = sent_text(chat_requests(fake)[1])
    assert "page-error" in second and "missingHelper" in second


def test_no_browser_means_static_checks_and_a_warning_not_an_exception() -> None:
    from sandbox import BrowserPool

    async def go():
        async with BrowserPool(size=1, browser="/nonexistent/chromium") as pool:
            req = GenerationRequest("A 2-second title card for 'Frame by Frame'")
            return await generate_composition(req, settings=model_settings("offline", None), pool=pool)

    result = asyncio.run(go())
    assert result.ok, result.findings
    assert [(f.code, f.severity) for f in result.findings] == [("runtime-unavailable", "warning")]


def test_offline_provider_composes_from_the_request_fields() -> None:
    settings = model_settings("offline", None, brand_colors="#ff6a00")
    req = GenerationRequest("A title card for 'Frame by Frame', episode 42", duration=2, aspect="9:16")
    result, events = run(req, settings)
    assert result.ok, result.findings
    assert (result.provider, len(result.attempts)) == ("offline", 1)
    assert 'data-duration="2"' in result.html and 'data-aspect="9:16"' in result.html
    assert "Frame by Frame" in result.html
    assert [e.stage for e in events] == ["writing", "checking"]


def test_offline_revise_understood_and_not() -> None:
    settings = model_settings("offline", None)
    draft, _ = run(GenerationRequest("A 2-second title card for 'Frame by Frame'"), settings)
    longer = asyncio.run(
        revise_composition(draft.html, "make it 4 seconds", settings=settings, runtime=False)
    )
    assert longer.ok and 'data-duration="4"' in longer.html
    nonsense = asyncio.run(
        revise_composition(draft.html, "reticulate the splines", settings=settings, runtime=False)
    )
    assert not nonsense.ok and nonsense.html is None
    assert [f.code for f in nonsense.findings] == ["instruction-not-understood"]


def test_the_system_prompt_states_the_contract_and_its_example_is_valid() -> None:
    from service.generation.extract import extract_html
    from service.generation.model_prompts import system_prompt
    from service.validation import validate_static

    text = system_prompt(duration=None, aspect=None, fps=None, default_duration=6, brand=Brand())
    for rule in ("hf-seek", "setInterval", "requestAnimationFrame", "{{$NAME}}", 'id="hf-variables"',
                 "1920×1080", "1080×1920", "1080×1080", "1080×1350", "Inter", "Noto Serif",
                 "Noto Color Emoji", "@import", "data-duration", "data-aspect", "30 fps"):  # fmt: skip
        assert rule in text, rule
    example = extract_html(text).html
    assert example is not None
    report = validate_static(example)
    assert report.ok, report.findings
