"""Bodies of the storyboard routes and what a storyboard job adds to a job."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

EXAMPLE_STORYBOARD: dict[str, Any] = {
    "title": "Rust in one minute",
    "aspect": "16:9",
    "voice": {"provider": "piper", "name": "joe", "speed": 1.0},
    "captions": {"enabled": True, "style": {"size": 56, "position": "bottom", "max_lines": 2}},
    "scenes": [
        {"text": "Welcome to our video on Rust!", "background": {"color": "#0d1117"}},
        {"text": "It is fast, and it is safe.", "background": {"search": "rust memory safety"}},
    ],
}

STORYBOARD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "description": "A storyboard (docs/storyboards.md), or a transcript "
                           "`{\"video_transcript\": [{\"text\", \"gifHint\"}]}`."},
                "example": EXAMPLE_STORYBOARD,
            }
        },
    }
}  # fmt: skip
"""The body of POST /storyboards/render as OpenAPI shows it (the engine checks it)."""


class StageOut(BaseModel):
    name: str = Field(description="voicing, fetching, rendering or mixing.")
    done: int
    total: int


class StoryOutputsOut(BaseModel):
    """What a finished storyboard job made, besides the video."""

    captions_url: str = Field(description="WebVTT captions.")
    captions_srt_url: str = Field(description="The same captions as SRT.")
    audio_url: str = Field(description="The soundtrack (AAC in .m4a).")
    composition_url: str = Field(description="The composition that was rendered, with its assets beside it.")
    duration: float | None = Field(None, description="Seconds.")
    warnings: list[str] = Field(
        default_factory=list, description="E.g. a background that fell back to a colour."
    )
