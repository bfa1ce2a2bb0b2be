"""Narrated storyboards as a service: the `storyboard` job kind and projects with an approval step.

    service = ProjectService(settings, store, jobs, engine)     # engine: a StoryEngine
    project = await service.create(user_id, NewProject(topic="Rust in one minute"))
    ...                                                          # InProgress → NeedsApproval
    await service.edit_section(user_id, project.id, section_id, text="…")   # only it is voiced again
    await service.approve(user_id, project.id)                   # → Finalizing → Completed

The storyboard engine itself (voices, backgrounds, compiling, mixing) is reached only through
`StoryEngine` (engine.py); `PipelineEngine` (pipeline_engine.py) is the real one.
"""

from .engine import (
    NoScriptWriter,
    RenderedStory,
    SceneMedia,
    ScriptNotWritten,
    SourceRefused,
    StoryboardInvalid,
    StoryEngine,
    StoryFailed,
    StoryPreview,
)
from .errors import ActiveProjectExists, NotAllowedNow, ProjectNotFound, SectionNotFound, TopicTooLong
from .lifecycle import NewProject, ProjectService
from .sources import check_sources, check_url
from .story_job import STORYBOARD, StoryboardKind, job_output, submit_storyboard

__all__ = [
    "STORYBOARD",
    "ActiveProjectExists",
    "NewProject",
    "NoScriptWriter",
    "NotAllowedNow",
    "ProjectNotFound",
    "ProjectService",
    "RenderedStory",
    "SceneMedia",
    "ScriptNotWritten",
    "SectionNotFound",
    "SourceRefused",
    "StoryEngine",
    "StoryFailed",
    "StoryPreview",
    "StoryboardInvalid",
    "StoryboardKind",
    "TopicTooLong",
    "check_sources",
    "check_url",
    "job_output",
    "submit_storyboard",
]
