"""A topic → a storyboard written by a model, through the real OpenAI and Anthropic SDKs against
fake servers: bad answers are sent back with their problems until one validates."""

from __future__ import annotations

import json

import pytest

from service.storyboards import NoModelToWrite, StoryboardNotWritten, write_storyboard
from service.storyboards.script_writer import json_object_in
from tests.fakes.models import chat_requests, fake_model, model_settings, sent_text

KINDS = ["openai", "anthropic"]
GOOD = {
    "title": "Rust in a minute",
    "scenes": [
        {"text": "Rust is fast and safe.", "background": {"search": "rust crab"}},
        {"text": "Try it today.", "background": {"color": "#0d1117"}},
    ],
}
UNKNOWN_FIELD = {"title": "x", "scenes": [{"text": "Hi.", "backgrnd": {"color": "#000000"}}]}


def fenced(data: object, before: str = "Here is the storyboard:") -> str:
    return f"{before}\n\n```json\n{json.dumps(data, indent=1)}\n```\n"


@pytest.mark.parametrize("kind", KINDS)
def test_problems_go_back_to_the_model_until_it_validates(kind: str, run) -> None:  # type: ignore[no-untyped-def]
    script = ["Sure! A video about Rust would be great.", fenced(UNKNOWN_FIELD), fenced(GOOD)]
    attempts: list[tuple[int, int]] = []
    with fake_model(kind, script, story_max_attempts=3) as (fake, settings):
        written = run(
            write_storyboard(
                "Rust in one minute", settings=settings, on_attempt=lambda k, n: attempts.append((k, n))
            )
        )
    assert written.storyboard.title == "Rust in a minute" and written.attempts == 3
    assert written.provider == kind and attempts == [(1, 3), (2, 3), (3, 3)]
    requests = chat_requests(fake)
    first, second, third = (sent_text(r) for r in requests)
    assert "Rust in one minute" in first and "at most 750 words" in first
    assert "did not contain a usable JSON object" in second and "Attempt 2 of 3" in second
    assert "scene 1 (scenes[0].backgrnd): unknown field" in third and "Attempt 3 of 3" in third
    # the rejected answer is echoed back as the model's own turn, the brief stays first
    turns = [m for m in requests[2].body["messages"] if m["role"] != "system"]
    assert [m["role"] for m in turns] == ["user", "assistant", "user"] and "backgrnd" in turns[1]["content"]


def test_a_narration_over_the_cap_is_a_problem_for_the_model(run) -> None:  # type: ignore[no-untyped-def]
    long = {"scenes": [{"text": " ".join(["word"] * 200)}]}
    with fake_model("openai", [fenced(long), fenced(GOOD)], story_max_narration_seconds=60) as (
        fake,
        settings,
    ):
        written = run(write_storyboard("Rust", settings=settings))
    assert written.attempts == 2
    second = sent_text(chat_requests(fake)[1])
    assert "the limit is 60 seconds" in second


def test_all_attempts_rejected(run) -> None:  # type: ignore[no-untyped-def]
    with (
        fake_model("anthropic", [fenced(UNKNOWN_FIELD)], story_max_attempts=2) as (fake, settings),
        pytest.raises(StoryboardNotWritten) as caught,
    ):
        run(write_storyboard("Rust", settings=settings))
    assert len(chat_requests(fake)) == 2
    assert str(caught.value).startswith("the model's storyboard is still invalid after 2 attempts: scene 1")


def test_offline_has_no_model_to_write_with(run) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NoModelToWrite, match=r"--text story\.txt .* --storyboard story\.json"):
        run(write_storyboard("Rust", settings=model_settings("offline", None)))


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        ('<think>{"no": 1}</think>\n```json\n{"a": 1}\n```', {"a": 1}),
        ('```\n{"a": 1}\n```\nand a better one\n```json\n{"a": 2}\n```', {"a": 2}),
        ('{"a": 3}', {"a": 3}),
        ('Sure: {"a": {"b": 4}} — enjoy!', {"a": {"b": 4}}),
        ("no JSON here", None),
        ("```json\n[1, 2]\n```", None),
    ],
)
def test_json_in_an_answer(answer: str, found: object) -> None:
    assert json_object_in(answer) == found
