"""The composition contract (docs/composition.md): root attributes, layout size, frame timing, variables.

Parsing here is deliberately small and regex-based on the root `<html>` tag: the renderer
must not depend on the validator's full parser, and the root tag is all it needs.
"""

from __future__ import annotations

import html as html_lib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeGuard, get_args

from .errors import CompositionError, MissingVariablesError

Aspect = Literal["16:9", "9:16", "1:1", "4:5"]
ASPECTS: tuple[Aspect, ...] = get_args(Aspect)
DEFAULT_ASPECT: Aspect = "16:9"
CANONICAL_SIZES: dict[Aspect, tuple[int, int]] = {
    "16:9": (1920, 1080),
    "9:16": (1080, 1920),
    "1:1": (1080, 1080),
    "4:5": (1080, 1350),
}
DEFAULT_FPS = 30.0
MAX_FPS = 120.0
MAX_LAYOUT_SIDE = 7680
MAX_DURATION = 600.0
"""The renderer's own bound on data-duration when the caller gives none; a service passes its setting."""

PLACEHOLDER_NAME = r"[A-Z][A-Z0-9_]*"
"""What a variable may be called: capitals, digits and _, starting with a capital."""
PLACEHOLDER_RE = re.compile(r"\{\{\$(" + PLACEHOLDER_NAME + r")\}\}")
_NAME_RE = re.compile(PLACEHOLDER_NAME)
_HTML_TAG_RE = re.compile(r"<html\b([^>]*)>", re.IGNORECASE)
_ATTR_RE = re.compile(r"""([\w:-]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_VARS_BLOCK_RE = re.compile(
    r"""<script\b[^>]*\bid\s*=\s*["']?hf-variables["']?[^>]*>(.*?)</script\s*>""",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class Composition:
    """A composition ready to render: variables substituted, timing and layout resolved."""

    html: str
    duration: float
    fps: float
    width: int
    height: int
    aspect: str

    @property
    def frame_count(self) -> int:
        return max(1, round(self.duration * self.fps))

    def time_of(self, frame: int) -> float:
        return frame / self.fps


def is_aspect(text: str) -> TypeGuard[Aspect]:
    """Whether `text` names an aspect the renderer has a canonical layout size for."""
    return text in CANONICAL_SIZES


def is_placeholder_name(name: str) -> bool:
    """Whether `{{$name}}` is a placeholder (a variable by any other name can never be used)."""
    return _NAME_RE.fullmatch(name) is not None


def duration_problem(
    seconds: float, max_duration: float = MAX_DURATION, *, given: str | None = None
) -> str | None:
    """The one rule for a video's length, in the one sentence every surface says it in: None when
    0 < seconds ≤ max_duration. `given`: the duration as the person wrote it (e.g.
    `data-duration='2'`); by default `duration 2 s`."""
    if 0 < seconds <= max_duration:
        return None
    return f"{given or f'duration {seconds:g} s'} is out of range: use 0 < seconds ≤ {max_duration:g}"


def attribute_number(raw: str) -> float | None:
    """A finite number as a root attribute may write it, a trailing "s" allowed ("6s"); None if not one."""
    try:
        value = float(raw.strip().removesuffix("s"))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def root_attributes(html: str) -> dict[str, str]:
    """The attributes of the root `<html>` tag (lower-cased names)."""
    m = _HTML_TAG_RE.search(html)
    if not m:
        return {}
    attrs: dict[str, str] = {}
    for am in _ATTR_RE.finditer(m.group(1)):
        value = am.group(2) if am.group(2) is not None else am.group(3) or am.group(4) or ""
        attrs[am.group(1).lower()] = html_lib.unescape(value)
    return attrs


def declared_variables(html: str) -> dict[str, str]:
    """Defaults from `<script type="application/json" id="hf-variables">`; {} when absent."""
    m = _VARS_BLOCK_RE.search(html)
    if not m:
        return {}
    try:
        data = json.loads(m.group(1))
    except ValueError as exc:
        raise CompositionError(f"the hf-variables block is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise CompositionError("the hf-variables block must be a JSON object of NAME: value")
    return {str(k): variable_text(v) for k, v in data.items()}


def placeholders(html: str) -> list[str]:
    """Placeholder names in order of first use, outside the hf-variables block."""
    body = _VARS_BLOCK_RE.sub("", html)
    seen: dict[str, None] = {}
    for m in PLACEHOLDER_RE.finditer(body):
        seen.setdefault(m.group(1), None)
    return list(seen)


def substitute_variables(html: str, variables: Mapping[str, object] | None = None) -> str:
    """Replace `{{$NAME}}` with HTML-escaped values: the request's, else the declared defaults.

    The hf-variables block itself is left as it is. Raises MissingVariablesError naming
    every placeholder that has no value.
    """
    values = declared_variables(html)
    values.update({k: variable_text(v) for k, v in (variables or {}).items()})
    missing = [name for name in placeholders(html) if name not in values]
    if missing:
        raise MissingVariablesError(missing)

    def fill(m: re.Match[str]) -> str:
        return html_lib.escape(values[m.group(1)], quote=True)

    parts: list[str] = []
    pos = 0
    for block in _VARS_BLOCK_RE.finditer(html):
        parts.append(PLACEHOLDER_RE.sub(fill, html[pos : block.start()]))
        parts.append(block.group(0))
        pos = block.end()
    parts.append(PLACEHOLDER_RE.sub(fill, html[pos:]))
    return "".join(parts)


def parse_composition(
    html: str,
    *,
    variables: Mapping[str, object] | None = None,
    fps: float | None = None,
    max_duration: float = MAX_DURATION,
) -> Composition:
    """Resolve a composition's duration, frame rate, layout size, and substitute its variables."""
    if not isinstance(html, str) or "<" not in html:
        raise CompositionError("this is not an HTML document")
    if not _HTML_TAG_RE.search(html):
        raise CompositionError("no <html> root element: a composition needs <html data-duration=…>")
    attrs = root_attributes(html)
    duration = _number(attrs, "data-duration", required=True)
    assert duration is not None
    problem = duration_problem(duration, max_duration, given=f"data-duration={attrs['data-duration']!r}")
    if problem:
        raise CompositionError(problem)
    aspect = attrs.get("data-aspect", DEFAULT_ASPECT).strip() or DEFAULT_ASPECT
    if not is_aspect(aspect):
        raise CompositionError(f"data-aspect={aspect!r} is not supported: use one of {', '.join(ASPECTS)}")
    width, height = CANONICAL_SIZES[aspect]
    w_attr, h_attr = _number(attrs, "data-width"), _number(attrs, "data-height")
    if w_attr is not None or h_attr is not None:
        if w_attr is None or h_attr is None:
            raise CompositionError("data-width and data-height go together: give both or neither")
        if not (16 <= w_attr <= MAX_LAYOUT_SIDE and 16 <= h_attr <= MAX_LAYOUT_SIDE):
            raise CompositionError(f"data-width/data-height must be between 16 and {MAX_LAYOUT_SIDE}")
        width, height = round(w_attr), round(h_attr)
    rate = fps if fps is not None else _number(attrs, "data-fps") or DEFAULT_FPS
    if not 1 <= rate <= MAX_FPS:
        raise CompositionError(f"frame rate {rate:g} is out of range: use 1 to {MAX_FPS:g} fps")
    return Composition(
        html=substitute_variables(html, variables),
        duration=duration,
        fps=float(rate),
        width=width,
        height=height,
        aspect=aspect,
    )


def _number(attrs: dict[str, str], name: str, *, required: bool = False) -> float | None:
    raw = attrs.get(name)
    if raw is None or raw.strip() == "":
        if required:
            raise CompositionError(f'the <html> root has no {name}: add e.g. {name}="6" (seconds)')
        return None
    value = attribute_number(raw)
    if value is None:
        raise CompositionError(f"{name}={raw!r} is not a number")
    return value


def variable_text(value: object) -> str:
    """The text a placeholder receives for a value: true/false, 42, 0.5, JSON for lists and objects."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return json.dumps(value)
