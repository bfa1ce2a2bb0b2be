"""What `/render …` text means, and the Block Kit the bot answers with (no servers needed)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.slack.commands import (
    MAX_PROMPT_CHARS,
    CommandProblem,
    HelpCommand,
    RenderCommand,
    StoryCommand,
    parse_command,
    plain_text,
)
from service.slack.messages import (
    OPEN_EDITOR_ACTION,
    RENDER_AGAIN_ACTION,
    decode_command,
    encode_command,
    escape,
    help_message,
    result_message,
)
from service.slack.review_messages import APPROVE_ACTION, CANCEL_ACTION, OPEN_REVIEW_ACTION, review_card
from service.storage import Project, ProjectStatus, Section, SectionStatus

MAX_DURATION = 120.0


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text_asks_for_a_prompt(text: str) -> None:
    assert parse_command(text, max_duration=MAX_DURATION) == HelpCommand(empty=True)


@pytest.mark.parametrize("text", ["help", "HELP", " --help ", "?"])
def test_help_words(text: str) -> None:
    assert parse_command(text, max_duration=MAX_DURATION) == HelpCommand()


def test_a_prompt_with_help_in_it_is_a_prompt() -> None:
    assert parse_command("help me make a title card", max_duration=MAX_DURATION) == RenderCommand(
        "help me make a title card"
    )


def test_leading_options_then_free_text() -> None:
    command = parse_command(
        "--duration 4 --aspect 9:16 a countdown -- from 3 to 1", max_duration=MAX_DURATION
    )
    assert command == RenderCommand("a countdown -- from 3 to 1", duration=4.0, aspect="9:16")
    assert parse_command("-d=2.5s -a 1:1 logo", max_duration=MAX_DURATION) == RenderCommand(
        "logo", duration=2.5, aspect="1:1"
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("--speed 2 a card", "--speed"),
        ("--duration", "needs a value"),
        ("--duration 0 a card", "`--duration 0` is out of range"),
        ("--duration 500 a card", "≤ 120"),
        ("--duration soon a card", "not a number"),
        ("--aspect 3:2 a card", "3:2"),
        ("--duration 3", "after the options"),
    ],
)
def test_bad_options_explain_themselves(text: str, says: str) -> None:
    command = parse_command(text, max_duration=MAX_DURATION)
    assert isinstance(command, CommandProblem)
    assert says in command.message


def test_over_long_prompt_says_the_limit() -> None:
    command = parse_command("word " * 400, max_prompt_chars=1000, max_duration=MAX_DURATION)
    assert isinstance(command, CommandProblem)
    assert "1,999 characters" in command.message and "1,000" in command.message
    assert isinstance(parse_command("x" * MAX_PROMPT_CHARS, max_duration=MAX_DURATION), RenderCommand)


def test_slack_markup_becomes_plain_words() -> None:
    text = "title &amp; logo for <@U123|kira> in <#C42|launch> <https://ex.example/a|our site> <!here> &lt;3"
    assert plain_text(text) == "title & logo for @kira in #launch our site @here <3"


def test_render_again_value_round_trips_within_slacks_limit() -> None:
    command = RenderCommand("a | pipe & <b> " + "é" * (MAX_PROMPT_CHARS - 20), duration=2.0, aspect="4:5")
    value = encode_command(command)
    assert len(value) <= 2000
    assert decode_command(value) == command
    assert decode_command(encode_command(RenderCommand("plain"))) == RenderCommand("plain")
    assert decode_command("not ours") is None
    assert decode_command("x|16:9|prompt") is None


def test_result_card_has_both_buttons_only_with_a_public_url() -> None:
    command = RenderCommand("a <title> card")
    with_url = result_message(
        "C1",
        command,
        user_id="U1",
        facts="10 frames",
        editor_url="https://s.example/?draft=dr_1",
        thread_ts="1.2",
    )
    actions = with_url["blocks"][-1]["elements"]
    assert [a["action_id"] for a in actions] == [OPEN_EDITOR_ACTION, RENDER_AGAIN_ACTION]
    assert actions[0]["url"] == "https://s.example/?draft=dr_1"
    assert decode_command(actions[1]["value"]) == command
    assert with_url["thread_ts"] == "1.2" and with_url["channel"] == "C1"
    assert escape("a <title> card") in with_url["text"]
    without = result_message("C1", command, user_id="U1", facts="", editor_url=None)
    assert [a["action_id"] for a in without["blocks"][-1]["elements"]] == [RENDER_AGAIN_ACTION]
    assert "thread_ts" not in without


def test_help_is_ephemeral_and_shows_examples_and_limits() -> None:
    message = help_message("/render", max_prompt_chars=1500, max_duration=60)
    assert message["response_type"] == "ephemeral"
    assert "/render a 6-second title card" in message["text"]
    assert "--duration" in message["text"] and "60 s" in message["text"] and "1,500" in message["text"]


def test_story_takes_a_topic_or_the_script_on_the_lines_below() -> None:
    assert parse_command("story how rivers shape the land", max_duration=MAX_DURATION) == StoryCommand(
        topic="how rivers shape the land"
    )
    script = "Story --aspect 9:16 --voice joe Rivers\nRivers carve valleys.\n\nThey reach the sea.\n"
    assert parse_command(script, max_duration=MAX_DURATION) == StoryCommand(
        text="Rivers carve valleys.\n\nThey reach the sea.", title="Rivers", aspect="9:16", voice="joe"
    )
    untitled = parse_command("story\n&lt;b&gt; is bold", max_duration=MAX_DURATION)
    assert untitled == StoryCommand(text="<b> is bold")
    # a prompt that merely starts with a longer word is still a prompt
    assert parse_command("storyboard for a launch", max_duration=MAX_DURATION) == RenderCommand(
        "storyboard for a launch"
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("story", "what the story is about"),
        ("story --duration 4 rivers", "--duration"),
        ("story --aspect 2:1 rivers", "2:1"),
        ("story --voice", "needs a value"),
    ],
)
def test_story_mistakes_explain_themselves(text: str, says: str) -> None:
    command = parse_command(text, max_duration=MAX_DURATION)
    assert isinstance(command, CommandProblem)
    assert says in command.message


def a_project(sections: int, *, warnings: tuple[str, ...] = ()) -> Project:
    now = datetime.now(UTC)
    return Project(
        id="pr_1", user_id="slack:T1:U1", status=ProjectStatus.NEEDS_APPROVAL, source="text", topic=None,
        title="Rivers & <seas>", settings={}, render={}, meta={}, error=None, error_code=None, failures=[],
        findings=[], job_id=None, runs=1, files_deleted=False, created_at=now, updated_at=now, finished_at=None,
        sections=[
            Section(
                id=f"se_{n}", project_id="pr_1", position=n, scene={"text": f"Part {n} <b> & more."},
                status=SectionStatus.READY, media={"warnings": list(warnings)}, error=None, revision=1,
                updated_at=now,
            )
            for n in range(sections)
        ],
    )  # fmt: skip


def test_review_card_lists_sections_escaped_with_buttons_for_the_project() -> None:
    card = review_card(
        a_project(2, warnings=("scene 1: a colour instead",)),
        channel="C1",
        requester="U1",
        editor=True,
        thread_ts="1.2",
    )
    texts = [b["text"]["text"] for b in card["blocks"] if b["type"] == "section"]
    assert texts[1:] == ["*1.* Part 0 &lt;b&gt; &amp; more.", "*2.* Part 1 &lt;b&gt; &amp; more."]
    assert card["blocks"][0]["text"]["text"] == "Review: Rivers & <seas>"  # plain_text: shown as typed
    assert card["channel"] == "C1" and card["thread_ts"] == "1.2"
    assert sum("a colour instead" in str(b) for b in card["blocks"]) == 2
    buttons = {b["action_id"]: b for b in card["blocks"][-1]["elements"]}
    assert buttons[APPROVE_ACTION]["value"] == buttons[CANCEL_ACTION]["value"] == "pr_1"
    # not a link: a link on a card is the whole channel's, and the review link opens the project
    assert buttons[OPEN_REVIEW_ACTION]["value"] == "pr_1" and "url" not in buttons[OPEN_REVIEW_ACTION]
    assert "confirm" in buttons[CANCEL_ACTION] and buttons[APPROVE_ACTION]["style"] == "primary"


def test_a_long_script_stays_within_slacks_block_limit_and_a_decided_card_has_no_buttons() -> None:
    card = review_card(a_project(60), channel="C1", requester="U1", editor=False)
    assert len(card["blocks"]) <= 50
    assert "…and 20 more sections, in the editor." in str(card["blocks"])
    assert [b["action_id"] for b in card["blocks"][-1]["elements"]] == [APPROVE_ACTION, CANCEL_ACTION]
    decided = review_card(
        a_project(1), channel="C1", requester="U1", editor=True, decided="Approved by <@U1>"
    )
    assert not [b for b in decided["blocks"] if b["type"] == "actions"]
    assert decided["blocks"][-1]["elements"][0]["text"] == "Approved by <@U1>"
