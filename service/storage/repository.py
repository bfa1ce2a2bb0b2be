"""Repository functions over drafts, draft versions and jobs.

Every method opens its own short transaction and returns plain records (records.py), so
callers never hold a session and records can cross threads. Calls are synchronous and
short; async callers run them with `asyncio.to_thread` when they might contend.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from . import migrate
from .db import changed_rows, make_engine
from .ids import DRAFT, JOB, new_id
from .models import DraftRow, DraftVersionRow, JobRow, utcnow
from .project_repository import ProjectStore
from .records import Draft, DraftVersion, Job, JobStage, JobStatus


class Store:
    """The database behind drafts, jobs and (as `store.projects`) projects."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        migrate.upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.projects = ProjectStore(self._sessions)

    def close(self) -> None:
        self.engine.dispose()

    # ---- drafts -------------------------------------------------------------------------

    def create_draft(
        self,
        *,
        html: str,
        variables: dict[str, str] | None = None,
        findings: list[dict[str, Any]] | None = None,
        source: str,
        title: str = "",
        prompt: str | None = None,
        note: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Draft:
        now = utcnow()
        draft_id = new_id(DRAFT)
        with self._sessions.begin() as s:
            s.add(
                DraftRow(
                    id=draft_id,
                    title=title[:200],
                    prompt=prompt,
                    current_version=1,
                    version_count=1,
                    meta=meta or {},
                    created_at=now,
                    updated_at=now,
                )
            )
            s.flush()
            s.add(_version_row(draft_id, 1, html, variables, findings, source, note, now))
        draft = self.get_draft(draft_id)
        assert draft is not None
        return draft

    def get_draft(self, draft_id: str) -> Draft | None:
        with self._sessions() as s:
            row = s.get(DraftRow, draft_id)
            if row is None:
                return None
            version = s.get(DraftVersionRow, (draft_id, row.current_version))
            assert version is not None
            return _draft(row, version)

    def list_drafts(self, limit: int = 50) -> list[Draft]:
        with self._sessions() as s:
            rows = s.scalars(select(DraftRow).order_by(DraftRow.updated_at.desc()).limit(limit)).all()
            out = []
            for row in rows:
                version = s.get(DraftVersionRow, (row.id, row.current_version))
                assert version is not None
                out.append(_draft(row, version))
            return out

    def add_version(
        self,
        draft_id: str,
        *,
        html: str,
        variables: dict[str, str] | None = None,
        findings: list[dict[str, Any]] | None = None,
        source: str,
        note: str | None = None,
    ) -> Draft | None:
        """Append a version and make it current; None when the draft does not exist.

        Two writers racing for the same version number: the loser's insert violates the
        primary key and it simply tries again with the next number.
        """
        for attempt in range(5):
            now = utcnow()
            try:
                with self._sessions.begin() as s:
                    row = s.get(DraftRow, draft_id, with_for_update=True)
                    if row is None:
                        return None
                    number = row.version_count + 1
                    s.add(_version_row(draft_id, number, html, variables, findings, source, note, now))
                    row.version_count = number
                    row.current_version = number
                    row.updated_at = now
                break
            except IntegrityError:
                if attempt == 4:
                    raise
        return self.get_draft(draft_id)

    def list_versions(self, draft_id: str) -> list[DraftVersion] | None:
        with self._sessions() as s:
            if s.get(DraftRow, draft_id) is None:
                return None
            rows = s.scalars(
                select(DraftVersionRow)
                .where(DraftVersionRow.draft_id == draft_id)
                .order_by(DraftVersionRow.number.desc())
            ).all()
            return [_version(r) for r in rows]

    def get_version(self, draft_id: str, number: int) -> DraftVersion | None:
        with self._sessions() as s:
            row = s.get(DraftVersionRow, (draft_id, number))
            return _version(row) if row else None

    # ---- jobs ---------------------------------------------------------------------------

    def create_job(
        self,
        *,
        html: str,
        options: dict[str, Any],
        meta: dict[str, Any] | None = None,
        draft_id: str | None = None,
        draft_version: int | None = None,
        frames_total: int = 0,
    ) -> Job:
        row = JobRow(
            id=new_id(JOB),
            status=JobStatus.QUEUED.value,
            html=html,
            options=options,
            meta=meta or {},
            draft_id=draft_id,
            draft_version=draft_version,
            frames_done=0,
            frames_total=frames_total,
            runs=0,
            created_at=utcnow(),
        )
        with self._sessions.begin() as s:
            s.add(row)
        return _job(row)

    def get_job(self, job_id: str) -> Job | None:
        with self._sessions() as s:
            row = s.get(JobRow, job_id)
            return _job(row) if row else None

    def update_job(
        self, job_id: str, *, only_if: Iterable[JobStatus] | None = None, **fields: Any
    ) -> Job | None:
        """Set columns on a job; None when it does not exist or its status is not in `only_if`.

        `only_if` makes a state change atomic (compare-and-set), so a cancel and a runner
        picking the job up cannot both win.
        """
        if "status" in fields:
            fields["status"] = JobStatus(fields["status"]).value
        if isinstance(fields.get("video_path"), Path):
            fields["video_path"] = str(fields["video_path"])
        stmt = update(JobRow).where(JobRow.id == job_id)
        if only_if is not None:
            stmt = stmt.where(JobRow.status.in_(_status_values(only_if)))
        with self._sessions.begin() as s:
            if changed_rows(s, stmt.values(**fields)) == 0:
                return None
            row = s.get(JobRow, job_id)
            return _job(row) if row else None

    def jobs_with_status(self, statuses: Iterable[JobStatus]) -> list[Job]:
        """Jobs in any of the given states, oldest first (the order they run in)."""
        with self._sessions() as s:
            rows = s.scalars(
                select(JobRow)
                .where(JobRow.status.in_(_status_values(statuses)))
                .order_by(JobRow.created_at, JobRow.id)
            ).all()
            return [_job(r) for r in rows]

    def count_jobs(self, statuses: Iterable[JobStatus]) -> int:
        with self._sessions() as s:
            return (
                s.scalar(
                    select(func.count())
                    .select_from(JobRow)
                    .where(JobRow.status.in_(_status_values(statuses)))
                )
                or 0
            )

    def claim_notice(self, job_id: str, stale_before: datetime) -> bool:
        """Take on telling a finished job's listeners: True for exactly one caller, unless its
        claim is older than `stale_before` (its process died before it told them)."""
        stmt = (
            update(JobRow)
            .where(JobRow.id == job_id, *_notice_due(stale_before))
            .values(notice_claimed_at=utcnow())
        )
        with self._sessions.begin() as s:
            return changed_rows(s, stmt) == 1

    def mark_notified(self, job_id: str) -> None:
        with self._sessions.begin() as s:
            s.execute(update(JobRow).where(JobRow.id == job_id).values(notified_at=utcnow()))

    def jobs_to_notify(self, stale_before: datetime, limit: int = 50) -> list[Job]:
        """Finished jobs whose listeners nobody told, nor is telling (oldest first)."""
        with self._sessions() as s:
            rows = s.scalars(
                select(JobRow).where(*_notice_due(stale_before)).order_by(JobRow.finished_at).limit(limit)
            ).all()
            return [_job(r) for r in rows]

    def jobs_with_videos_finished_before(self, moment: datetime) -> list[Job]:
        with self._sessions() as s:
            rows = s.scalars(
                select(JobRow).where(JobRow.video_path.is_not(None), JobRow.finished_at < moment)
            ).all()
            return [_job(r) for r in rows]


def _status_values(statuses: Iterable[JobStatus]) -> list[str]:
    return [JobStatus(x).value for x in statuses]


def _notice_due(stale_before: datetime) -> tuple[ColumnElement[bool], ...]:
    """A finished job not yet told, and not claimed by a process that is still within its lease."""
    return (
        JobRow.finished_at.is_not(None),
        JobRow.notified_at.is_(None),
        or_(JobRow.notice_claimed_at.is_(None), JobRow.notice_claimed_at < stale_before),
    )


def _version_row(
    draft_id: str,
    number: int,
    html: str,
    variables: dict[str, str] | None,
    findings: list[dict[str, Any]] | None,
    source: str,
    note: str | None,
    now: datetime,
) -> DraftVersionRow:
    return DraftVersionRow(
        draft_id=draft_id,
        number=number,
        html=html,
        variables=dict(variables or {}),
        findings=list(findings or []),
        source=source,
        note=note,
        created_at=now,
    )


def _version(row: DraftVersionRow) -> DraftVersion:
    return DraftVersion(
        draft_id=row.draft_id,
        number=row.number,
        html=row.html,
        variables=dict(row.variables or {}),
        findings=list(row.findings or []),
        source=row.source,
        note=row.note,
        created_at=row.created_at,
    )


def _draft(row: DraftRow, version: DraftVersionRow) -> Draft:
    return Draft(
        id=row.id,
        title=row.title,
        prompt=row.prompt,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version_count=row.version_count,
        current=_version(version),
        meta=dict(row.meta or {}),
    )


def _job(row: JobRow) -> Job:
    return Job(
        id=row.id,
        status=JobStatus(row.status),
        html=row.html,
        options=dict(row.options or {}),
        meta=dict(row.meta or {}),
        draft_id=row.draft_id,
        draft_version=row.draft_version,
        frames_done=row.frames_done or 0,
        frames_total=row.frames_total or 0,
        error=row.error,
        error_code=row.error_code,
        runs=row.runs or 0,
        video_path=Path(row.video_path) if row.video_path else None,
        video_bytes=row.video_bytes,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        stage=JobStage(row.stage_name, row.stage_done or 0, row.stage_total or 0)
        if row.stage_name and row.status == JobStatus.RUNNING.value
        else None,
    )
