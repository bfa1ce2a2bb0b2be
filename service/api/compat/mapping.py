"""The hosted storyboard API's request → a seekreel storyboard (docs/storyboard-api.md has the table).

Pure: no I/O. What cannot be honoured exactly becomes a warning (logged with the job), never
an error, so a client written for the hosted service keeps working; what cannot be used at
all (a scene without a story) is an error naming the client's own field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox import CANONICAL_SIZES

from ...projects import StoryboardInvalid
from .schemas import Background, FontStyle, Scene, StoryboardRequest, VoiceOver

VoiceLookup = Callable[[str], dict[str, Any] | None]
"""A speaker name → a storyboard voice ({provider, name}), or None when there is no such voice."""

_RGB = re.compile(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)", re.I)
CAPTION_SIZE = (16, 160)
SPEED = (0.5, 2.0)


@dataclass
class Mapped:
    storyboard: dict[str, Any]
    resolution: str | None = None
    warnings: list[str] = field(default_factory=list)


def to_storyboard(request: StoryboardRequest, *, voice_lookup: VoiceLookup) -> Mapped:
    missing = [f"scenes[{i}].story: required (seekreel narrates every scene)" for i, s in enumerate(request.scenes)
               if not (s.story or "").strip()]  # fmt: skip
    if missing:
        raise StoryboardInvalid(missing)
    out = Mapped(storyboard={"title": (request.video_name or "")[:200]})
    board = out.storyboard
    board["aspect"], out.resolution = _size(request, out.warnings)
    voice = _voice(request.voice_over, voice_lookup, out.warnings)
    if voice:
        board["voice"] = voice
    board["captions"] = _captions(request, out.warnings)
    music = request.background_music
    if music is not None and music.enabled and music.music_url:
        board["music"] = {"src": music.music_url, "volume": 0.15 if music.volume is None else music.volume}
    if request.language and not request.language.lower().startswith("en"):
        out.warnings.append(f"language {request.language!r}: the voice reads the text as it is written")
    board["scenes"] = [_scene(i, scene, out.warnings) for i, scene in enumerate(request.scenes)]
    return out


def color(value: str) -> str:
    """`rgb(r,g,b)` / `rgba(r,g,b,a)` → `#rrggbb[aa]`; hex (and anything else) as it is."""
    m = _RGB.fullmatch(value.strip())
    if not m:
        return value.strip()
    r, g, b = (max(0, min(255, round(float(x)))) for x in m.groups()[:3])
    alpha = m.group(4)
    tail = f"{max(0, min(255, round(float(alpha) * 255))):02x}" if alpha is not None else ""
    return f"#{r:02x}{g:02x}{b:02x}{tail}"


def _size(request: StoryboardRequest, warnings: list[str]) -> tuple[str, str | None]:
    """(aspect, resolution): aspectRatio as it is; videoWidth × videoHeight → the nearest aspect,
    rendered at exactly that size when it fits the aspect."""
    if request.aspect_ratio in CANONICAL_SIZES:
        return request.aspect_ratio, None
    if request.aspect_ratio:
        warnings.append(
            f"aspectRatio {request.aspect_ratio!r} is not one of {', '.join(CANONICAL_SIZES)}; used 16:9"
        )
    w, h = request.video_width, request.video_height
    if not (w and h):
        return "16:9", None
    aspect = min(CANONICAL_SIZES, key=lambda a: abs(CANONICAL_SIZES[a][0] / CANONICAL_SIZES[a][1] - w / h))
    lw, lh = CANONICAL_SIZES[aspect]
    fitted = 2 * round(w * lh / lw / 2)
    if abs(fitted - h) > 2:
        warnings.append(f"videoWidth×videoHeight {w}x{h} is not {aspect}; rendered at {w}x{fitted}")
    return aspect, f"{w}x{fitted}"


def _voice(voice_over: VoiceOver | None, lookup: VoiceLookup, warnings: list[str]) -> dict[str, Any] | None:
    if voice_over is None:
        return None
    if not voice_over.enabled:
        warnings.append("voiceOver.enabled is false: seekreel narrates every video (the default voice)")
        return None
    if not voice_over.ai_voices:
        return None
    chosen = voice_over.ai_voices[0]
    voice: dict[str, Any] = {}
    if chosen.speaker:
        found = lookup(chosen.speaker)
        if found is None:
            warnings.append(
                f"speaker {chosen.speaker!r} is not a voice of this server; used the default voice"
            )
        else:
            voice.update(found)
    if chosen.speed is not None:
        voice["speed"] = max(SPEED[0], min(SPEED[1], chosen.speed / 100))
    if len(voice_over.ai_voices) > 1:
        warnings.append("voiceOver.aiVoices: only the first voice is used")
    return voice or None


def _captions(request: StoryboardRequest, warnings: list[str]) -> dict[str, Any]:
    hidden = [s.hide_subtitles for s in request.scenes]
    if any(hidden) and not all(hidden):
        warnings.append("hideSubtitles on some scenes only: captions are shown on every scene")
    style: dict[str, Any] = _caption_style(request.subtitle_style) if request.subtitle_style else {}
    lines = next((s.max_subtitle_lines for s in request.scenes if s.max_subtitle_lines), None)
    if lines:
        style["max_lines"] = lines
    return {"enabled": not all(hidden), **({"style": style} if style else {})}


def _caption_style(font: FontStyle) -> dict[str, Any]:
    style: dict[str, Any] = {}
    if font.font_size is not None:
        style["size"] = max(CAPTION_SIZE[0], min(CAPTION_SIZE[1], round(font.font_size)))
    if font.color:
        style["color"] = color(font.color)
    if font.background_color:
        style["background"] = color(font.background_color)
    if font.show_box_background is False:
        style["background"] = None
    if font.keyword_color:
        style["highlight"] = color(font.keyword_color)
    if font.position:
        vertical = font.position.split("-")[0].lower()
        if vertical in ("top", "center", "bottom"):
            style["position"] = vertical
    return style


def _scene(index: int, scene: Scene, warnings: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"text": (scene.story or "").strip()}
    if scene.create_scene_on_end_of_sentence:
        out["split"] = "sentence"
    elif scene.create_scene_on_new_line:
        out["split"] = "line"
    if scene.minimum_duration is not None:
        out["min_duration"] = scene.minimum_duration
    if scene.end_pause_duration is not None:
        out["pause_after"] = scene.end_pause_duration
    if scene.background is not None:
        background = _background(index, scene.background, warnings)
        if background:
            out["background"] = background
    return out


def _background(index: int, bg: Background, warnings: list[str]) -> dict[str, Any] | None:
    moving = bool(bg.settings and (bg.settings.zoom_and_pan or bg.settings.ken_burns_effect))
    picture: dict[str, Any] = {"pan_zoom": True} if moving else {}
    if bg.visual_url:
        return {"src": bg.visual_url, **picture}
    if bg.color:
        return {"color": color(bg.color)}
    if bg.ai_visual is not None:
        if bg.type == "video":
            warnings.append(f"scenes[{index}].background: an AI video is made as a still image")
        ai = {
            k: v for k, v in {"prompt": bg.ai_visual.prompt, "style": bg.ai_visual.media_style}.items() if v
        }
        return {"ai": ai, **picture}
    if bg.search_filter is not None:
        words = bg.search_filter.query or " ".join(bg.search_filter.keywords)
        if words.strip():
            return {"search": words.strip()[:200], **picture}
    return None
