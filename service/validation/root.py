"""The root element's contract (docs/composition.md): duration, aspect, frame rate and layout size.

The limits and number syntax are the renderer's own, from `sandbox` (the final judge, which
`static` asks too); here each problem gets its own code, line and fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bs4 import Tag

from sandbox import (
    ASPECTS,
    CANONICAL_SIZES,
    MAX_FPS,
    MAX_LAYOUT_SIDE,
    attribute_number,
    duration_problem,
    is_aspect,
)

from .codes import finding
from .findings import Finding
from .limits import ValidationLimits
from .source import Source

_ASPECTS = ", ".join(ASPECTS)


def check_root(root: Tag | None, src: Source, limits: ValidationLimits) -> list[Finding]:
    if root is None:
        return [
            finding(
                "missing-root",
                'there is no <html> element; wrap the document in <html data-duration="6" data-aspect="16:9">',
            )
        ]
    attrs = {k.lower(): v for k, v in root.attrs.items() if isinstance(v, str)}

    def line(name: str) -> int | None:
        return src.attr_line(root, name)

    out: list[Finding] = []
    out.extend(_duration(attrs.get("data-duration"), line("data-duration"), limits))
    aspect = (attrs.get("data-aspect") or "").strip()
    if aspect and not is_aspect(aspect):
        guess = re.sub(r"\s*[/x×]\s*", ":", aspect)
        hint = f' (did you mean "{guess}"?)' if is_aspect(guess) else ""
        out.append(
            finding(
                "invalid-aspect",
                f'data-aspect="{aspect}" is not supported{hint}: use one of {_ASPECTS}',
                line("data-aspect"),
            )
        )
    fps_raw = attrs.get("data-fps")
    if fps_raw is not None and fps_raw.strip():
        fps = attribute_number(fps_raw)
        if fps is None or not 1 <= fps <= MAX_FPS:
            out.append(
                finding(
                    "invalid-fps",
                    f'data-fps="{fps_raw}" is not a frame rate: use a number from 1 to {MAX_FPS:g} (e.g. 30)',
                    line("data-fps"),
                )
            )
    out.extend(_size(attrs, aspect, line))
    return out


def _duration(raw: str | None, line: int | None, limits: ValidationLimits) -> list[Finding]:
    if raw is None or not raw.strip():
        return [
            finding(
                "missing-duration",
                'the <html> element has no data-duration; add the length in seconds, e.g. data-duration="6"',
                line,
            )
        ]
    value = attribute_number(raw)
    if value is None:
        return [
            finding("invalid-duration", f'data-duration="{raw}" is not a number of seconds (e.g. "6")', line)
        ]
    problem = duration_problem(value, limits.max_duration, given=f'data-duration="{raw}"')
    return [finding("duration-out-of-range", problem, line)] if problem else []


def _size(attrs: dict[str, str], aspect: str, line: Callable[[str], int | None]) -> list[Finding]:
    w_raw, h_raw = attrs.get("data-width"), attrs.get("data-height")
    if w_raw is None and h_raw is None:
        return []
    where = line("data-width" if w_raw is not None else "data-height")
    if w_raw is None or h_raw is None:
        return [
            finding("invalid-size", "data-width and data-height go together: give both or neither", where)
        ]
    w, h = attribute_number(w_raw), attribute_number(h_raw)
    if w is None or h is None or not (16 <= w <= MAX_LAYOUT_SIDE and 16 <= h <= MAX_LAYOUT_SIDE):
        return [
            finding(
                "invalid-size",
                f'data-width="{w_raw}" data-height="{h_raw}" is not a layout size: use whole CSS pixels '
                f"from 16 to {MAX_LAYOUT_SIDE} (e.g. 1920 and 1080)",
                where,
            )
        ]
    if is_aspect(aspect):
        aw, ah = CANONICAL_SIZES[aspect]
        if abs(w / h - aw / ah) > 0.01 * aw / ah:
            return [
                finding(
                    "aspect-mismatch",
                    f"data-width/data-height ({w:g}x{h:g}) do not have the {aspect} shape of data-aspect; "
                    f"the layout size wins, so fix whichever is wrong (e.g. {aw}x{ah})",
                    where,
                )
            ]
    return []
