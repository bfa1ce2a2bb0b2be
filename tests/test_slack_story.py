"""`/render story` end to end: signed requests in, a project per Slack user, the review card, Approve
or Cancel, the MP4 uploaded by the real SDK to the fake Slack on 127.0.0.1.

The storyboard engine is the real one (Piper voices, tiny 320x180 renders); only a failing
render is provoked by overriding it.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from test_slack_bot import PUBLIC_URL, Bot, decode_mp4, eventually, running_bot
from test_storyboard_jobs import audio_seconds

from service.projects import ProjectService, StoryFailed
from service.projects.pipeline_engine import PipelineEngine
from service.slack.review_messages import APPROVE_ACTION, CANCEL_ACTION, OPEN_REVIEW_ACTION
from service.storage import Project, ProjectStatus
from tests.fakes.models import fake_model
from tests.fakes.slack_api import FakeSlack, button_click, interaction_body, sign

pytestmark = pytest.mark.anyio

STORY = "story Rivers\nRivers carve valleys.\n\nThey carry the mountains to the sea."
SECTIONS = ["Rivers carve valleys.", "They carry the mountains to the sea."]


def projects(bot: Bot) -> ProjectService:
    return bot.app.state.services.projects


async def project_of(bot: Bot, user: str = "U0KIRA") -> Project:
    """The Slack user's newest project, with its sections."""
    owner = f"slack:T0FAKE:{user}"
    listed = await eventually(lambda: projects(bot).projects.list_projects(owner, 1), f"{user}'s project")
    return await projects(bot).find(listed[0].id)


async def status_of(bot: Bot, project_id: str, *statuses: ProjectStatus) -> Project:
    async def check() -> Project | None:
        project = await projects(bot).find(project_id)
        return project if project.status in statuses else None

    deadline = asyncio.get_running_loop().time() + 120
    while (project := await check()) is None:
        assert asyncio.get_running_loop().time() < deadline, f"{project_id} never became {statuses}"
        await asyncio.sleep(0.05)
    return project


async def reviewing(bot: Bot, key: str = "story") -> Project:
    """`/render story` with STORY, answered on response_url `key`: the project once its card is posted."""
    await bot.command(STORY, key=key)
    await eventually(lambda: bot.slack.calls_to("chat.postMessage"), "the review card")
    return await project_of(bot)


def review_card(slack: FakeSlack) -> dict[str, Any]:
    return next(c.params for c in slack.calls_to("chat.postMessage") if "Review" in c.params.get("text", ""))


def buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    actions = next(b for b in card["blocks"] if b["type"] == "actions")
    return {b["action_id"]: b for b in actions["elements"]}


async def test_story_is_reviewed_in_the_channel_then_approved_and_posted_with_sound(
    tmp_path: Path, slack: FakeSlack
) -> None:
    async with running_bot(tmp_path, slack) as bot:
        ack = await bot.command(STORY, key="story")
        assert ack.status_code == 200 and ack.json()["response_type"] == "ephemeral"
        assert "Voicing your script (2 paragraphs)" in ack.json()["text"]

        await eventually(lambda: slack.calls_to("chat.postMessage"), "the review card")
        card = review_card(slack)
        project = await project_of(bot)
        assert project.status is ProjectStatus.NEEDS_APPROVAL and project.title == "Rivers"
        assert card["channel"] == "C0LAUNCH" and "thread_ts" not in card
        texts = [b["text"]["text"] for b in card["blocks"] if b["type"] == "section"]
        assert [t for t in texts if t.startswith("*")] == [f"*{n}.* {s}" for n, s in enumerate(SECTIONS, 1)]
        assert "<@U0KIRA>" in texts[0]
        review = buttons(card)
        assert review[APPROVE_ACTION]["value"] == review[CANCEL_ACTION]["value"] == project.id
        assert review[OPEN_REVIEW_ACTION]["url"] == f"{PUBLIC_URL}/?project={project.id}"

        click = button_click(APPROVE_ACTION, project.id, response_url=slack.response_url("approve"))
        r = await bot.interact(click)
        assert r.status_code == 200 and r.content == b""
        shared = (await eventually(lambda: slack.shared, "the video upload"))[0]
        assert shared.channel == "C0LAUNCH" and shared.filename == "seekreel-rivers.mp4"
        assert shared.initial_comment == "“Rivers” — approved by <@U0KIRA>"
        video = tmp_path / "story.mp4"
        video.write_bytes(shared.data)
        _, frames = decode_mp4(shared.data, tmp_path)
        assert frames > 0 and audio_seconds(video) > 0.5  # a picture and a sound track

        (decided,) = slack.responses_to("approve")  # the card lost its buttons and says who approved
        assert decided["replace_original"] is True
        assert not [b for b in decided["blocks"] if b["type"] == "actions"]
        assert "Approved by <@U0KIRA>" in str(decided["blocks"])
        assert (await projects(bot).find(project.id)).status is ProjectStatus.COMPLETED
        assert [r for r in slack.responses_to("story")] == []  # nothing went wrong


async def test_cancel_fails_the_project_and_tells_the_person(tmp_path: Path, slack: FakeSlack) -> None:
    async with running_bot(tmp_path, slack) as bot:
        project = await reviewing(bot)
        await bot.interact(button_click(CANCEL_ACTION, project.id, response_url=slack.response_url("cancel")))
        done = await status_of(bot, project.id, ProjectStatus.FAILED)
        assert done.error_code == "cancelled"
        (told,) = await eventually(lambda: slack.responses_to("story"), "the cancellation message")
        assert told["response_type"] == "ephemeral" and "Cancelled “Rivers”" in told["text"]
        (decided,) = await eventually(lambda: slack.responses_to("cancel"), "the card, decided")
        assert "Cancelled by <@U0KIRA>" in str(decided["blocks"])
        await asyncio.sleep(0.3)
        assert slack.shared == [] and done.job_id is None


async def test_a_second_story_while_one_is_active_names_the_active_project(
    tmp_path: Path, slack: FakeSlack
) -> None:
    async with running_bot(tmp_path, slack) as bot:
        active = await reviewing(bot, "first")
        ack = await bot.command("story\nAnother script.", key="second")
        assert "Voicing your script" in ack.json()["text"]  # acked at once; the refusal follows
        (refused,) = await eventually(lambda: slack.responses_to("second"), "the 409 message")
        assert refused["response_type"] == "ephemeral"
        assert "already have a video in the works" in refused["text"]
        assert f"“Rivers” (`{active.id}`), NeedsApproval" in refused["text"]
        assert f"{PUBLIC_URL}/?project={active.id}" in refused["text"]
        # another Slack user is not held up by it
        await bot.command("story\nSomeone else's script.", key="maya", user_id="U0MAYA")
        theirs = await project_of(bot, "U0MAYA")
        assert theirs.id != active.id and slack.responses_to("maya") == []


async def test_only_the_person_who_asked_can_decide_and_forged_clicks_do_nothing(
    tmp_path: Path, slack: FakeSlack
) -> None:
    async with running_bot(tmp_path, slack) as bot:
        project = await reviewing(bot)
        calls = slack.request_count()

        body = interaction_body(
            button_click(APPROVE_ACTION, project.id, response_url=slack.response_url("x"))
        )
        forged = await bot.http.post(
            "/slack/interactions", content=body, headers=sign("not-the-secret", body)
        )
        assert forged.status_code == 401
        await asyncio.sleep(0.3)
        assert slack.request_count() == calls
        assert (await projects(bot).find(project.id)).status is ProjectStatus.NEEDS_APPROVAL

        other = button_click(
            APPROVE_ACTION, project.id, response_url=slack.response_url("maya"), user_id="U0MAYA"
        )
        assert (await bot.interact(other)).status_code == 200
        (refused,) = await eventually(lambda: slack.responses_to("maya"), "the refusal")
        assert "Only <@U0KIRA>" in refused["text"] and refused["response_type"] == "ephemeral"
        assert (await projects(bot).find(project.id)).status is ProjectStatus.NEEDS_APPROVAL


async def test_a_model_that_never_writes_a_storyboard_is_reported_with_what_was_wrong(
    tmp_path: Path, slack: FakeSlack
) -> None:
    with fake_model("openai", ["Sure! Scene one: rivers. Scene two: the sea."]) as (_, model):
        overrides = {k: getattr(model, k) for k in ("provider", "model", "openai_api_key", "openai_base_url")}
        async with running_bot(tmp_path, slack, **overrides) as bot:
            ack = await bot.command("story how rivers shape the land", key="topic")
            assert "Writing a script about “how rivers shape the land”" in ack.json()["text"]
            (told,) = await eventually(lambda: slack.responses_to("topic"), "the failure message")
            project = await project_of(bot)
    assert project.status is ProjectStatus.FAILED and project.error_code == "script_not_written"
    assert "couldn't write a script" in told["text"] and "•" in told["text"]
    assert slack.calls_to("chat.postMessage") == []


class FailingRender(PipelineEngine):
    """The real engine, but its render fails (as a background that cannot be decoded would make it)."""

    async def render(self, storyboard: dict[str, Any], out: Path, **kwargs: Any) -> Any:
        raise StoryFailed("scene 2: the background could not be decoded")


async def test_a_failed_render_reaches_the_person_with_the_reason(tmp_path: Path, slack: FakeSlack) -> None:
    async with running_bot(tmp_path, slack, engine=FailingRender) as bot:
        project = await reviewing(bot)
        await bot.interact(button_click(APPROVE_ACTION, project.id, response_url=slack.response_url("ok")))
        done = await status_of(bot, project.id, ProjectStatus.FAILED)
        (told,) = await eventually(lambda: slack.responses_to("story"), "the failure message")
    assert done.error_code == "storyboard_error"
    assert "The render failed: “Rivers”" in told["text"]
    assert "scene 2: the background could not be decoded" in told["text"]
    assert slack.shared == []


async def test_a_background_on_a_private_address_is_refused_and_the_person_told(
    tmp_path: Path, slack: FakeSlack
) -> None:
    script = json.dumps(
        {
            "title": "Rivers",
            "scenes": [
                {"text": "Rivers carve valleys.", "background": {"src": "http://10.0.0.1/river.gif"}},
                {"text": "They carry the mountains to the sea."},
            ],
        }
    )
    with fake_model("openai", [script]) as (_, model):
        overrides = {k: getattr(model, k) for k in ("provider", "model", "openai_api_key", "openai_base_url")}
        async with running_bot(tmp_path, slack, **overrides) as bot:
            await bot.command("story how rivers shape the land", key="topic")
            (told,) = await eventually(lambda: slack.responses_to("topic"), "the failure message")
            project = await project_of(bot)
    assert project.status is ProjectStatus.FAILED and project.error_code == "section_failed"
    assert "Some sections of “Rivers” could not be made" in told["text"]
    assert "section 1:" in told["text"] and "10.0.0.1" in told["text"] and "section 2" not in told["text"]
    assert slack.calls_to("chat.postMessage") == []


async def test_a_topic_over_the_prompt_limit_is_refused_by_the_project_service_and_the_person_told(
    tmp_path: Path, slack: FakeSlack
) -> None:
    async with running_bot(tmp_path, slack, max_prompt_chars=30) as bot:
        await bot.command("story how rivers shape the land, and the sea", key="long")
        (told,) = await eventually(lambda: slack.responses_to("long"), "the refusal")
        assert await projects(bot).list_projects("slack:T0FAKE:U0KIRA") == []
    assert "That topic is too long" in told["text"] and "at most 30" in told["text"]
    assert slack.calls_to("chat.postMessage") == []
