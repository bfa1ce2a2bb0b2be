"""Compile a timed storyboard into ONE ordinary composition (the HTML contract).

The page is a fixed template (page.html.j2) plus one JSON block holding the data: scene
times, backgrounds, frame lists, caption cues. Markup does not grow with the number of
scenes, so ~50 scenes stay well under the validator's size limit, and the page renders,
validates and previews like any other composition. Pictures are referenced by relative
path under `asset_prefix`; the renderer serves them from its `assets_dir`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files
from typing import Any
from urllib.parse import quote

import jinja2
import markupsafe

from sandbox import CANONICAL_SIZES
from service.backgrounds import PreparedBackground
from service.captions import Cue

from .model import Storyboard
from .timing import TimedScene

CROSSFADE = 0.3
"""Seconds of the crossfade between two scenes (shorter when a scene is shorter than twice that)."""
SAFE_INSET = 0.05
"""Captions stay this fraction of the frame away from every edge."""
GLYPH_EM = 0.6
"""A generous average glyph width (in em) for the bundled sans fonts at weight 600."""
_NUMBERED = re.compile(r"(.*?)(\d+)(\D*)")


def caption_line_chars(storyboard: Storyboard) -> int:
    """Characters per caption line that fit the safe area's width at the caption size."""
    style = storyboard.captions.style
    width = CANONICAL_SIZES[storyboard.aspect][0] * (1 - 2 * SAFE_INSET) - 0.9 * style.size
    return max(8, int(width / (GLYPH_EM * style.size)))


def compile_composition(
    storyboard: Storyboard,
    scenes: Sequence[TimedScene],
    backgrounds: Sequence[PreparedBackground],
    cues: Sequence[Cue],
    *,
    asset_prefix: str = "",
) -> str:
    """The composition HTML; `cues` are shown only when the storyboard's captions are enabled."""
    captions = storyboard.captions
    data = {
        "scenes": [
            {
                "s": _seconds(timed.start),
                "e": _seconds(timed.end),
                "f": _seconds(_fade(scenes, i)),
                "bg": _background(bg, asset_prefix),
            }
            for i, (timed, bg) in enumerate(zip(scenes, backgrounds, strict=True))
        ],
        "cues": [[_seconds(c.start), _seconds(c.end), c.text] for c in cues] if captions.enabled else [],
        "highlight": captions.enabled and captions.style.highlight is not None,
    }
    return _template().render(
        duration=_seconds(scenes[-1].end),
        aspect=storyboard.aspect,
        fps=storyboard.fps,
        title=_no_placeholders(storyboard.title or "Storyboard"),
        caption=captions.style,
        justify={"top": "flex-start", "center": "center", "bottom": "flex-end"}[captions.style.position],
        data=markupsafe.Markup(_script_json(data)),
    )


def _fade(scenes: Sequence[TimedScene], i: int) -> float:
    """The crossfade into scene i, centred on its start (none into the first scene)."""
    if i == 0:
        return 0.0
    return min(CROSSFADE, scenes[i - 1].duration / 2, scenes[i].duration / 2)


def _background(bg: PreparedBackground, prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if bg.color:
        out["c"] = bg.color
    if bg.kind == "gradient" and bg.css:
        out["css"] = bg.css
    if bg.kind in ("image", "frames") and bg.files:
        files = list(dict.fromkeys(bg.files))  # a repeated frame is one picture shown twice
        out["f"] = _frame_list([prefix + quote(name) for name in files])
        if len(files) != len(bg.files):
            out["seq"] = [files.index(name) for name in bg.files]
        out["fit"] = bg.fit
        if bg.kind == "frames" and bg.frame_duration:
            out["d"] = bg.frame_duration
        if bg.pan_zoom:
            out["pz"] = 1
    return out


def _frame_list(names: list[str]) -> list[str] | dict[str, Any]:
    """Numbered frames (x-000.png, x-001.png, …) as one pattern; anything else as the list."""
    matches = [_NUMBERED.fullmatch(name) for name in names]
    if len(names) < 3 or not all(matches):
        return names
    first = matches[0]
    assert first is not None
    pre, digits, suf = first.groups()
    start = int(digits)
    for k, m in enumerate(matches):
        assert m is not None
        if (m.group(1), m.group(3), len(m.group(2)), int(m.group(2))) != (pre, suf, len(digits), start + k):
            return names
    return {"pre": pre, "first": start, "n": len(names), "pad": len(digits), "suf": suf}


def _seconds(value: float) -> float:
    return round(value, 6)


def _script_json(data: object) -> str:
    """JSON that is safe inside <script>: no tag breaks, and no `{{` a placeholder scan could take."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("{{", "{\\u007b")
    )


def _no_placeholders(text: str) -> markupsafe.Markup:
    """Escaped text in which `{{$NAME}}` cannot appear (the renderer would take it for a placeholder)."""
    return (
        markupsafe.escape(text)
        .replace("{", markupsafe.Markup("&#123;"))
        .replace("}", markupsafe.Markup("&#125;"))
    )


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    source = files("service.storyboards").joinpath("page.html.j2").read_text(encoding="utf-8")
    return env.from_string(source)
