"""Bodies of the project routes: a narrated storyboard with an approval step."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .fields import Aspect, PromptText, Quality, Resolution
from .storyboard_schemas import EXAMPLE_STORYBOARD

ProjectStatusName = Literal["InProgress", "NeedsApproval", "Finalizing", "Completed", "Failed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProjectCreate(_Strict):
    """Exactly one of `topic` (the configured model writes the script), `text` (one section per
    paragraph) or `storyboard`; the other fields override what the storyboard says."""

    topic: PromptText | None = Field(None, description="What the video is about.")
    text: str | None = Field(None, min_length=1, description="The narration, one paragraph per section.")
    storyboard: dict[str, Any] | None = Field(None, description="A storyboard, or a `video_transcript`.")
    title: str | None = Field(None, max_length=200)
    aspect: Aspect | None = None
    voice: dict[str, Any] | None = Field(None, examples=[{"provider": "piper", "name": "joe", "speed": 1.0}])
    captions: dict[str, Any] | None = Field(
        None, examples=[{"enabled": True, "style": {"position": "bottom"}}]
    )
    music: dict[str, Any] | None = Field(
        None, examples=[{"src": "https://example.org/bed.mp3", "volume": 0.15}]
    )
    split: Literal["none", "sentence", "line"] | None = Field(
        None, description="One section per sentence or line."
    )
    resolution: Resolution | None = None
    quality: Quality = "standard"

    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [  # exactly one source; null counts as not given
                {"required": ["topic"], "properties": {"topic": {"type": "string"}}},
                {"required": ["text"], "properties": {"text": {"type": "string"}}},
                {"required": ["storyboard"], "properties": {"storyboard": {"type": "object"}}},
            ],
            "examples": [
                {"topic": "Rust in one minute", "aspect": "16:9"},
                {"text": "Welcome to our video on Rust!\n\nIt is fast, and it is safe.", "split": "sentence"},
                {"storyboard": EXAMPLE_STORYBOARD, "resolution": "720p"},
            ],
        }
    )

    @model_validator(mode="after")
    def _one_source(self) -> ProjectCreate:
        given = [name for name in ("topic", "text", "storyboard") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of topic, text or storyboard (got {', '.join(given) or 'none'})"
            )
        return self

    def storyboard_options(self) -> dict[str, Any]:
        return self.model_dump(
            include={"title", "aspect", "voice", "captions", "music", "split"}, exclude_none=True
        )


class _SectionChange(_Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "not": {  # hint and background are two ways to say the same thing: one at most
                "required": ["hint", "background"],
                "properties": {"hint": {"type": "string"}, "background": {"type": "object"}},
            }
        }
    )

    hint: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="Search keywords for the background (sets `background`).",
    )
    background: dict[str, Any] | None = Field(
        None, description="A background: {color} | {src} | {ai: {prompt, style}} | {search}."
    )
    position: int | None = Field(None, ge=0, description="Where the section goes (0 = first).")

    @model_validator(mode="after")
    def _hint_or_background(self) -> _SectionChange:
        if self.hint is not None and self.background is not None:
            raise ValueError("give hint or background, not both")
        return self

    def new_background(self) -> dict[str, Any] | None:
        return {"search": self.hint} if self.hint is not None else self.background


class SectionPatch(_SectionChange):
    """New text → only this section is voiced again; a new background → only it is fetched again."""

    text: str | None = Field(None, min_length=1)


class SectionCreate(_SectionChange):
    text: str = Field(min_length=1)


class SectionOut(BaseModel):
    id: str
    position: int
    text: str
    hint: str | None = Field(description="The background's search keywords, when it is a search.")
    background: dict[str, Any] | None = Field(description="What was asked for.")
    status: Literal["pending", "ready", "failed"]
    error: str | None
    audio_url: str | None = Field(description="The section's narration (WAV) once it is ready.")
    audio_duration: float | None = Field(description="Seconds.")
    background_url: str | None = Field(description="The background's (first) picture; none for a colour.")
    background_kind: str | None = Field(description="color, gradient, image or frames.")
    background_color: str | None
    warnings: list[str]


class ProjectSummary(BaseModel):
    id: str
    title: str
    topic: str | None
    status: ProjectStatusName
    error: str | None
    created_at: datetime
    updated_at: datetime


class ProjectOut(ProjectSummary):
    user_id: str
    source: Literal["topic", "text", "storyboard"]
    error_code: str | None
    failures: list[dict[str, Any]] = Field(description="Per section, what failed.")
    findings: list[str] = Field(
        description="What was wrong with the model's last script, when it never was valid."
    )
    finished_at: datetime | None
    settings: dict[str, Any] = Field(description="The storyboard without its scenes (voice, captions, …).")
    sections: list[SectionOut]
    job_id: str | None = Field(description="The render job, once approved.")
    events_url: str | None = Field(description="The render's progress (server-sent events), once approved.")
    video_url: str | None = Field(description="Once Completed.")
    captions_url: str | None = Field(description="WebVTT, once Completed.")
    captions_srt_url: str | None
    composition_url: str | None
