"""The isolated renderer: HTML composition → frames → MP4. Knows nothing of models or HTTP.

from sandbox import BrowserPool, RenderOptions, render_to_file
async with BrowserPool(2) as pool:
    await render_to_file(html, Path("out.mp4"), RenderOptions(resolution="720p"), pool=pool)
"""

from .browser import BrowserKind, find_browser
from .composition import (
    CANONICAL_SIZES,
    PLACEHOLDER_NAME,
    Composition,
    declared_variables,
    parse_composition,
    placeholders,
    root_attributes,
    substitute_variables,
)
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
from .pool import BrowserPool
from .render import (
    PageErrorInfo,
    ProbeResult,
    RenderCancelled,
    RenderResult,
    capture_frame,
    probe_page,
    render_to_file,
)
from .render_options import QUALITIES, RESOLUTION_PATTERN, RenderOptions, default_workers, output_size

__all__ = [
    "CANONICAL_SIZES",
    "PLACEHOLDER_NAME",
    "QUALITIES",
    "RESOLUTION_PATTERN",
    "BrowserKind",
    "BrowserPool",
    "BrowserUnavailable",
    "Composition",
    "CompositionError",
    "EncodeError",
    "MissingVariablesError",
    "PageCrashed",
    "PageError",
    "PageErrorInfo",
    "ProbeResult",
    "RenderCancelled",
    "RenderError",
    "RenderOptions",
    "RenderResult",
    "RenderTimeout",
    "SeekTimeout",
    "capture_frame",
    "declared_variables",
    "default_workers",
    "find_browser",
    "output_size",
    "parse_composition",
    "placeholders",
    "probe_page",
    "render_to_file",
    "root_attributes",
    "substitute_variables",
]
