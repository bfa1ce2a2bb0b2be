"""The Slack bot end to end: signed requests in, the real job system renders, the real SDK uploads to a fake Slack.

Renders are tiny (320x180, 1 s, 10 fps, offline provider). Nothing is mocked: the fake Slack
speaks the Web API on 127.0.0.1 and the bot reaches it through `SLACK_API_URL`.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import imageio_ffmpeg
import pytest
import uvicorn
from fastapi import FastAPI

from sandbox import RenderOptions, render_to_file
from service.api.app import create_app
from service.jobs import JobManager
from service.projects import StoryEngine
from service.settings import Settings
from service.slack.commands import RenderCommand
from service.slack.messages import OPEN_EDITOR_ACTION, RENDER_AGAIN_ACTION, decode_command, encode_command
from service.slack.routes import RENDER_MESSAGE_SHORTCUT
from service.storage import JobStatus, Store
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_api import FakeSlack, button_click, command_body, interaction_body, sign

pytestmark = pytest.mark.anyio

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
PUBLIC_URL = "https://seekreel.example.org"
PROMPT = "--duration 1 a title card for Frame by Frame, dark background"
T = TypeVar("T")


def bot_settings(tmp_path: Path, slack: FakeSlack, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "slack_signing_secret": SECRET,
        "slack_bot_token": slack.token,
        "slack_api_url": slack.api_url,
        "slack_resolution": "320x180",
        "slack_fps": 10,
        "public_base_url": PUBLIC_URL,
        "provider": "offline",
        "render_concurrency": 2,
        "job_workers": 1,
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Bot:
    """The whole service (`create_app`) with its Slack routes, driven through httpx."""

    app: FastAPI
    http: httpx.AsyncClient
    slack: FakeSlack
    settings: Settings
    stack: AsyncExitStack
    started: bool = False

    @property
    def jobs(self) -> JobManager:
        return self.app.state.services.jobs

    @property
    def store(self) -> Store:
        return self.app.state.services.store

    async def start(self) -> None:
        """Run the app's lifespan: the job manager starts (and stops, with the Slack tasks, at the end)."""
        await self.stack.enter_async_context(self.app.router.lifespan_context(self.app))
        self.started = True

    async def command(self, text: str, key: str = "r1", **fields: Any) -> httpx.Response:
        body = command_body(text, response_url=self.slack.response_url(key), **fields)
        return await self.http.post("/slack/commands", content=body, headers=sign(SECRET, body))

    async def interact(self, payload: dict[str, Any]) -> httpx.Response:
        body = interaction_body(payload)
        return await self.http.post("/slack/interactions", content=body, headers=sign(SECRET, body))


@asynccontextmanager
async def running_bot(
    tmp_path: Path,
    slack: FakeSlack,
    *,
    start: bool = True,
    engine: Callable[[Settings], StoryEngine] | None = None,
    **overrides: Any,
) -> AsyncIterator[Bot]:
    """The service with its bot; `engine` makes the storyboard engine from the settings (default: the real one)."""
    settings = bot_settings(tmp_path, slack, **overrides)
    app = create_app(settings, engine=engine(settings) if engine else None)
    async with AsyncExitStack() as stack:
        transport = httpx.ASGITransport(app=app)
        http = await stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://seekreel.test")
        )
        bot = Bot(app, http, slack, settings, stack)
        if start:
            await bot.start()
        try:
            yield bot
        finally:
            if not bot.started:  # the lifespan never ran: release what create_app opened
                await bot.jobs.stop()
                bot.store.close()


async def eventually(check: Callable[[], T], what: str, timeout: float = 120) -> T:
    """Poll until `check()` is truthy (renders take a moment); fail with `what` if it never is."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
    return result


def decode_mp4(data: bytes, tmp_path: Path) -> tuple[tuple[int, int], int]:
    """Decode every frame with imageio-ffmpeg's ffmpeg: (width, height) and the frame count."""
    path = tmp_path / "uploaded.mp4"
    path.write_bytes(data)
    frames = imageio_ffmpeg.read_frames(str(path))
    meta = next(frames)
    return tuple(meta["size"]), sum(1 for _ in frames)


# ---- signatures ------------------------------------------------------------------------------


def forgeries(body: bytes) -> dict[str, tuple[bytes, dict[str, str]]]:
    """Requests that must not pass: (body sent, headers) by what is wrong with them."""
    now = int(time.time())
    return {
        "wrong secret": (body, sign("not-the-secret", body)),
        "tampered body": (body + b"&text=more", sign(SECRET, body)),
        "stale timestamp": (body, sign(SECRET, body, now - 400)),  # 5-minute window, with room for a slow run
        "future timestamp": (body, sign(SECRET, body, now + 400)),
        "no headers": (body, {"Content-Type": "application/x-www-form-urlencoded"}),
        "junk timestamp": (body, {**sign(SECRET, body), "X-Slack-Request-Timestamp": "soon"}),
        "no v0 prefix": (
            body,
            {**sign(SECRET, body), "X-Slack-Signature": sign(SECRET, body)["X-Slack-Signature"][3:]},
        ),
    }


async def test_unsigned_tampered_or_stale_requests_get_401_and_do_nothing(
    tmp_path: Path, slack: FakeSlack
) -> None:
    async with running_bot(tmp_path, slack) as bot:
        command = command_body(PROMPT, response_url=slack.response_url("r1"))
        click = interaction_body(
            button_click(RENDER_AGAIN_ACTION, encode_command(RenderCommand("a logo")), response_url="x")
        )
        for path, body in (("/slack/commands", command), ("/slack/interactions", click)):
            for name, (sent, headers) in forgeries(body).items():
                r = await bot.http.post(path, content=sent, headers=headers)
                assert r.status_code == 401, (path, name, r.text)
        await asyncio.sleep(0.5)  # anything wrongly started would have reached the fake by now
        assert slack.request_count() == 0
        assert bot.store.count_jobs(list(JobStatus)) == 0
        # …while the same request, correctly signed, is accepted
        assert (await bot.command("help")).status_code == 200


# ---- answers that need no render --------------------------------------------------------------


async def test_help_empty_and_over_long_prompts_get_helpful_answers(tmp_path: Path, slack: FakeSlack) -> None:
    async with running_bot(tmp_path, slack) as bot:
        help_reply = (await bot.command("help")).json()
        assert help_reply["response_type"] == "ephemeral"
        assert "/render a 6-second title card" in help_reply["text"] and "--duration" in help_reply["text"]
        empty = (await bot.command("   ")).json()
        assert empty["response_type"] == "ephemeral" and "Tell me what video to make" in empty["text"]
        long = (await bot.command("a title card " * 200)).json()
        assert long["response_type"] == "ephemeral" and "the limit is 1,500" in long["text"]
        bad = (await bot.command("--aspect 2:1 a title card")).json()
        assert "2:1" in bad["text"]
        await asyncio.sleep(0.3)
        assert slack.request_count() == 0 and bot.store.count_jobs(list(JobStatus)) == 0


async def test_without_a_bot_token_the_command_says_so_instead_of_rendering(
    tmp_path: Path, slack: FakeSlack
) -> None:
    async with running_bot(tmp_path, slack, slack_bot_token=None) as bot:
        reply = (await bot.command(PROMPT)).json()
        assert reply["response_type"] == "ephemeral" and "SLACK_BOT_TOKEN is not set" in reply["text"]
        assert bot.store.count_jobs(list(JobStatus)) == 0


# ---- the happy path --------------------------------------------------------------------------


async def test_command_uploads_a_playable_mp4_of_the_prompts_video(tmp_path: Path, slack: FakeSlack) -> None:
    async with running_bot(tmp_path, slack) as bot:
        ack = await bot.command(PROMPT)
        assert ack.status_code == 200
        assert ack.json()["response_type"] == "ephemeral" and "Rendering" in ack.json()["text"]

        shared = (await eventually(lambda: slack.shared, "the video upload"))[0]
        assert shared.channel == "C0LAUNCH" and shared.thread_ts is None
        assert shared.initial_comment == "a title card for Frame by Frame, dark background"
        assert shared.filename.endswith(".mp4")
        assert decode_mp4(shared.data, tmp_path) == ((320, 180), 10)

        # it is the render of the stored draft: the same HTML renders to the same bytes
        (job,) = bot.store.jobs_with_status([JobStatus.SUCCEEDED])
        assert job.meta["source"] == "slack" and job.draft_id
        assert job.video_path is not None and shared.data == job.video_path.read_bytes()
        draft = bot.store.get_draft(job.draft_id)
        assert draft is not None and draft.prompt == "a title card for Frame by Frame, dark background"
        again = await render_to_file(
            draft.current.html, tmp_path / "again.mp4", RenderOptions(fps=10, resolution="320x180")
        )
        assert again.path.read_bytes() == shared.data

        card = (await eventually(lambda: slack.calls_to("chat.postMessage"), "the result card"))[0].params
        assert card["channel"] == "C0LAUNCH" and "thread_ts" not in card
        buttons = {b["action_id"]: b for b in card["blocks"][-1]["elements"]}
        assert buttons[OPEN_EDITOR_ACTION]["url"] == f"{PUBLIC_URL}/?draft={job.draft_id}"
        assert decode_command(buttons[RENDER_AGAIN_ACTION]["value"]) == RenderCommand(
            "a title card for Frame by Frame, dark background", duration=1.0
        )
        assert slack.responses_to("r1") == []  # success needs no extra message
        assert all(c.token == slack.token for c in slack.calls)


async def test_render_again_button_renders_the_same_prompt_into_the_thread(
    tmp_path: Path, slack: FakeSlack
) -> None:
    slack.rate_limit_once.add("chat.postMessage")  # the card is retried after Retry-After
    async with running_bot(tmp_path, slack, public_base_url=None) as bot:
        value = encode_command(RenderCommand("a countdown from 3 to 1", duration=1.0))
        click = button_click(
            RENDER_AGAIN_ACTION,
            value,
            response_url=slack.response_url("again"),
            thread_ts="1700000000.000100",
        )
        r = await bot.interact(click)
        assert r.status_code == 200 and r.content == b""
        shared = (await eventually(lambda: slack.shared, "the re-render"))[0]
        assert shared.thread_ts == "1700000000.000100" and shared.initial_comment == "a countdown from 3 to 1"
        assert decode_mp4(shared.data, tmp_path) == ((320, 180), 10)
        (announce,) = slack.responses_to("again")
        assert announce["response_type"] == "ephemeral" and "Rendering" in announce["text"]
        posts = await eventually(lambda: slack.calls_to("chat.postMessage")[1:], "the result card, retried")
        card = posts[0].params
        assert card["thread_ts"] == "1700000000.000100"
        # no public URL configured → no editor link, only "Render again"
        assert [b["action_id"] for b in card["blocks"][-1]["elements"]] == [RENDER_AGAIN_ACTION]
        # clicking the URL button needs nothing from the bot
        link = button_click(OPEN_EDITOR_ACTION, "", response_url=slack.response_url("link"))
        assert (await bot.interact(link)).status_code == 200
        await asyncio.sleep(0.3)
        assert slack.responses_to("link") == [] and len(slack.shared) == 1


async def test_message_shortcut_renders_the_message_in_its_thread(tmp_path: Path, slack: FakeSlack) -> None:
    async with running_bot(tmp_path, slack) as bot:
        shortcut = {
            "type": "message_action",
            "callback_id": RENDER_MESSAGE_SHORTCUT,
            "user": {"id": "U0KIRA"},
            "channel": {"id": "C0LAUNCH"},
            "message": {
                "type": "message",
                "text": "--duration 1 a quote card: ship it",
                "ts": "1700000500.000200",
            },
            "response_url": slack.response_url("shortcut"),
            "trigger_id": "t",
        }
        assert (await bot.interact(shortcut)).status_code == 200
        shared = (await eventually(lambda: slack.shared, "the shortcut's video"))[0]
        assert shared.thread_ts == "1700000500.000200" and shared.initial_comment == "a quote card: ship it"
        empty = {**shortcut, "message": {"text": "", "ts": "1"}, "response_url": slack.response_url("empty")}
        assert (await bot.interact(empty)).status_code == 200
        (problem,) = await eventually(lambda: slack.responses_to("empty"), "the empty-message answer")
        assert "no text" in problem["text"]


async def test_two_commands_at_once_are_both_acked_without_waiting_for_renders_then_both_posted(
    tmp_path: Path, slack: FakeSlack
) -> None:
    async with running_bot(tmp_path, slack, start=False) as bot:  # no renderer running yet
        first, second = await asyncio.gather(
            bot.command("--duration 1 a title card for Launch Day", key="a", channel_id="C0AAA"),
            bot.command("--duration 1 a lower third for Kira Tanaka", key="b", channel_id="C0BBB"),
        )
        # both answered although neither could be rendered; both are queued as jobs
        assert "Rendering" in first.json()["text"] and "Rendering" in second.json()["text"]
        await eventually(lambda: bot.store.count_jobs([JobStatus.QUEUED]) == 2, "both jobs queued")
        assert slack.shared == []
        await bot.start()
        await eventually(lambda: len(slack.shared) == 2, "both uploads")
        by_channel = {s.channel: s for s in slack.shared}
        assert by_channel["C0AAA"].initial_comment == "a title card for Launch Day"
        assert by_channel["C0BBB"].initial_comment == "a lower third for Kira Tanaka"
        for shared in slack.shared:
            assert decode_mp4(shared.data, tmp_path) == ((320, 180), 10)
        await eventually(lambda: len(slack.calls_to("chat.postMessage")) == 2, "both result cards")


# ---- failures reach the person ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("problem", "says"),
    [("not_in_channel", "I'm not a member of this channel"), ("channel_not_found", "private channel")],
)
async def test_bot_not_in_channel_is_told_through_response_url(
    tmp_path: Path, slack: FakeSlack, problem: str, says: str
) -> None:
    (slack.not_in_channel if problem == "not_in_channel" else slack.missing_channels).add("C0SECRET")
    async with running_bot(tmp_path, slack) as bot:
        ack = await bot.command(PROMPT, key="private", channel_id="C0SECRET")
        assert "Rendering" in ack.json()["text"]
        (message,) = await eventually(lambda: slack.responses_to("private"), "the failure message")
        assert message["response_type"] == "ephemeral"
        assert says in message["text"] and f"/invite <@{slack.bot_user_id}>" in message["text"]
        assert "`/invite" not in message["text"]  # a mention inside code would show as raw markup
        assert slack.shared == [] and slack.calls_to("files.completeUploadExternal")


async def test_refused_upload_is_reported(tmp_path: Path, slack: FakeSlack) -> None:
    slack.upload_status = 500
    async with running_bot(tmp_path, slack) as bot:
        await bot.command(PROMPT)
        (message,) = await eventually(lambda: slack.responses_to("r1"), "the failure message")
        assert "Slack refused the upload" in message["text"] and "HTTP 500" in message["text"]
        assert slack.shared == []


async def test_expired_response_url_falls_back_to_an_ephemeral_message(
    tmp_path: Path, slack: FakeSlack
) -> None:
    slack.upload_status = 500
    slack.expired_responses.add("r1")
    async with running_bot(tmp_path, slack) as bot:
        await bot.command(PROMPT, user_id="U0MAYA")
        (call,) = await eventually(lambda: slack.calls_to("chat.postEphemeral"), "the fallback message")
    assert call.params["channel"] == "C0LAUNCH" and call.params["user"] == "U0MAYA"
    assert "Slack refused the upload" in call.params["text"]
    assert len(slack.responses_to("r1")) == 1  # tried first, answered 404


async def test_shutdown_tells_people_their_render_was_interrupted(tmp_path: Path, slack: FakeSlack) -> None:
    async with running_bot(tmp_path, slack) as bot:
        ack = await bot.command("--duration 30 a long countdown", key="long")
        assert "Rendering" in ack.json()["text"]
    # leaving the block ran the app's shutdown while the 300-frame render was still on its way
    (message,) = slack.responses_to("long")
    assert "interrupted" in message["text"] and slack.shared == []


async def test_full_queue_is_reported(tmp_path: Path, slack: FakeSlack) -> None:
    async with running_bot(tmp_path, slack, start=False, queue_size=1) as bot:
        html = (Path(__file__).parents[1] / "templates" / "title-card.html").read_text()
        await bot.jobs.submit_render(html, bot.jobs.render_options())  # nothing runs: the queue stays full
        await bot.command(PROMPT)
        (message,) = await eventually(lambda: slack.responses_to("r1"), "the failure message")
        assert "The render queue is full" in message["text"]
        assert slack.shared == [] and bot.store.count_jobs(list(JobStatus)) == 1


async def test_composition_that_never_validates_reports_the_findings(
    tmp_path: Path, slack: FakeSlack
) -> None:
    no_seek = '<!doctype html><html data-duration="1"><body><h1>Hi</h1></body></html>'
    with FakeOpenAI([f"```html\n{no_seek}\n```"]) as model:
        overrides = {
            "provider": "openai",
            "model": "gpt-test",
            "openai_api_key": "sk-test",
            "openai_base_url": model.base_url,
            "max_attempts": 2,
        }
        async with running_bot(tmp_path, slack, **overrides) as bot:
            await bot.command(PROMPT)
            (message,) = await eventually(lambda: slack.responses_to("r1"), "the failure message")
        assert len(model.chat_requests) == 2
    text = message["text"]
    assert "couldn't make a valid video" in text and "After 2 attempts" in text
    assert "`missing-seek-listener`" in text and "fix the last attempt in the editor" in text
    assert slack.shared == [] and slack.calls_to("files.getUploadURLExternal") == []


# ---- over real HTTP --------------------------------------------------------------------------


async def test_bot_in_the_service_over_a_real_uvicorn_server(tmp_path: Path, slack: FakeSlack) -> None:
    app = create_app(bot_settings(tmp_path, slack, api_keys="sk-seekreel-test"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    try:
        await eventually(lambda: server.started, "the server to start", timeout=30)
        async with httpx.AsyncClient(base_url=url) as http:
            body = command_body(PROMPT, response_url=slack.response_url("r1"))
            assert (
                await http.post("/slack/commands", content=body, headers=sign("wrong", body))
            ).status_code == 401
            assert (await http.get("/jobs/job_x")).status_code == 401  # the rest of the API wants a key…
            r = await http.post("/slack/commands", content=body, headers=sign(SECRET, body))
            assert r.status_code == 200 and "Rendering" in r.json()["text"]  # …Slack signs instead
        shared = (await eventually(lambda: slack.shared, "the video upload"))[0]
        assert decode_mp4(shared.data, tmp_path) == ((320, 180), 10)
        await eventually(lambda: slack.calls_to("chat.postMessage"), "the result card")
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 30)
