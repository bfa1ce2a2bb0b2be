"""Narrated storyboards: scenes → voice, captions, backgrounds → one composition + one soundtrack → MP4.

    board = storyboard_from_json(text, max_narration_seconds=300)    # or _from_text, write_storyboard
    result = await render_storyboard(board, StoryOutputs(Path("out.mp4")), settings=settings)

A storyboard compiles into ONE ordinary composition (compose.py), rendered by the sandbox
like any other page; the narration is mixed and muxed beside it (pipeline.py).
"""

from .compose import caption_line_chars, compile_composition
from .inputs import (
    StoryboardInvalid,
    check_narration_length,
    estimated_narration_seconds,
    storyboard_from_data,
    storyboard_from_json,
    storyboard_from_text,
)
from .model import AiVisual, BackgroundSpec, Storyboard, storyboard_schema
from .parts import Parts, real_parts
from .pipeline import StoryError, StoryOutputs, StoryResult, render_storyboard
from .script_writer import NoModelToWrite, StoryboardNotWritten, WrittenStoryboard, write_storyboard
from .splitting import StoryScene, expand_scenes, split_text
from .timing import TimedScene, time_scenes

__all__ = [
    "AiVisual",
    "BackgroundSpec",
    "NoModelToWrite",
    "Parts",
    "StoryError",
    "StoryOutputs",
    "StoryResult",
    "StoryScene",
    "Storyboard",
    "StoryboardInvalid",
    "StoryboardNotWritten",
    "TimedScene",
    "WrittenStoryboard",
    "caption_line_chars",
    "check_narration_length",
    "compile_composition",
    "estimated_narration_seconds",
    "expand_scenes",
    "real_parts",
    "render_storyboard",
    "split_text",
    "storyboard_from_data",
    "storyboard_from_json",
    "storyboard_from_text",
    "storyboard_schema",
    "time_scenes",
    "write_storyboard",
]
