"""`/render story` end to end: signed requests in, a project per Slack user, the review card, Approve
or Cancel, the MP4 uploaded by the real SDK to the fake Slack on 127.0.0.1.

The storyboard engine is the real one (Piper voices, tiny 320x180 renders); only a failing
render is provoked by overriding it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_slack_bot import PUBLIC_URL, Bot, decode_mp4, eventually, running_bot
from test_storyboard_jobs import audio_seconds

from service.projects import ProjectService, StoryFailed
from service.projects.pipeline_engine import PipelineEngine
from service.slack.review import CARD
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


async def card_posted(bot: Bot) -> tuple[Project, str, str]:
    """`reviewing(bot)`, and (channel, ts) of its card once the bot has kept where it posted it."""
    project = await reviewing(bot)
    kept = await eventually(
        lambda: (found := projects(bot).projects.get_project(project.id)) and found.meta.get(CARD),
        "where the card was posted, in the project",
    )
    return project, kept["channel"], kept["ts"]


async def card_updated(slack: FakeSlack, channel: str, ts: str, decided: str) -> dict[str, Any]:
    """The one `chat.update` of the card at (channel, ts): its blocks say `decided`, without buttons."""
    await eventually(lambda: slack.calls_to("chat.update"), "the card, updated")
    (update,) = [c.params for c in slack.calls_to("chat.update")]
    assert (update["channel"], update["ts"]) == (channel, ts)
    assert [b for b in update["blocks"] if b["type"] == "actions"] == []
    assert decided in str(update["blocks"]) and f"*1.* {SECTIONS[0]}" in str(update["blocks"])
    assert slack.message(channel, ts)["blocks"] == update["blocks"]  # Slack now shows that
    return update


async def click_late(bot: Bot, action: str, project_id: str, ts: str) -> dict[str, Any]:
    """A click on the card at `ts` after the project was decided elsewhere: the answer to the clicker."""
    await bot.interact(
        button_click(action, project_id, response_url=bot.slack.response_url("late"), message_ts=ts)
    )
    (told,) = await eventually(lambda: bot.slack.responses_to("late"), "the answer to the late click")
    return told


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
        assert review[OPEN_REVIEW_ACTION]["value"] == project.id and "url" not in review[OPEN_REVIEW_ACTION]

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
        assert slack.calls_to("chat.update") == []  # the click's answer replaced the card already


async def review_link(bot: Bot, project: Project, ts: str, key: str = "open") -> str:
    """Click "Open in editor" on the card at `ts` as its requester: the link in the answer, relative
    to the service (the bot's client reaches it without DNS)."""
    click = button_click(
        OPEN_REVIEW_ACTION, project.id, response_url=bot.slack.response_url(key), message_ts=ts
    )
    await bot.interact(click)
    (told,) = await eventually(lambda: bot.slack.responses_to(key), "the review link")
    assert told["response_type"] == "ephemeral" and told["replace_original"] is False  # the card stays
    assert "yours alone (it works for 7 days)" in told["text"]
    url = re.search(r"<(https?://[^|>]+)\|", told["text"])
    assert url is not None, told["text"]
    assert url[1].startswith(f"{PUBLIC_URL}/?project={project.id}&grant=")
    return url[1].removeprefix(PUBLIC_URL)


async def test_open_in_editor_gives_the_requester_a_link_that_opens_and_approves_the_project_in_the_editor(
    tmp_path: Path, slack: FakeSlack
) -> None:
    async with running_bot(tmp_path, slack) as bot:
        project, channel, ts = await card_posted(bot)
        # the project is the Slack person's: without the link, the editor's caller (anonymous) finds nothing
        assert (await bot.http.get(f"/projects/{project.id}")).status_code == 404

        # someone else in the channel clicks it: no link for them
        other = button_click(
            OPEN_REVIEW_ACTION, project.id, response_url=slack.response_url("maya"), user_id="U0MAYA"
        )
        await bot.interact(other)
        (refused,) = await eventually(lambda: slack.responses_to("maya"), "the refusal")
        assert "Only <@U0KIRA>" in refused["text"] and "grant=" not in json.dumps(refused)

        link = await review_link(bot, project, ts)
        page = await bot.http.get(link)  # the editor, which reads project and grant from its address
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert page.headers["referrer-policy"] == "no-referrer"  # the grant does not leak to other sites
        grant = {"X-Seekreel-Grant": dict(httpx.URL(link).params)["grant"]}
        opened = await bot.http.get(f"/projects/{project.id}", headers=grant)
        assert opened.status_code == 200 and [s["text"] for s in opened.json()["sections"]] == SECTIONS
        audio = opened.json()["sections"][0]["audio_url"]  # <audio src> carries the grant in its query
        assert (await bot.http.get(audio, params={"grant": grant["X-Seekreel-Grant"]})).status_code == 200

        approved = await bot.http.post(f"/projects/{project.id}/approve", headers=grant)
        assert approved.status_code == 202 and approved.json()["status"] == "Finalizing"
        await card_updated(
            slack, channel, ts, "Approved in the editor — rendering, the video will appear here."
        )
        (shared,) = await eventually(lambda: slack.shared, "the video upload")
        assert shared.channel == channel and shared.initial_comment == "“Rivers”"
        await status_of(bot, project.id, ProjectStatus.COMPLETED)
        video = await bot.http.get(f"/projects/{project.id}/video", headers=grant)
        assert video.status_code == 200 and video.content == shared.data  # what Slack got
        assert slack.responses_to("story") == []


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
        assert slack.calls_to("chat.update") == []


async def test_a_story_approved_in_the_editor_has_its_card_updated_and_an_old_click_is_too_late(
    tmp_path: Path, slack: FakeSlack
) -> None:
    async with running_bot(tmp_path, slack) as bot:
        project, channel, ts = await card_posted(bot)
        assert buttons(slack.message(channel, ts) or {})[APPROVE_ACTION]  # the card as posted

        approved = await projects(bot).approve(project.user_id, project.id)  # as POST /projects/{id}/approve
        await card_updated(
            slack, channel, ts, "Approved in the editor — rendering, the video will appear here."
        )

        told = await click_late(bot, APPROVE_ACTION, project.id, ts)
        assert told["response_type"] == "ephemeral" and "Too late to approve this video" in told["text"]

        shared = (await eventually(lambda: slack.shared, "the video upload"))[0]
        assert shared.channel == channel and shared.initial_comment == "“Rivers”"
        done = await status_of(bot, project.id, ProjectStatus.COMPLETED)
        assert done.job_id == approved.job_id and len(slack.shared) == 1  # the late click rendered nothing
        assert len(slack.calls_to("chat.update")) == 1 and slack.responses_to("story") == []


async def test_a_story_cancelled_in_the_editor_after_a_restart_has_its_card_updated(
    tmp_path: Path, slack: FakeSlack
) -> None:
    async with running_bot(tmp_path, slack) as bot:
        project, channel, ts = await card_posted(bot)
    async with running_bot(tmp_path, slack) as bot:  # the same data folder: a restarted server
        await projects(bot).cancel(project.user_id, project.id)  # as POST /projects/{id}/cancel
        await card_updated(slack, channel, ts, "Cancelled in the editor.")
        (told,) = await eventually(lambda: slack.responses_to("story"), "the cancellation message")
        assert "Cancelled “Rivers”" in told["text"]

        assert (
            "Too late to cancel this video" in (await click_late(bot, CANCEL_ACTION, project.id, ts))["text"]
        )


async def test_a_card_deleted_in_slack_is_not_updated_and_the_project_goes_on(
    tmp_path: Path, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(tmp_path, slack) as bot:
        project, channel, ts = await card_posted(bot)
        slack.delete_message(channel, ts)
        with caplog.at_level(logging.WARNING, logger="service.slack.outbox"):
            await projects(bot).cancel(project.user_id, project.id)
            (told,) = await eventually(lambda: slack.responses_to("story"), "the cancellation message")
            await eventually(lambda: "message_not_found" in caplog.text, "the refused update, logged")
    assert [(c.params["channel"], c.params["ts"]) for c in slack.calls_to("chat.update")] == [(channel, ts)]
    assert "Cancelled “Rivers”" in told["text"]
    assert (await projects(bot).find(project.id)).error_code == "cancelled"


async def test_a_card_shown_only_to_the_person_is_left_alone_when_cancelled_in_the_editor(
    tmp_path: Path, slack: FakeSlack
) -> None:
    slack.not_in_channel.add("C0LAUNCH")
    async with running_bot(tmp_path, slack) as bot:
        await bot.command(STORY, key="story")
        (card,) = await eventually(lambda: slack.responses_to("story"), "the card, shown only to the person")
        assert "only you see it" in str(card["blocks"])
        project = await project_of(bot)
        await projects(bot).cancel(project.user_id, project.id)
        await eventually(lambda: len(slack.responses_to("story")) == 2, "the cancellation message")
        await asyncio.sleep(0.3)
    assert CARD not in (await projects(bot).find(project.id)).meta
    assert slack.calls_to("chat.update") == []


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
        assert f"{PUBLIC_URL}/?project={active.id}&grant=" in refused["text"]  # only the person sees it
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
