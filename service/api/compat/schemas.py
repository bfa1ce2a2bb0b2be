"""The hosted storyboard API's request bodies, as its clients send them (camelCase).

Only what seekreel can honour is read; every other field is accepted and ignored (the list is
in docs/storyboard-api.md), so a client's request never fails for a field seekreel lacks.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel


def _integral(value: Any) -> Any:
    """JSON's 3.0 is the integer 3 (as JSON Schema counts it); strict mode alone would refuse it."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


Lines = Annotated[int, Field(ge=1, le=4), BeforeValidator(_integral)]
Pixels = Annotated[int, Field(ge=16, le=7680), BeforeValidator(_integral)]


class _Loose(BaseModel):
    """Unknown fields ignored; known ones held to their JSON types (strict: a `false` volume is an
    error, not 0)."""

    model_config = ConfigDict(extra="ignore", alias_generator=to_camel, strict=True)


class AiVoice(_Loose):
    speaker: str | None = None
    speed: float | None = Field(None, description="Percent of the voice's own rate: 50–200, 100 = as it is.")


class VoiceOver(_Loose):
    enabled: bool = True
    ai_voices: list[AiVoice] = Field(default_factory=list)


class FontStyle(_Loose):
    font_family: str | None = None
    font_size: float | None = None
    color: str | None = None
    background_color: str | None = None
    keyword_color: str | None = None
    position: str | None = Field(None, description="top-…, center-… or bottom-… (the 9-grid presets).")
    show_box_background: bool | None = None


class BackgroundMusic(_Loose):
    enabled: bool = True
    music_url: str | None = None
    volume: float | None = Field(None, ge=0, le=1)


class AiVisual(_Loose):
    prompt: str | None = None
    model: str | None = Field(None, description="Any name: the configured image provider makes the picture.")
    media_style: str | None = None


class SearchFilter(_Loose):
    query: str | None = None
    keywords: list[str] = Field(default_factory=list)


class BackgroundSettings(_Loose):
    zoom_and_pan: bool | None = None
    ken_burns_effect: bool | None = None


class Background(_Loose):
    type: Literal["image", "video"] | None = None
    visual_url: str | None = None
    color: str | None = None
    ai_visual: AiVisual | None = None
    search_filter: SearchFilter | None = None
    settings: BackgroundSettings | None = None


class Scene(_Loose):
    story: str | None = None
    create_scene_on_new_line: bool = False
    create_scene_on_end_of_sentence: bool = False
    minimum_duration: float | None = Field(None, ge=0)
    end_pause_duration: float | None = Field(None, ge=0)
    hide_subtitles: bool = False
    max_subtitle_lines: Lines | None = None
    background: Background | None = None


class StoryboardRequest(_Loose):
    """`POST /v2/video/storyboard[/render]`."""

    video_name: str | None = None
    aspect_ratio: str | None = None
    video_width: Pixels | None = None
    video_height: Pixels | None = None
    language: str | None = None
    webhook: str | None = Field(None, max_length=2000, description="Gets the final job body by POST.")
    voice_over: VoiceOver | None = None
    subtitle_style: FontStyle | None = None
    background_music: BackgroundMusic | None = None
    scenes: list[Scene] = Field(min_length=1)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "videoName": "rust-in-one-minute",
                    "aspectRatio": "16:9",
                    "voiceOver": {"enabled": True, "aiVoices": [{"speaker": "joe", "speed": 100}]},
                    "scenes": [
                        {"story": "Welcome to our video on Rust!", "background": {"color": "#0d1117"}},
                        {
                            "story": "It is fast. It is safe.",
                            "createSceneOnEndOfSentence": True,
                            "background": {
                                "type": "image",
                                "aiVisual": {"model": "flux-schnell", "mediaStyle": "cartoon"},
                            },
                        },
                    ],
                }
            ]
        }
    )


class RenderRequest(_Loose):
    """`PUT /v2/video/render/{storyboardJobId}` (the body is optional)."""

    webhook: str | None = Field(None, max_length=2000)
