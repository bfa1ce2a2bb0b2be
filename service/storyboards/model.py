"""The storyboard: what a narrated video is made of, as strict pydantic models.

Strict on purpose: a storyboard comes from people and from models, and a typo in a key
(`"backgroud"`) or a colour (`"#fff0000"`) should be an error naming the field, not a
silently ignored setting. The JSON Schema published by `seekreel story --schema` is
generated from these classes, so the descriptions here are the reference documentation.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from sandbox import DEFAULT_ASPECT, FAMILIES, Aspect
from service.safe_fetch import url_scheme

MAX_SCENES = 100
"""Scenes after splitting; ~50 scenes keep the compiled page well under the validator's size limit."""
MAX_SCENE_CHARS = 1500
MAX_TITLE_CHARS = 200
MAX_SOURCE_CHARS = 2048
DEFAULT_PALETTE = ("#0d1117", "#1e3a5f", "#3b1f4a", "#14532d", "#7c2d12")
"""Dark colours that white captions read on; scenes without a background take them in turn."""

Split = Literal["none", "sentence", "line"]
Fit = Literal["cover", "contain"]

_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_VOICE_NAME = re.compile(r"[A-Za-z0-9_.-]+")
CAPTION_FONTS = tuple(f.name for f in FAMILIES if "Emoji" not in f.name)


def _color(value: str) -> str:
    if not _HEX_COLOR.fullmatch(value):
        raise ValueError(f"{value!r} is not a colour: use hex, #rrggbb or #rrggbbaa (e.g. #0d1117)")
    return value.lower()


def _source(value: str) -> str:
    """An http(s) URL, or a local path (which only the CLI resolves); never data:, file:, ftp: …"""
    value = value.strip()
    if not value:
        raise ValueError("the source is empty: give an http(s) URL or a file path")
    scheme = url_scheme(value)
    if scheme is not None and scheme not in ("http", "https"):
        raise ValueError(f"{scheme}: URLs are not fetched: use an http(s) URL or a file path")
    return value


def _text(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("the text is empty: write what the narrator says")
    return value


def _font(value: str) -> str:
    for name in CAPTION_FONTS:
        if name.lower() == value.strip().lower():
            return name
    raise ValueError(f"font {value!r} is not bundled: use one of {', '.join(CAPTION_FONTS)}")


Color = Annotated[str, AfterValidator(_color)]
Source = Annotated[str, Field(max_length=MAX_SOURCE_CHARS), AfterValidator(_source)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class AiVisual(_Strict):
    """An image generated for the scene (OpenAI Images)."""

    prompt: str | None = Field(
        default=None, min_length=1, max_length=1000, description="What to draw; absent → the scene's text."
    )
    style: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Style words appended to the prompt, e.g. 'cartoon'.",
    )


class BackgroundSpec(_Strict):
    """Exactly one of `color`, `src`, `ai`, `search`; `fit` and `pan_zoom` apply to pictures."""

    color: Color | None = Field(default=None, description="A solid colour, hex: #rrggbb or #rrggbbaa.")
    src: Source | None = Field(
        default=None,
        description="An image, animated GIF or short video: an http(s) URL, or (CLI only) a local path.",
    )
    fit: Fit = Field(default="cover", description="cover: fill the frame, cropping; contain: show it whole.")
    pan_zoom: bool = Field(default=False, description="A slow pan and zoom over a still picture.")
    ai: AiVisual | None = Field(default=None, description="Generate an image for the scene.")
    search: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Keywords for a media search (GIPHY, Pexels, or the local media folder offline).",
    )

    @model_validator(mode="after")
    def _one_kind(self) -> BackgroundSpec:
        given = [name for name in ("color", "src", "ai", "search") if getattr(self, name) is not None]
        if len(given) != 1:
            said = f"got {', '.join(given)}" if given else "got none"
            raise ValueError(f"give exactly one of color, src, ai or search ({said})")
        if self.color is not None and (self.fit != "cover" or self.pan_zoom):
            raise ValueError("fit and pan_zoom apply to pictures (src, ai, search), not to a color")
        return self


class Voice(_Strict):
    provider: Literal["piper", "openai"] = Field(
        default="piper", description="piper: offline, bundled voice; openai: OpenAI TTS (needs a key)."
    )
    name: str = Field(
        default="joe",
        min_length=1,
        max_length=64,
        pattern=_VOICE_NAME.pattern,
        description="A voice of that provider (`seekreel voices` lists them).",
    )
    speed: float = Field(default=1.0, ge=0.5, le=2.0, description="Speaking rate; 1 is the voice's own.")


class CaptionStyle(_Strict):
    font: Annotated[str, AfterValidator(_font)] = Field(
        default="Inter", description=f"A bundled family: {', '.join(CAPTION_FONTS)}."
    )
    size: int = Field(
        default=56, ge=16, le=160, description="Text size in px of the layout (1920×1080 for 16:9)."
    )
    color: Color = Field(default="#ffffff", description="Text colour.")
    background: Color | None = Field(
        default="#000000aa",
        description="Box behind the text (alpha allowed); null → no box, an outline instead.",
    )
    position: Literal["top", "bottom", "center"] = "bottom"
    max_lines: int = Field(default=2, ge=1, le=4, description="Longer sentences are cut into several cues.")
    highlight: Color | None = Field(
        default=None, description="Colour of the word being spoken; null → no highlight."
    )


class Captions(_Strict):
    enabled: bool = Field(
        default=True, description="Burn captions into the picture (sidecar files are separate)."
    )
    style: CaptionStyle = Field(default_factory=CaptionStyle)


class Music(_Strict):
    src: Source = Field(description="An audio file: http(s) URL, or (CLI only) a local path.")
    volume: float = Field(default=0.15, ge=0.0, le=1.0, description="Level of the bed under the voice.")


class Scene(_Strict):
    text: Annotated[str, Field(max_length=MAX_SCENE_CHARS), AfterValidator(_text)] = Field(
        description="What the narrator says in this scene; also the captions."
    )
    background: BackgroundSpec | None = Field(
        default=None, description="Absent → a colour from the storyboard's palette."
    )
    min_duration: float = Field(default=0.0, ge=0.0, le=60.0, description="Seconds the scene lasts at least.")
    pause_after: float = Field(
        default=0.3, ge=0.0, le=10.0, description="Silence after the narration, seconds."
    )
    split: Split | None = Field(default=None, description="Override the storyboard's split for this scene.")


class Storyboard(_Strict):
    """A narrated video: scenes (text + background), a voice, captions and optional music."""

    title: str = Field(default="", max_length=MAX_TITLE_CHARS)
    aspect: Aspect = DEFAULT_ASPECT
    fps: int = Field(default=30, ge=1, le=60)
    voice: Voice = Field(default_factory=Voice)
    captions: Captions = Field(default_factory=Captions)
    music: Music | None = None
    split: Split = Field(
        default="none", description="Make one scene per sentence or per line of each scene's text."
    )
    palette: list[Color] = Field(
        default=list(DEFAULT_PALETTE),
        min_length=1,
        max_length=12,
        description="Colours for scenes without a background, and for fallbacks when one cannot be had.",
    )
    scenes: list[Scene] = Field(min_length=1, max_length=MAX_SCENES)


def storyboard_schema() -> dict[str, object]:
    """The JSON Schema of a storyboard (what `seekreel story --schema` prints)."""
    schema = Storyboard.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
