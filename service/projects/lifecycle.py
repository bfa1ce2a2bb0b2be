"""Projects: a narrated storyboard a person approves before it is rendered.

    InProgress ──▶ NeedsApproval ──approve──▶ Finalizing ──▶ Completed
         └──────────────┴──────────────────────────┴──▶ Failed (error; cancel; what failed per section)

InProgress: the model writes the script (for a topic), the sections are made, and each is
voiced and given its background — several at once, bounded over all projects. NeedsApproval:
the person reads, listens, edits (an edited section alone is made again), adds, removes and
reorders sections. Approve renders the prepared sections as a storyboard job of the job
system; its end ends the project. One user has at most one project InProgress or
NeedsApproval (the database enforces it). After a crash, preparation resumes once and a
render is the job system's to finish; nothing is left stuck.

Everything here is usable without HTTP (the Slack bot uses it too): users are plain ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..jobs import Job, JobManager, JobStatus
from ..settings import Settings
from ..storage import (
    Project,
    ProjectStatus,
    ProjectStore,
    Section,
    SectionStatus,
    Store,
)
from ..storage.models import utcnow
from .engine import (
    NoScriptWriter,
    SceneMedia,
    ScriptNotWritten,
    Storyboard,
    StoryboardInvalid,
    StoryEngine,
    StoryFailed,
    StoryPreview,
)
from .errors import NotAllowedNow, ProjectNotFound, SectionNotFound, TopicTooLong
from .sources import check_sources
from .story_job import submit_storyboard

log = logging.getLogger("seekreel.projects")

IN_PROGRESS, NEEDS_APPROVAL, FINALIZING, COMPLETED, FAILED = ProjectStatus
WORKING = (IN_PROGRESS, NEEDS_APPROVAL, FINALIZING)
PRUNE_INTERVAL = 3600.0
LISTENER_GRACE = 5.0
"""On stop, how long listeners (webhooks) may take to finish."""
STORYBOARD_OPTIONS = ("title", "aspect", "voice", "captions", "music", "split")
"""Request fields that override what the storyboard (or the model) says."""

ProjectListener = Callable[[Project], Awaitable[None]]


@dataclass(frozen=True)
class NewProject:
    """What a project is made from: exactly one of topic, text or storyboard, plus overrides."""

    topic: str | None = None
    text: str | None = None
    storyboard: Mapping[str, Any] | None = None
    options: Mapping[str, Any] | None = None
    """title, aspect, voice, captions, music, split — over the storyboard's own."""
    render: Mapping[str, Any] | None = None
    """resolution, quality of the final video."""
    meta: Mapping[str, Any] | None = None


class ProjectService:
    """The project lifecycle over the store, the job manager and the storyboard engine."""

    def __init__(self, settings: Settings, store: Store, jobs: JobManager, engine: StoryEngine) -> None:
        self.settings = settings
        self.projects: ProjectStore = store.projects
        self.jobs = jobs
        self.engine = engine
        self.files_dir = settings.projects_dir or settings.data_dir / "projects"
        self._gate = asyncio.Semaphore(max(1, settings.project_concurrency))
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._listeners: list[ProjectListener] = []
        self._listener_tasks: set[asyncio.Task[None]] = set()
        self._housekeeping: asyncio.Task[None] | None = None
        self._stopping = False
        jobs.add_finish_listener(self._job_finished)

    # ---- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Pick up what a previous process left (call after the job manager started)."""
        self._stopping = False
        self._gate = asyncio.Semaphore(max(1, self.settings.project_concurrency))
        self._locks.clear()
        self.files_dir.mkdir(parents=True, exist_ok=True)
        for project in await asyncio.to_thread(self.projects.projects_with_status, [IN_PROGRESS, FINALIZING]):
            await self._recover(project)
        self._housekeeping = asyncio.create_task(self._prune_loop(), name="seekreel-project-prune")

    async def stop(self) -> None:
        """Stop preparing: interrupted projects resume at the next start (not counted against them)."""
        self._stopping = True
        tasks = [*self._tasks.values(), *([self._housekeeping] if self._housekeeping else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        self._housekeeping = None
        if self._listener_tasks:  # let listeners finish what they were told, briefly
            await asyncio.wait(list(self._listener_tasks), timeout=LISTENER_GRACE)

    def add_listener(self, listener: ProjectListener) -> None:
        """`await listener(project)` after each status change (webhooks, the Slack bot)."""
        self._listeners.append(listener)

    # ---- reading ------------------------------------------------------------------------

    async def get(self, user_id: str, project_id: str) -> Project:
        """The user's project with its sections; ProjectNotFound for another user's."""
        project = await self.find(project_id)
        if project.user_id != user_id:
            raise ProjectNotFound(project_id)
        return project

    async def find(self, project_id: str) -> Project:
        """Any user's project (for a caller whose access was checked otherwise, e.g. a signed link)."""
        project = await asyncio.to_thread(self.projects.get_project, project_id)
        if project is None:
            raise ProjectNotFound(project_id)
        return project

    async def list_projects(self, user_id: str, limit: int = 50) -> list[Project]:
        """The user's projects, newest first (without sections)."""
        return await asyncio.to_thread(self.projects.list_projects, user_id, limit)

    def section_files(self, project_id: str) -> Path:
        return self.files_dir / project_id

    # ---- creating -----------------------------------------------------------------------

    async def create(self, user_id: str, new: NewProject) -> Project:
        """An InProgress project whose preparation has started.

        Raises TopicTooLong / StoryboardInvalid / SourceRefused / NoScriptWriter for input that
        cannot be used (nothing is stored then) and ActiveProjectExists (the one-active rule).
        """
        options = {k: v for k, v in (new.options or {}).items() if k in STORYBOARD_OPTIONS and v is not None}
        scenes: list[dict[str, Any]] = []
        topic = new.topic
        if topic is not None:
            if len(topic) > self.settings.max_prompt_chars:  # counted as given, as the API schema states
                raise TopicTooLong(len(topic), self.settings.max_prompt_chars)
            topic = topic.strip()
            self.engine.check_writer()
            source, settings, title = "topic", options, str(options.get("title") or topic)
        else:
            base = (
                self.engine.from_text(new.text, title=str(options.get("title") or ""))
                if new.text is not None
                else dict(new.storyboard or {})
            )
            storyboard = self.engine.check(_overlay(base, options))
            await check_sources(self.engine, storyboard)
            scenes = _with_colours(self.engine.split(storyboard), storyboard)
            source, settings = ("text" if new.text is not None else "storyboard"), _settings_of(storyboard)
            title = str(storyboard.get("title") or "") or _first_words(scenes[0]["text"])
        project = await asyncio.to_thread(
            self.projects.create_project,
            user_id=user_id,
            source=source,
            topic=topic,
            title=title,
            settings=settings,
            render=dict(new.render or {}),
            meta=dict(new.meta or {}),
            scenes=scenes,
        )
        self._start_preparing(project.id)
        return project

    # ---- editing (NeedsApproval) --------------------------------------------------------

    async def edit_section(
        self,
        user_id: str,
        project_id: str,
        section_id: str,
        *,
        text: str | None = None,
        background: Mapping[str, Any] | None = None,
        position: int | None = None,
    ) -> Project:
        """New text → only this section is voiced again; a new background → only it is fetched
        again; a new position → nothing is made again. StoryFailed leaves the section as it was."""
        async with self._lock(project_id):
            project = self._editable(await self.get(user_id, project_id), "edit its sections")
            section = project.section(section_id)
            if section is None:
                raise SectionNotFound(project_id, section_id)
            scene = dict(section.scene)
            if text is not None:
                scene["text"] = text
            if background is not None:
                scene["background"] = dict(background)
            if scene != section.scene:
                same_background = scene.get("background") == section.scene.get("background")
                await self._remake(project, section, scene, voice_only=same_background)
            if position is not None:
                await asyncio.to_thread(self.projects.move_section, project_id, section_id, position)
            return await self.get(user_id, project_id)

    async def add_section(
        self,
        user_id: str,
        project_id: str,
        *,
        text: str,
        background: Mapping[str, Any] | None = None,
        position: int | None = None,
    ) -> Project:
        """A new section, voiced and with its background before this returns."""
        async with self._lock(project_id):
            project = self._editable(await self.get(user_id, project_id), "add sections")
            at = len(project.sections) if position is None else max(0, min(position, len(project.sections)))
            scene: dict[str, Any] = {"text": text}
            if background is not None:
                scene["background"] = dict(background)
            [scene] = _with_colours([scene], project.settings, first=at)
            section = await asyncio.to_thread(self.projects.add_section, project_id, scene, at)
            try:
                await self._remake(await self.get(user_id, project_id), section, scene, voice_only=False)
            except BaseException:
                await asyncio.to_thread(self.projects.delete_section, project_id, section.id)
                raise
            return await self.get(user_id, project_id)

    async def delete_section(self, user_id: str, project_id: str, section_id: str) -> Project:
        async with self._lock(project_id):
            project = self._editable(await self.get(user_id, project_id), "remove sections")
            if project.section(section_id) is None:
                raise SectionNotFound(project_id, section_id)
            if len(project.sections) == 1:
                raise NotAllowedNow("last_section", "a project needs at least one section", project.status)
            await asyncio.to_thread(self.projects.delete_section, project_id, section_id)
            shutil.rmtree(self.section_files(project_id) / section_id, ignore_errors=True)
            return await self.get(user_id, project_id)

    async def annotate(self, project_id: str, meta: Mapping[str, Any]) -> Project | None:
        """Keep `meta` with the project (keys set, others left): what a client needs to find again
        later, across restarts — e.g. where the Slack bot posted the review card. Listeners are
        not told: nothing about the project itself changed."""
        return await asyncio.to_thread(self.projects.merge_meta, project_id, dict(meta))

    # ---- approving, cancelling ----------------------------------------------------------

    async def approve(
        self, user_id: str, project_id: str, *, job_meta: Mapping[str, Any] | None = None
    ) -> Project:
        """NeedsApproval → Finalizing: the prepared sections are rendered as a storyboard job
        (`job_meta` goes into its meta). QueueFull (nothing changed) when the render queue is full."""
        async with self._lock(project_id):
            project = await self.get(user_id, project_id)
            if project.status is not NEEDS_APPROVAL:
                raise NotAllowedNow(
                    "not_awaiting_approval",
                    f"project {project_id} is {project.status.value}; only a project in NeedsApproval "
                    "can be approved",
                    project.status,
                )
            job = await self._submit_render(project, job_meta or {})
            done = await asyncio.to_thread(
                self.projects.update_project,
                project_id,
                only_if=[NEEDS_APPROVAL],
                status=FINALIZING,
                job_id=job.id,
            )
            assert done is not None  # the lock keeps every other change out
        self._notify(done)
        return done

    async def cancel(self, user_id: str, project_id: str) -> Project:
        """Any working state → Failed (cancelled): preparation stops, a render is cancelled."""
        async with self._lock(project_id):
            project = await self.get(user_id, project_id)
            if project.status.finished:
                raise NotAllowedNow(
                    "already_finished",
                    f"project {project_id} is already {project.status.value}",
                    project.status,
                )
            task = self._tasks.pop(project_id, None)
            if task is not None:
                task.cancel()
            done = await self._fail(project_id, "cancelled", "cancelled by the user", only_if=WORKING)
            if project.job_id and project.status is FINALIZING:
                await self.jobs.cancel(project.job_id, wait=0)
        return done or await self.get(user_id, project_id)

    # ---- preparing ----------------------------------------------------------------------

    def _start_preparing(self, project_id: str) -> None:
        task = asyncio.create_task(self._prepare(project_id), name=f"seekreel-project-{project_id}")
        self._tasks[project_id] = task

        def forget(_: asyncio.Task[None]) -> None:
            if self._tasks.get(project_id) is task:
                del self._tasks[project_id]

        task.add_done_callback(forget)

    async def _prepare(self, project_id: str) -> None:
        project = await asyncio.to_thread(self.projects.get_project, project_id)
        if project is None or project.status is not IN_PROGRESS:
            return
        runs = project.runs + 1
        await asyncio.to_thread(self.projects.update_project, project_id, only_if=[IN_PROGRESS], runs=runs)
        try:
            if not project.sections:
                project = await self._write(project)
                if project is None:
                    return
            pending = [s for s in project.sections if s.status is not SectionStatus.READY]
            await asyncio.gather(*(self._prepare_section(project, s) for s in pending))
            project = await asyncio.to_thread(self.projects.get_project, project_id)
            assert project is not None
            failed = [s for s in project.sections if s.status is SectionStatus.FAILED]
            if failed:
                first = failed[0].error or "unknown error"
                await self._fail(
                    project_id,
                    "section_failed",
                    f"{len(failed)} of {len(project.sections)} sections could not be made; {first}",
                    failures=[{"section_id": s.id, "position": s.position, "error": s.error} for s in failed],
                )
                return
            ready = await asyncio.to_thread(
                self.projects.update_project, project_id, only_if=[IN_PROGRESS], status=NEEDS_APPROVAL
            )
            if ready is not None:
                self._notify(ready)
        except asyncio.CancelledError:
            if self._stopping:  # a clean stop is not the project's fault
                with contextlib.suppress(Exception):
                    await asyncio.shield(
                        asyncio.to_thread(
                            self.projects.update_project, project_id, only_if=[IN_PROGRESS], runs=runs - 1
                        )
                    )
            raise
        except Exception as exc:
            log.exception("project %s: preparation crashed", project_id)
            await self._fail(
                project_id, "internal", f"internal error while preparing ({type(exc).__name__}: {exc})"
            )

    async def _write(self, project: Project) -> Project | None:
        """The model writes the storyboard for the topic; the sections are made from it."""
        assert project.topic is not None
        try:
            written = await self.engine.write(project.topic, aspect=project.settings.get("aspect"))
            storyboard = self.engine.check(_overlay(written, project.settings))
            scenes = _with_colours(self.engine.split(storyboard), storyboard)
        except ScriptNotWritten as exc:
            await self._fail(project.id, "script_not_written", str(exc), findings=exc.problems)
            return None
        except (NoScriptWriter, StoryboardInvalid, StoryFailed) as exc:
            await self._fail(
                project.id, "script_not_written", str(exc), findings=getattr(exc, "problems", [])
            )
            return None
        title = (
            project.title if project.settings.get("title") else str(storyboard.get("title") or project.title)
        )
        await asyncio.to_thread(
            self.projects.update_project, project.id, settings=_settings_of(storyboard), title=title[:200]
        )
        await asyncio.to_thread(self.projects.replace_sections, project.id, scenes)
        return await asyncio.to_thread(self.projects.get_project, project.id)

    async def _prepare_section(self, project: Project, section: Section) -> None:
        async with self._gate:
            folder = self._take_folder(project.id, section)
            try:
                media = await self.engine.prepare(_storyboard(project), section.position, folder=folder)
            except (StoryFailed, StoryboardInvalid) as exc:
                await asyncio.to_thread(
                    self.projects.update_section, section.id, only_if_revision=section.revision,
                    status=SectionStatus.FAILED, error=str(exc),
                )  # fmt: skip
                return
            saved = await asyncio.to_thread(
                self.projects.update_section, section.id, only_if_revision=section.revision,
                status=SectionStatus.READY, media=media.to_json(), error=None,
            )  # fmt: skip
            if saved is None:
                shutil.rmtree(folder, ignore_errors=True)

    async def _remake(
        self, project: Project, section: Section, scene: dict[str, Any], *, voice_only: bool
    ) -> None:
        """Make one section again with `scene`, then store it (the old take stays until this succeeds)."""
        scenes = [scene if s.id == section.id else s.scene for s in project.sections]
        storyboard = self.engine.check({**project.settings, "split": "none", "scenes": scenes})
        await check_sources(self.engine, {"scenes": [scene]}, first_scene=section.position)
        take = replace(section, revision=section.revision + 1)
        folder = self._take_folder(project.id, take)
        try:
            async with self._gate:
                if voice_only and section.media:
                    old = SceneMedia.from_json(section.media)
                    media = await self.engine.revoice(storyboard, section.position, old, folder=folder)
                else:
                    media = await self.engine.prepare(storyboard, section.position, folder=folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        await asyncio.to_thread(
            self.projects.update_section, section.id, scene=scene, media=media.to_json(),
            status=SectionStatus.READY, error=None, revision=take.revision,
        )  # fmt: skip
        self._sweep(project.id, section.id, keep={media.folder, media.audio.parent})

    def _take_folder(self, project_id: str, section: Section) -> Path:
        """A fresh folder for one take of a section: a new take never overwrites the one in use."""
        folder = self.section_files(project_id) / section.id / f"r{section.revision}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder

    def _sweep(self, project_id: str, section_id: str, *, keep: set[Path]) -> None:
        for take in (self.section_files(project_id) / section_id).glob("r*"):
            if take not in keep:
                shutil.rmtree(take, ignore_errors=True)

    # ---- rendering ----------------------------------------------------------------------

    async def preview(self, user_id: str, project_id: str) -> tuple[Project, StoryPreview]:
        """The project as approving it now would render it, compiled but not rendered (the
        editor's scrubbable preview). NotAllowedNow while a section is not ready."""
        project = await self.get(user_id, project_id)
        return project, self.engine.preview(_storyboard(project), _prepared(project))

    async def _submit_render(self, project: Project, meta: Mapping[str, Any]) -> Job:
        prepared = _prepared(project)
        options = self.jobs.render_options(**{k: project.render.get(k) for k in ("resolution", "quality")})
        return await submit_storyboard(
            self.jobs,
            _storyboard(project),
            options,
            meta={"via": "project", **meta, "project_id": project.id, "user_id": project.user_id},
            prepared=prepared,
        )

    async def _job_finished(self, job: Job) -> None:
        project_id = job.meta.get("project_id")
        if not project_id:
            return
        project = await asyncio.to_thread(self.projects.get_project, str(project_id))
        if project is None or project.job_id != job.id or project.status is not FINALIZING:
            return  # an older render, or the project was cancelled meanwhile
        if job.status is JobStatus.SUCCEEDED:
            done = await asyncio.to_thread(
                self.projects.update_project, project.id, only_if=[FINALIZING], status=COMPLETED, error=None
            )
            if done is not None:
                self._notify(done)
        else:
            reason = job.error or job.status.value
            await self._fail(
                project.id,
                job.error_code or "render_failed",
                f"the render {job.status.value}: {reason}",
                only_if=[FINALIZING],
            )

    # ---- failing, recovering, pruning ---------------------------------------------------

    async def _fail(
        self,
        project_id: str,
        code: str,
        message: str,
        *,
        only_if: Iterable[ProjectStatus] = (IN_PROGRESS,),
        failures: list[dict[str, Any]] | None = None,
        findings: list[str] | None = None,
    ) -> Project | None:
        fields: dict[str, Any] = {"status": FAILED, "error": message, "error_code": code}
        if failures is not None:
            fields["failures"] = failures
        if findings is not None:
            fields["findings"] = findings
        done = await asyncio.to_thread(
            self.projects.update_project, project_id, only_if=list(only_if), **fields
        )
        if done is not None:
            log.info("project %s failed: %s", project_id, message)
            self._notify(done)
        return done

    async def _recover(self, project: Project) -> None:
        if project.status is IN_PROGRESS:
            if project.runs >= 2:
                await self._fail(
                    project.id,
                    "interrupted",
                    "the service stopped twice while preparing this project; not retrying",
                )
            else:
                self._start_preparing(project.id)
            return
        job = await asyncio.to_thread(self.jobs.store.get_job, project.job_id) if project.job_id else None
        if job is None:
            await self._fail(
                project.id,
                "interrupted",
                "the render was never queued (the service stopped)",
                only_if=[FINALIZING],
            )
        elif job.finished:
            await self._job_finished(job)
        # else: the job manager runs it again (or fails it with a reason) and tells us

    async def _prune_loop(self) -> None:
        while True:
            try:
                cutoff = utcnow() - timedelta(hours=self.settings.project_retention_hours)
                for project in await asyncio.to_thread(
                    self.projects.finished_projects_with_files_before, cutoff
                ):
                    shutil.rmtree(self.section_files(project.id), ignore_errors=True)
                    await asyncio.to_thread(self.projects.update_project, project.id, files_deleted=True)
            except Exception:
                log.exception("pruning old project files failed")
            await asyncio.sleep(PRUNE_INTERVAL)

    # ---- helpers ------------------------------------------------------------------------

    def _lock(self, project_id: str) -> asyncio.Lock:
        return self._locks.setdefault(project_id, asyncio.Lock())

    @staticmethod
    def _editable(project: Project, action: str) -> Project:
        if project.status is not NEEDS_APPROVAL:
            raise NotAllowedNow(
                "not_editable",
                f"project {project.id} is {project.status.value}: you can {action} only while it is NeedsApproval",
                project.status,
            )
        return project

    def _notify(self, project: Project) -> None:
        """Tell the listeners, each in a task of its own: a slow webhook never holds up a request."""
        for listener in self._listeners:
            task = asyncio.create_task(self._tell(listener, project))
            self._listener_tasks.add(task)
            task.add_done_callback(self._listener_tasks.discard)

    @staticmethod
    async def _tell(listener: ProjectListener, project: Project) -> None:
        try:
            await listener(project)
        except Exception:
            log.exception("project %s: a listener failed", project.id)


def _overlay(storyboard: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """The storyboard with the request's options (title, voice, …) over its own."""
    return {**storyboard, **{k: v for k, v in options.items() if k in STORYBOARD_OPTIONS}}


def _settings_of(storyboard: Mapping[str, Any]) -> dict[str, Any]:
    """Everything but the scenes; sections are already split, so `split` is spent."""
    return {**{k: v for k, v in storyboard.items() if k != "scenes"}, "split": "none"}


def _storyboard(project: Project) -> Storyboard:
    """The storyboard the sections make now, in their order."""
    return {**project.settings, "split": "none", "scenes": [s.scene for s in project.sections]}


def _prepared(project: Project) -> list[SceneMedia]:
    """Every section's voice and background; NotAllowedNow naming the sections not ready."""
    missing = [s.position + 1 for s in project.sections if s.status is not SectionStatus.READY or not s.media]
    if missing:
        raise NotAllowedNow("sections_not_ready", f"sections {missing} are not ready", project.status)
    return [SceneMedia.from_json(s.media or {}) for s in project.sections]


def _first_words(text: str, limit: int = 60) -> str:
    """A title for a project given none: the start of its first section, cut at a word."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _with_colours(
    scenes: Iterable[dict[str, Any]], storyboard: Mapping[str, Any], first: int = 0
) -> list[dict[str, Any]]:
    """Scenes without a background get their palette colour now, so moving one keeps its look."""
    palette = list(storyboard.get("palette") or [])
    out = []
    for offset, scene in enumerate(scenes):
        if not scene.get("background") and palette:
            scene = {**scene, "background": {"color": palette[(first + offset) % len(palette)]}}
        out.append(scene)
    return out
