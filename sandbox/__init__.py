"""The isolated renderer: HTML composition → frames → MP4. Knows nothing of models or HTTP.

from sandbox import BrowserPool, RenderOptions, render_to_file
async with BrowserPool(2) as pool:
    await render_to_file(html, Path("out.mp4"), RenderOptions(resolution="720p"), pool=pool)

A render can also be taken apart — `plan_render` (no browser), `render_segment` for each
of the plan's segments (anywhere), `join_segments` — into the same bytes.

This module is the renderer's only door: everything a caller may use is named here, and
the submodules behind it may change.
"""

from .browser import BrowserKind, find_browser
from .composition import (
    ASPECTS,
    CANONICAL_SIZES,
    DEFAULT_ASPECT,
    DEFAULT_FPS,
    MAX_DURATION,
    MAX_FPS,
    MAX_LAYOUT_SIDE,
    PLACEHOLDER_NAME,
    PLACEHOLDER_RE,
    Aspect,
    Composition,
    attribute_number,
    declared_variables,
    duration_problem,
    is_aspect,
    is_placeholder_name,
    parse_composition,
    placeholders,
    root_attributes,
    substitute_variables,
    variable_text,
)
from .doctor import Check, run_checks
from .encode import encode_segments, ffmpeg_exe, join_segments
from .errors import (
    BrowserUnavailable,
    CompositionError,
    EncodeError,
    MissingVariablesError,
    PageCrashed,
    PageError,
    RenderError,
    RenderTimeout,
    SeekTimeout,
)
from .fonts import FAMILIES, TEXT_FAMILIES, FontFamily
from .isolation import asset_files
from .page import PageErrorInfo, TimerCall
from .pool import BrowserPool
from .render import (
    ProbeResult,
    RenderCancelled,
    RenderPlan,
    RenderResult,
    capture_frame,
    capture_frames,
    plan_render,
    probe_page,
    render_segment,
    render_to_file,
)
from .render_options import (
    QUALITIES,
    RESOLUTION_NAMES,
    RESOLUTION_PATTERN,
    SEGMENT_SECONDS,
    Quality,
    RenderOptions,
    default_workers,
    output_size,
)

__all__ = [
    "ASPECTS",
    "CANONICAL_SIZES",
    "DEFAULT_ASPECT",
    "DEFAULT_FPS",
    "FAMILIES",
    "MAX_DURATION",
    "MAX_FPS",
    "MAX_LAYOUT_SIDE",
    "PLACEHOLDER_NAME",
    "PLACEHOLDER_RE",
    "QUALITIES",
    "RESOLUTION_NAMES",
    "RESOLUTION_PATTERN",
    "SEGMENT_SECONDS",
    "TEXT_FAMILIES",
    "Aspect",
    "BrowserKind",
    "BrowserPool",
    "BrowserUnavailable",
    "Check",
    "Composition",
    "CompositionError",
    "EncodeError",
    "FontFamily",
    "MissingVariablesError",
    "PageCrashed",
    "PageError",
    "PageErrorInfo",
    "ProbeResult",
    "Quality",
    "RenderCancelled",
    "RenderError",
    "RenderOptions",
    "RenderPlan",
    "RenderResult",
    "RenderTimeout",
    "SeekTimeout",
    "TimerCall",
    "asset_files",
    "attribute_number",
    "capture_frame",
    "capture_frames",
    "declared_variables",
    "default_workers",
    "duration_problem",
    "encode_segments",
    "ffmpeg_exe",
    "find_browser",
    "is_aspect",
    "is_placeholder_name",
    "join_segments",
    "output_size",
    "parse_composition",
    "placeholders",
    "plan_render",
    "probe_page",
    "render_segment",
    "render_to_file",
    "root_attributes",
    "run_checks",
    "substitute_variables",
    "variable_text",
]
