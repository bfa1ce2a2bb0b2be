"""Why a project operation was refused; each names what to do instead (the API maps them to 4xx)."""

from __future__ import annotations

from ..storage import ActiveProjectExists, ProjectStatus

__all__ = ["ActiveProjectExists", "NotAllowedNow", "ProjectNotFound", "SectionNotFound", "TopicTooLong"]


class ProjectNotFound(LookupError):
    """No such project — or it is another user's, which is the same thing to the caller."""

    def __init__(self, project_id: str) -> None:
        super().__init__(f"no project with id {project_id!r}")
        self.project_id = project_id


class SectionNotFound(LookupError):
    def __init__(self, project_id: str, section_id: str) -> None:
        super().__init__(f"project {project_id} has no section {section_id!r}")


class TopicTooLong(ValueError):
    """A topic is a prompt to the script writer: it is held to the prompt limit (`max_prompt_chars`)."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"the topic has {length:,} characters; this server accepts at most {limit:,}")
        self.limit = limit


class NotAllowedNow(Exception):
    """The project's status does not allow this (`code` says which rule)."""

    def __init__(self, code: str, message: str, status: ProjectStatus) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
