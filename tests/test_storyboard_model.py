"""The storyboard model and its inputs: strict validation with field paths, the transcript and
plain-text inputs, splitting, timing, the published schema and the documented examples."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sandbox import CANONICAL_SIZES
from service.storyboards import (
    Storyboard,
    StoryboardInvalid,
    expand_scenes,
    split_text,
    storyboard_from_data,
    storyboard_from_json,
    storyboard_from_text,
    storyboard_schema,
    time_scenes,
)
from service.storyboards.model import MAX_SCENES, Aspect

ROOT = Path(__file__).resolve().parent.parent
CAP = 300.0

ISSUE_EXAMPLE = {
    "title": "Rust in one minute",
    "aspect": "16:9",
    "fps": 30,
    "voice": {"provider": "piper", "name": "joe", "speed": 1.0},
    "captions": {
        "enabled": True,
        "style": {
            "font": "Inter",
            "size": 56,
            "color": "#ffffff",
            "background": "#000000aa",
            "position": "bottom",
            "max_lines": 2,
        },
    },
    "music": {"src": "https://media.example/bed.mp3", "volume": 0.15},
    "split": "none",
    "scenes": [
        {"text": "Welcome to our video on Rust!", "background": {"color": "#0d1117"}},
        {
            "text": "Ferris is the mascot.",
            "background": {"src": "https://media.example/ferris.gif", "fit": "cover"},
        },
        {"text": "Gears.", "background": {"ai": {"prompt": "a crab made of gears", "style": "cartoon"}}},
        {
            "text": "Safety.",
            "background": {"search": "rust memory safety"},
            "min_duration": 4,
            "pause_after": 0.4,
        },
    ],
}


def problems(data: object) -> list[str]:
    with pytest.raises(StoryboardInvalid) as caught:
        storyboard_from_data(data, max_narration_seconds=CAP)
    return caught.value.problems


def test_the_issue_example_is_a_valid_storyboard() -> None:
    board = storyboard_from_data(ISSUE_EXAMPLE, max_narration_seconds=CAP)
    assert board.scenes[1].background is not None and board.scenes[1].background.src.endswith("ferris.gif")
    assert board.scenes[2].background.ai.style == "cartoon"  # type: ignore[union-attr]
    assert board.scenes[3].min_duration == 4 and board.music is not None and board.music.volume == 0.15


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["scenes"][1].update(backgroud={"color": "#000"}),
            "scene 2 (scenes[1].backgroud): unknown field",
        ),
        (
            lambda d: d["scenes"][0].update(background={"color": "#000", "search": "x"}),
            "scene 1 (scenes[0].background): give exactly one of color, src, ai or search (got color, search)",
        ),
        (lambda d: d["scenes"][0].update(background={}), "scene 1 (scenes[0].background): give exactly one"),
        (
            lambda d: d["scenes"][0].update(background={"color": "#fff0000"}),
            "scene 1 (scenes[0].background.color): '#fff0000' is not a colour",
        ),
        (lambda d: d["scenes"][2].update(text="   "), "scene 3 (scenes[2].text): the text is empty"),
        (lambda d: d["scenes"][2].pop("text"), "scene 3 (scenes[2].text): required field is missing"),
        (
            lambda d: d["scenes"][0].update(background={"src": "file:///etc/passwd"}),
            "file: URLs are not fetched",
        ),
        (
            lambda d: d["scenes"][0].update(background={"src": "data:image/png;base64,AAAA"}),
            "data: URLs are not fetched",
        ),
        (
            lambda d: d["scenes"][0].update(background={"color": "#000", "fit": "contain"}),
            "fit and pan_zoom apply to pictures",
        ),
        (
            lambda d: d["scenes"][0].update(min_duration="4"),
            "scene 1 (scenes[0].min_duration): Input should be a valid number",
        ),
        (
            lambda d: d["captions"]["style"].update(font="Comic Sans"),
            "captions.style.font: font 'Comic Sans' is not bundled",
        ),
        (
            lambda d: d["captions"]["style"].update(position="left"),
            "captions.style.position: Input should be",
        ),
        (lambda d: d["voice"].update(speed=5), "voice.speed: Input should be less than or equal to 2"),
        (lambda d: d.update(aspect="21:9"), "aspect: Input should be"),
        (lambda d: d.update(scenes=[]), "scenes: List should have at least 1 item"),
        (lambda d: d.update(scenes=[{"text": "x"}] * (MAX_SCENES + 1)), f"at most {MAX_SCENES} items"),
        (lambda d: d.update(colour="#fff"), "colour: unknown field"),
    ],
)
def test_errors_name_the_scene_and_field(change, expected: str) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(json.dumps(ISSUE_EXAMPLE))
    change(data)
    found = problems(data)
    assert any(expected in p for p in found), found


def test_a_full_dump_reads_back_as_the_same_storyboard() -> None:
    board = storyboard_from_data(ISSUE_EXAMPLE, max_narration_seconds=CAP)
    again = storyboard_from_json(json.dumps(board.model_dump(mode="json")), max_narration_seconds=CAP)
    assert again == board
    assert (
        storyboard_from_data(board.model_dump(mode="json", exclude_none=True), max_narration_seconds=CAP)
        == board
    )


def test_every_problem_is_reported_and_the_message_counts_them() -> None:
    data = json.loads(json.dumps(ISSUE_EXAMPLE))
    data["scenes"][0]["text"] = ""
    data["scenes"][1]["background"] = {"color": "red"}
    with pytest.raises(StoryboardInvalid) as caught:
        storyboard_from_data(data, max_narration_seconds=CAP)
    assert len(caught.value.problems) == 2
    assert str(caught.value).endswith("(and 1 more problem)") and "\n" not in str(caught.value)


def test_narration_over_the_cap_is_refused_before_synthesis() -> None:
    words = " ".join(["word"] * 160)  # ~64 s at 150 words a minute
    data = {"scenes": [{"text": words}]}
    assert storyboard_from_data(data, max_narration_seconds=70)
    with pytest.raises(StoryboardInvalid, match=r"about 2\.1 minutes .* the limit is 60 seconds"):
        storyboard_from_data({"scenes": [{"text": words}, {"text": words}]}, max_narration_seconds=60)
    slow = {"voice": {"speed": 0.5}, "scenes": [{"text": words}]}
    with pytest.raises(StoryboardInvalid, match=r"about 2\.1 minutes"):
        storyboard_from_data(slow, max_narration_seconds=100)


def test_invalid_json_is_one_line() -> None:
    with pytest.raises(StoryboardInvalid, match="not valid JSON"):
        storyboard_from_json('{"scenes": [', max_narration_seconds=CAP)


def test_video_transcript_becomes_search_scenes() -> None:
    transcript = {
        "video_transcript": [
            {"timestamp": "00:00:00", "text": "Welcome to Rust.", "gifHint": "rust programming language"},
            {"timestamp": "00:00:05", "text": "It is fast.", "gif": "rocket launch", "duration": 3},
            {"timestamp": "00:00:09", "text": "Thanks for watching."},
        ],
        "title": "Rust",
        "aspect": "9:16",
    }
    board = storyboard_from_json(json.dumps(transcript), max_narration_seconds=CAP)
    assert board.title == "Rust" and board.aspect == "9:16"
    assert [s.text for s in board.scenes] == ["Welcome to Rust.", "It is fast.", "Thanks for watching."]
    assert [s.background.search if s.background else None for s in board.scenes] == [
        "rust programming language",
        "rocket launch",
        None,
    ]


def test_video_transcript_errors_name_the_section() -> None:
    assert problems({"video_transcript": [{"text": "ok"}, {"gif": "x"}]}) == [
        "scene 2 (video_transcript[1].text): required field is missing"
    ]
    assert "not both" in problems({"video_transcript": [{"text": "a"}], "scenes": []})[0]


def test_plain_text_is_one_scene_per_paragraph() -> None:
    text = "First paragraph,\nstill the first.\n\n  \nSecond one.\r\n\r\nThird."
    board = storyboard_from_text(text, title="notes", max_narration_seconds=CAP)
    assert board.title == "notes"
    assert [s.text for s in board.scenes] == ["First paragraph,\nstill the first.", "Second one.", "Third."]
    assert all(s.background is None for s in board.scenes)
    with pytest.raises(StoryboardInvalid, match="empty"):
        storyboard_from_text("\n\n  \n", max_narration_seconds=CAP)


def test_sentence_split_cuts_each_line() -> None:
    """Sentences are speech's (abbreviations, decimals and quotes are tested there); a line
    break ends a part here too, since `split: sentence` reads the text line by line."""
    assert split_text("One line\nDr. Who. Two sentences.", "sentence") == [
        "One line",
        "Dr. Who.",
        "Two sentences.",
    ]


def test_line_split_and_none() -> None:
    assert split_text("a. b.\n\n  c  \n", "line") == ["a. b.", "c"]
    assert split_text("a. b.", "none") == ["a. b."]


def test_split_applies_per_scene_and_copies_the_scene_settings() -> None:
    board = Storyboard.model_validate(
        {
            "split": "sentence",
            "scenes": [
                {
                    "text": "One. Two.",
                    "background": {"color": "#112233"},
                    "min_duration": 2,
                    "pause_after": 0.5,
                },
                {"text": "Three. Four.", "split": "none"},
                {"text": "Five\nSix", "split": "line"},
            ],
        }
    )
    scenes = expand_scenes(board)
    assert [(s.label, s.text) for s in scenes] == [
        ("scene 1.1", "One."),
        ("scene 1.2", "Two."),
        ("scene 2", "Three. Four."),
        ("scene 3.1", "Five"),
        ("scene 3.2", "Six"),
    ]
    assert scenes[1].background == scenes[0].background and scenes[1].min_duration == 2
    assert scenes[1].pause_after == 0.5


def test_splitting_into_too_many_scenes_is_refused() -> None:
    board = Storyboard.model_validate(
        {"split": "sentence", "scenes": [{"text": "Go on. " * (MAX_SCENES + 1)}]}
    )
    with pytest.raises(StoryboardInvalid, match=f"makes {MAX_SCENES + 1} scenes"):
        expand_scenes(board)


def test_scene_length_is_the_longer_of_narration_plus_pause_and_min_duration() -> None:
    board = Storyboard.model_validate(
        {
            "fps": 10,
            "scenes": [
                {"text": "a", "pause_after": 0.5},
                {"text": "b", "min_duration": 4, "pause_after": 0},
                {"text": "c", "pause_after": 0},
            ],
        }
    )
    timed = time_scenes(expand_scenes(board), [1.23, 2.0, 0.01], board.fps)
    assert [(t.start, t.end) for t in timed] == [(0.0, 1.8), (1.8, 5.8), (5.8, 5.9)]


def test_aspects_match_the_renderer() -> None:
    assert set(Aspect.__args__) == set(CANONICAL_SIZES)  # type: ignore[attr-defined]


def test_schema_is_strict_and_documented() -> None:
    schema = storyboard_schema()
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) >= {"title", "aspect", "voice", "captions", "music", "split", "scenes"}  # type: ignore[call-overload]
    background = schema["$defs"]["BackgroundSpec"]  # type: ignore[index]
    assert background["additionalProperties"] is False and "search" in background["properties"]


def test_every_json_example_in_the_docs_validates() -> None:
    doc = (ROOT / "docs" / "storyboards.md").read_text()
    blocks = re.findall(r"```json\n(.*?)```", doc, re.DOTALL)
    assert len(blocks) >= 3
    for block in blocks:
        storyboard_from_json(block, max_narration_seconds=CAP)
