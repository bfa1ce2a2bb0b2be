"""Narrated storyboards: scenes → voice, captions, backgrounds → one composition + one soundtrack → MP4.

    board = storyboard_from_json(text, max_narration_seconds=300)    # or _from_text, write_storyboard
    result = await render_storyboard(board, StoryOutputs(Path("out.mp4")), settings=settings)

A storyboard compiles into ONE ordinary composition (compose.py), rendered by the sandbox
like any other page; the narration is mixed and muxed beside it (pipeline.py). The steps
(prepare_scenes → compile_storyboard → finish_storyboard) can also be run one by one.
"""

from .compose import caption_line_chars, compile_composition
from .errors import StoryError
from .inputs import (
    StoryboardInvalid,
    check_narration_length,
    estimated_narration_seconds,
    storyboard_from_data,
    storyboard_from_json,
    storyboard_from_text,
)
from .model import AiVisual, BackgroundSpec, Storyboard, storyboard_schema
from .pipeline import (
    CompiledStoryboard,
    StageTimes,
    StoryOutputs,
    StoryResult,
    compile_storyboard,
    finish_storyboard,
    render_storyboard,
)
from .scenes import PreparedScene, ProgressCallback, prepare_scene, prepare_scenes, storyboard_voice
from .script_writer import NoModelToWrite, StoryboardNotWritten, WrittenStoryboard, write_storyboard
from .splitting import StoryScene, expand_scenes, split_text
from .stages import PREPARED_STAGES, STAGE_LABELS, STAGE_WEIGHTS, Stage
from .timing import TimedScene, time_scenes

__all__ = [
    "PREPARED_STAGES",
    "STAGE_LABELS",
    "STAGE_WEIGHTS",
    "AiVisual",
    "BackgroundSpec",
    "CompiledStoryboard",
    "NoModelToWrite",
    "PreparedScene",
    "ProgressCallback",
    "Stage",
    "StageTimes",
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
    "compile_storyboard",
    "estimated_narration_seconds",
    "expand_scenes",
    "finish_storyboard",
    "prepare_scene",
    "prepare_scenes",
    "render_storyboard",
    "split_text",
    "storyboard_from_data",
    "storyboard_from_json",
    "storyboard_from_text",
    "storyboard_schema",
    "storyboard_voice",
    "time_scenes",
    "write_storyboard",
]
