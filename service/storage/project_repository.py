"""Repository functions over projects and their sections (same rules as repository.py: short
transactions, plain records out, compare-and-set for state changes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .db import changed_rows
from .ids import PROJECT, SECTION, new_id
from .models import utcnow
from .project_models import ProjectRow, SectionRow
from .project_records import Project, ProjectStatus, Section, SectionStatus


class ActiveProjectExists(Exception):
    """The user already has a project InProgress or NeedsApproval (`project_id` names it)."""

    def __init__(self, user_id: str, project_id: str) -> None:
        super().__init__(f"{user_id} already has an active project: {project_id}")
        self.user_id = user_id
        self.project_id = project_id


class ProjectStore:
    """Projects and sections, in the database behind `Store` (it makes one: `store.projects`)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # ---- projects -----------------------------------------------------------------------

    def create_project(
        self,
        *,
        user_id: str,
        source: str,
        topic: str | None,
        title: str,
        settings: dict[str, Any],
        render: dict[str, Any],
        meta: dict[str, Any] | None = None,
        scenes: Sequence[dict[str, Any]] = (),
    ) -> Project:
        """A new InProgress project with one pending section per scene; ActiveProjectExists when
        the user has one already."""
        now = utcnow()
        row = ProjectRow(
            id=new_id(PROJECT),
            user_id=user_id,
            active_user=user_id,
            status=ProjectStatus.IN_PROGRESS.value,
            source=source,
            topic=topic,
            title=title[:200],
            settings=settings,
            render=render,
            meta=meta or {},
            failures=[],
            findings=[],
            runs=0,
            files_deleted=False,
            created_at=now,
            updated_at=now,
        )
        try:
            with self._sessions.begin() as s:
                s.add(row)
                s.flush()
                for position, scene in enumerate(scenes):
                    s.add(_new_section(row.id, position, scene, now))
        except IntegrityError:
            active = self.active_project_id(user_id)
            if active is None:  # it finished in between: the next try is free to go
                return self.create_project(
                    user_id=user_id,
                    source=source,
                    topic=topic,
                    title=title,
                    settings=settings,
                    render=render,
                    meta=meta,
                    scenes=scenes,
                )
            raise ActiveProjectExists(user_id, active) from None
        project = self.get_project(row.id)
        assert project is not None
        return project

    def active_project_id(self, user_id: str) -> str | None:
        with self._sessions() as s:
            return s.scalar(select(ProjectRow.id).where(ProjectRow.active_user == user_id))

    def get_project(self, project_id: str) -> Project | None:
        with self._sessions() as s:
            row = s.get(ProjectRow, project_id)
            return _project(row, _sections(s, project_id)) if row else None

    def list_projects(self, user_id: str, limit: int = 50) -> list[Project]:
        """The user's projects, newest first, without their sections."""
        with self._sessions() as s:
            rows = s.scalars(
                select(ProjectRow)
                .where(ProjectRow.user_id == user_id)
                .order_by(ProjectRow.created_at.desc(), ProjectRow.id.desc())
                .limit(limit)
            ).all()
            return [_project(r, []) for r in rows]

    def update_project(
        self, project_id: str, *, only_if: Iterable[ProjectStatus] | None = None, **fields: Any
    ) -> Project | None:
        """Set columns; None when the project does not exist or its status is not in `only_if`.

        A new status also sets `active_user` (the one-active rule) and, for a finished
        status, `finished_at`.
        """
        if "status" in fields:
            status = ProjectStatus(fields["status"])
            fields["status"] = status.value
            fields["active_user"] = ProjectRow.user_id if status.active else None
            if status.finished:
                fields.setdefault("finished_at", utcnow())
        fields.setdefault("updated_at", utcnow())
        stmt = update(ProjectRow).where(ProjectRow.id == project_id)
        if only_if is not None:
            stmt = stmt.where(ProjectRow.status.in_([ProjectStatus(x).value for x in only_if]))
        with self._sessions.begin() as s:
            if changed_rows(s, stmt.values(**fields)) == 0:
                return None
        return self.get_project(project_id)

    def merge_meta(self, project_id: str, changes: dict[str, Any]) -> Project | None:
        """Set keys of the project's `meta` (the others stay), whatever its status; None when it
        does not exist. The row is locked while it is read and written, so no change is lost."""
        with self._sessions.begin() as s:
            row = s.get(ProjectRow, project_id, with_for_update=True)
            if row is None:
                return None
            row.meta = {**(row.meta or {}), **changes}
        return self.get_project(project_id)

    def projects_with_status(self, statuses: Iterable[ProjectStatus]) -> list[Project]:
        """Projects in any of the given states, oldest first, with their sections."""
        values = [ProjectStatus(x).value for x in statuses]
        with self._sessions() as s:
            rows = s.scalars(
                select(ProjectRow).where(ProjectRow.status.in_(values)).order_by(ProjectRow.created_at)
            ).all()
            return [_project(r, _sections(s, r.id)) for r in rows]

    def finished_projects_with_files_before(self, moment: datetime) -> list[Project]:
        finished = [ProjectStatus.COMPLETED.value, ProjectStatus.FAILED.value]
        with self._sessions() as s:
            rows = s.scalars(
                select(ProjectRow).where(
                    ProjectRow.status.in_(finished),
                    ProjectRow.finished_at < moment,
                    ProjectRow.files_deleted.is_(False),
                )
            ).all()
            return [_project(r, []) for r in rows]

    # ---- sections -----------------------------------------------------------------------

    def replace_sections(self, project_id: str, scenes: Sequence[dict[str, Any]]) -> list[Section]:
        """The project's sections become one pending section per scene, in order."""
        now = utcnow()
        with self._sessions.begin() as s:
            for row in _section_rows(s, project_id):
                s.delete(row)
            for position, scene in enumerate(scenes):
                s.add(_new_section(project_id, position, scene, now))
        return self.sections(project_id)

    def sections(self, project_id: str) -> list[Section]:
        with self._sessions() as s:
            return _sections(s, project_id)

    def update_section(
        self, section_id: str, *, only_if_revision: int | None = None, **fields: Any
    ) -> Section | None:
        """Set columns of a section; None when it is gone or (with `only_if_revision`) was changed since."""
        if "status" in fields:
            fields["status"] = SectionStatus(fields["status"]).value
        fields.setdefault("updated_at", utcnow())
        stmt = update(SectionRow).where(SectionRow.id == section_id)
        if only_if_revision is not None:
            stmt = stmt.where(SectionRow.revision == only_if_revision)
        with self._sessions.begin() as s:
            if changed_rows(s, stmt.values(**fields)) == 0:
                return None
            row = s.get(SectionRow, section_id)
            return _section(row) if row else None

    def add_section(self, project_id: str, scene: dict[str, Any], position: int | None) -> Section:
        """A pending section at `position` (clamped; None → at the end); later ones move down."""
        with self._sessions.begin() as s:
            rows = _section_rows(s, project_id)
            at = len(rows) if position is None else max(0, min(position, len(rows)))
            row = _new_section(project_id, at, scene, utcnow())
            rows.insert(at, row)
            s.add(row)
            _renumber(rows)
        section = self.get_section(row.id)
        assert section is not None
        return section

    def get_section(self, section_id: str) -> Section | None:
        with self._sessions() as s:
            row = s.get(SectionRow, section_id)
            return _section(row) if row else None

    def move_section(self, project_id: str, section_id: str, position: int) -> bool:
        with self._sessions.begin() as s:
            rows = _section_rows(s, project_id)
            row = _take(rows, section_id)
            if row is None:
                return False
            rows.insert(max(0, min(position, len(rows))), row)
            _renumber(rows)
            return True

    def delete_section(self, project_id: str, section_id: str) -> bool:
        with self._sessions.begin() as s:
            rows = _section_rows(s, project_id)
            row = _take(rows, section_id)
            if row is None:
                return False
            s.delete(row)
            s.flush()
            _renumber(rows)
            return True


def _new_section(project_id: str, position: int, scene: dict[str, Any], now: datetime) -> SectionRow:
    return SectionRow(
        id=new_id(SECTION),
        project_id=project_id,
        position=position,
        scene=scene,
        status=SectionStatus.PENDING.value,
        media=None,
        error=None,
        revision=0,
        updated_at=now,
    )


def _renumber(rows: list[SectionRow]) -> None:
    for position, row in enumerate(rows):
        row.position = position


def _section_rows(s: Session, project_id: str) -> list[SectionRow]:
    return list(
        s.scalars(
            select(SectionRow).where(SectionRow.project_id == project_id).order_by(SectionRow.position)
        ).all()
    )


def _take(rows: list[SectionRow], section_id: str) -> SectionRow | None:
    """Remove the section from its project's rows and return it; None when it is not there."""
    row = next((r for r in rows if r.id == section_id), None)
    if row is not None:
        rows.remove(row)
    return row


def _sections(s: Session, project_id: str) -> list[Section]:
    return [_section(r) for r in _section_rows(s, project_id)]


def _section(row: SectionRow) -> Section:
    return Section(
        id=row.id,
        project_id=row.project_id,
        position=row.position,
        scene=dict(row.scene or {}),
        status=SectionStatus(row.status),
        media=dict(row.media) if row.media else None,
        error=row.error,
        revision=row.revision or 0,
        updated_at=row.updated_at,
    )


def _project(row: ProjectRow, sections: list[Section]) -> Project:
    return Project(
        id=row.id,
        user_id=row.user_id,
        status=ProjectStatus(row.status),
        source=row.source,
        topic=row.topic,
        title=row.title,
        settings=dict(row.settings or {}),
        render=dict(row.render or {}),
        meta=dict(row.meta or {}),
        error=row.error,
        error_code=row.error_code,
        failures=list(row.failures or []),
        findings=list(row.findings or []),
        job_id=row.job_id,
        runs=row.runs or 0,
        files_deleted=bool(row.files_deleted),
        created_at=row.created_at,
        updated_at=row.updated_at,
        finished_at=row.finished_at,
        sections=sections,
    )
