"""`/render story`: a narrated project per Slack user, reviewed in the channel before it is rendered.

    /render story how a bill becomes law   → a project (ProjectService) for slack:<team>:<user>
    … NeedsApproval                        → the review card: every section, Approve / Cancel
    Open in editor (only the person who asked) → a link to the editor's review page, for them alone
    Approve (only the person who asked)    → the render; Completed → the MP4 in the channel
    anything that fails                    → an ephemeral message to that person

Where to answer is kept in the project's meta (`slack`), so a project that finishes after a
restart, or one approved in the web editor, still ends up in its channel. So is where the review
card was posted (`slack_card`: channel and ts): a project approved or cancelled in the editor
has its card updated in place, buttons gone, even after a restart. The project service
is the one the HTTP API uses: the one-active-project rule holds per Slack user, and the same
project can be opened and edited in the editor's review page — through a link carrying a grant
for that project (`grant`), since a Slack person has no API key. Such a link opens the project to
whoever holds it, so it only ever goes to the person who asked, in messages only they see.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk.errors import SlackClientError

from ..jobs import JobManager, QueueFull
from ..projects import (
    ActiveProjectExists,
    NewProject,
    NoScriptWriter,
    NotAllowedNow,
    ProjectNotFound,
    ProjectService,
    SourceRefused,
    StoryboardInvalid,
    TopicTooLong,
)
from ..storage import Project, ProjectStatus
from . import messages
from . import review_messages as cards
from .commands import StoryCommand
from .outbox import Origin, Posted, SlackOutbox
from .outcomes import Failure, describe_failure
from .worker import slug

log = logging.getLogger(__name__)

APPROVE, CANCEL, OPEN = cards.APPROVE_ACTION, cards.CANCEL_ACTION, cards.OPEN_REVIEW_ACTION
CARD = "slack_card"
"""The project's meta key for where its review card was posted (channel, ts), for `chat.update`."""


def slack_user(team_id: str, user_id: str) -> str:
    """A Slack person as a project owner: user ids are only unique within their workspace."""
    return f"slack:{team_id}:{user_id}"


_REFUSED: dict[type[Exception], tuple[str, str]] = {
    TopicTooLong: (
        "That topic is too long",
        "Say what the story is about in fewer words — or put your own script on the lines after "
        "`/render story`, one paragraph per section.",
    ),
    SourceRefused: ("A background was refused", "Use a public http(s) URL."),
    NoScriptWriter: (
        "No model is set up to write a script",
        "Paste your script on the lines after `/render story` instead, one paragraph per section.",
    ),
}
"""Input the project service refused (nothing was stored): the card's title and what to do; its
message is the reason."""


class SlackReviews:
    """Starts story projects for Slack people and follows each through review to the channel."""

    def __init__(
        self,
        *,
        outbox: SlackOutbox,
        projects: ProjectService,
        jobs: JobManager,
        render: Mapping[str, Any],
        grant: Callable[[str], str],
        grant_ttl: int,
        public_base_url: str | None = None,
    ) -> None:
        self.outbox = outbox
        self.projects = projects
        self.jobs = jobs
        self.render = dict(render)
        """resolution, quality of the videos (the Slack settings)."""
        self.grant = grant
        """project id → a grant opening that project's routes for `grant_ttl` seconds."""
        self.grant_ttl = grant_ttl
        self.public_base_url = public_base_url
        self._clicked: set[str] = set()
        """Projects an Approve / Cancel click is deciding: the click's own answer replaces their card."""
        projects.add_listener(self.project_changed)

    # ---- starting -----------------------------------------------------------------------

    def start(self, command: StoryCommand, origin: Origin, team_id: str) -> None:
        """Create the project in the background (the command has been answered already)."""
        self.outbox.spawn(self._create(command, origin, team_id))

    async def _create(self, command: StoryCommand, origin: Origin, team_id: str) -> None:
        options: dict[str, Any] = {"aspect": command.aspect, "title": command.title}
        if command.voice:
            options["voice"] = self.projects.engine.find_voice(command.voice)
            if options["voice"] is None:
                await self.outbox.tell(
                    origin,
                    cards.not_started(
                        "I don't know that voice",
                        f"There is no voice called “{command.voice}”.",
                        "`seekreel voices` on the server lists them; or leave out `--voice`.",
                    ),
                )
                return
        new = NewProject(
            topic=command.topic,
            text=command.text,
            options={k: v for k, v in options.items() if v is not None},
            render=self.render,
            meta={"via": "slack", "slack": {**dataclasses.asdict(origin), "team_id": team_id}},
        )
        try:
            await self.projects.create(slack_user(team_id, origin.user_id), new)
        except ActiveProjectExists as exc:
            await self.outbox.tell(origin, await self._active(exc.project_id))
        except StoryboardInvalid as exc:
            await self.outbox.tell(
                origin,
                cards.not_started(
                    "That script can't be narrated",
                    "Fix this and run the command again:",
                    problems=exc.problems,
                ),
            )
        except tuple(_REFUSED) as exc:
            what, hint = next(said for refusal, said in _REFUSED.items() if isinstance(exc, refusal))
            await self.outbox.tell(origin, cards.not_started(what, str(exc), hint))
        except Exception as exc:
            log.exception("starting a Slack story failed")
            await self.outbox.tell(origin, describe_failure(exc))

    async def _active(self, project_id: str) -> messages.Message:
        try:
            project: Project | None = await self.projects.find(project_id)
        except ProjectNotFound:
            project = None
        return cards.active_project(project, project_id, self._url(project_id))

    # ---- following the project ----------------------------------------------------------

    async def project_changed(self, project: Project) -> None:
        """The project service's listener: review card, video or failure for projects from Slack."""
        origin = _origin(project.meta)
        if origin is None:
            return
        if project.status is ProjectStatus.NEEDS_APPROVAL:
            self.outbox.spawn(self._post_card(project, origin))
            return
        if project.status is ProjectStatus.FINALIZING or project.error_code == "cancelled":
            self._decided(project, origin)
        if project.status is ProjectStatus.COMPLETED:
            interrupted = messages.failure_message(
                "Your video was made but not posted",
                "The seekreel server restarted while uploading it.",
                f"<{self._url(project.id)}|Open it in the editor>." if self.public_base_url else None,
            )
            self.outbox.spawn(self._post_video(project, origin), if_interrupted=(origin, interrupted))
        elif project.status is ProjectStatus.FAILED:
            self.outbox.notify(origin, cards.project_failed(project, self._url(project.id)))

    async def _post_card(self, project: Project, origin: Origin) -> None:
        card = cards.review_card(
            project,
            channel=origin.channel_id,
            requester=origin.user_id,
            editor=self.public_base_url is not None,
            thread_ts=origin.thread_ts,
        )
        try:
            posted = await self.outbox.post(card)
        except SlackClientError as exc:
            # the channel is closed to the bot: the person still gets the card (its buttons work)
            log.warning("posting the review card of %s failed: %s", project.id, exc)
            note = messages.section(
                f":warning: I couldn't post this in the channel ({_slack_error(exc)}); only you see it. "
                f"Invite me with /invite {await self.outbox.bot_mention()} to share the next one."
            )
            await self.outbox.tell(origin, messages.ephemeral(card["text"], blocks=[note, *card["blocks"]]))
            return  # an ephemeral message cannot be updated: a decision elsewhere leaves it as it is
        saved = await self.projects.annotate(project.id, {CARD: dataclasses.asdict(posted)})
        if saved is not None and saved.status is not ProjectStatus.NEEDS_APPROVAL:
            # decided in the editor while the card was on its way, so that decision found no card
            await self._update_card(saved, origin, posted)

    def _decided(self, project: Project, origin: Origin) -> None:
        """Approved or cancelled: outside Slack, the review card (if it was posted) is updated to say so."""
        if project.id in self._clicked:  # the click's own answer replaces the card
            self._clicked.discard(project.id)
            return
        posted = _card(project.meta)
        if posted is not None:
            self.outbox.spawn(self._update_card(project, origin, posted))

    async def _update_card(self, project: Project, origin: Origin, posted: Posted) -> None:
        card = cards.review_card(
            project,
            channel=posted.channel,
            requester=origin.user_id,
            editor=False,
            decided=_decision(project, by=None),
        )
        await self.outbox.update(posted, card)

    async def _post_video(self, project: Project, origin: Origin) -> None:
        job = await self.jobs.get(project.job_id) if project.job_id else None
        try:
            if job is None or job.video_path is None or not job.video_path.is_file():
                raise Failure(
                    messages.failure_message(
                        f"The video of “{messages.escape(project.title)}” is gone",
                        "It was deleted before I could post it (retention period).",
                    )
                )
            await self.outbox.upload(
                job.video_path,
                origin,
                filename=f"seekreel-{slug(project.title)}.mp4",
                title=project.title,
                comment=cards.video_comment(project, job.meta.get("approved_by")),
            )
        except Failure as failure:
            await self.outbox.tell(origin, failure.message)

    # ---- deciding -----------------------------------------------------------------------

    def decide(self, action: str, project_id: str, clicker: Origin, team_id: str) -> None:
        """An Approve / Cancel / Open in editor click, handled in the background (the interaction
        has been acked)."""
        self.outbox.spawn(self._decide(action, project_id, clicker, team_id))

    async def _decide(self, action: str, project_id: str, clicker: Origin, team_id: str) -> None:
        try:
            project = await self.projects.find(project_id)
        except ProjectNotFound:
            await self.outbox.tell(
                clicker, messages.failure_message("That video no longer exists", f"No project {project_id}.")
            )
            return
        origin = _origin(project.meta)
        requester = origin.user_id if origin else clicker.user_id
        if project.user_id != slack_user(team_id, clicker.user_id):
            await self.outbox.tell(clicker, cards.not_yours(requester))
            return
        if action == OPEN:
            url = self._url(project.id)
            if url is not None:  # else the card had no such button
                await self.outbox.tell(clicker, cards.review_link(project, url, self.grant_ttl))
            return
        try:
            project = await self._apply(action, project, clicker)
        except NotAllowedNow as exc:
            verb = "approve" if action == APPROVE else "cancel"
            await self.outbox.tell(
                clicker, messages.failure_message(f"Too late to {verb} this video", messages.escape(str(exc)))
            )
            return
        except QueueFull:
            await self.outbox.tell(clicker, Failure.queue_full().message)
            return
        if clicker.response_url:
            card = cards.review_card(
                project,
                channel=clicker.channel_id,
                requester=requester,
                editor=False,
                decided=_decision(project, by=clicker.user_id),
            )
            await self.outbox.respond(clicker.response_url, {**card, "replace_original": True})

    async def _apply(self, action: str, project: Project, clicker: Origin) -> Project:
        """Approve or cancel for a click, marked so that the change it causes leaves the card to the click."""
        self._clicked.add(project.id)
        try:
            if action == APPROVE:
                return await self.projects.approve(
                    project.user_id, project.id, job_meta={"approved_by": clicker.user_id}
                )
            return await self.projects.cancel(project.user_id, project.id)
        except BaseException:
            self._clicked.discard(project.id)  # nothing changed: no notification comes to take the mark
            raise

    def _url(self, project_id: str) -> str | None:
        """The review page's link, for messages only the person who asked sees; none without the
        service's public address (a link in Slack must be absolute)."""
        if self.public_base_url is None:
            return None
        return cards.review_url(project_id, self.public_base_url, self.grant(project_id))


def _origin(meta: Mapping[str, Any]) -> Origin | None:
    """Where a project from Slack answers (None for a project from anywhere else)."""
    slack = meta.get("slack")
    if not isinstance(slack, dict):
        return None
    return Origin(
        channel_id=str(slack["channel_id"]),
        user_id=str(slack["user_id"]),
        response_url=slack.get("response_url"),
        thread_ts=slack.get("thread_ts"),
    )


def _card(meta: Mapping[str, Any]) -> Posted | None:
    """Where the project's review card is in the channel (None: not posted, or only ephemerally)."""
    card = meta.get(CARD)
    return Posted(channel=str(card["channel"]), ts=str(card["ts"])) if isinstance(card, dict) else None


def _decision(project: Project, *, by: str | None) -> str:
    """The card's last line for a project past NeedsApproval: approved, unless it was cancelled."""
    return cards.cancelled(by) if project.error_code == "cancelled" else cards.approved(by)


def _slack_error(exc: SlackClientError) -> str:
    response = getattr(exc, "response", None)
    return str(response.get("error")) if response is not None else type(exc).__name__
