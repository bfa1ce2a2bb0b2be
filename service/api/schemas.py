"""Request and response bodies of the HTTP API, with the examples shown at /docs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sandbox import DEFAULT_FPS, MAX_FPS

from .fields import (
    Aspect,
    HtmlText,
    PromptText,
    ProviderName,
    Quality,
    Resolution,
    Seconds,
    Variables,
    VersionNumber,
)
from .storyboard_schemas import StageOut, StoryOutputsOut

EXAMPLE_HTML = """<!doctype html>
<html data-duration="2" data-aspect="16:9">
<head><script type="application/json" id="hf-variables">{"TITLE": "Frame by Frame"}</script>
<style>body{margin:0;background:#0d1117;color:#f4f1ea;font:800 120px Inter;display:grid;place-items:center}</style>
</head>
<body><h1 id="t">{{$TITLE}}</h1>
<script>
  function render(t) { document.getElementById('t').style.opacity = Math.min(1, t); }
  addEventListener('hf-seek', e => render(e.detail.time));
  render(0);
</script>
</body></html>"""


class _Strict(BaseModel):
    """Unknown fields are an error: a typo like `resoluton` should not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


class RenderSettings(_Strict):
    fps: float | None = Field(
        None, ge=1, le=MAX_FPS, description=f"Frames per second; default: data-fps, else {DEFAULT_FPS:g}."
    )
    resolution: Resolution | None = None
    quality: Quality = "standard"
    variables: Variables = Field(
        default_factory=dict, description="Values for {{$NAME}} placeholders (override the defaults)."
    )


class RenderRequest(RenderSettings):
    html: HtmlText

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"html": EXAMPLE_HTML, "variables": {"TITLE": "Hello"}, "resolution": "720p", "fps": 30}
            ]
        }
    )


class GenerationSettings(_Strict):
    duration: Seconds | None = Field(
        None, description="Seconds; default: from the prompt, else the server's."
    )
    aspect: Aspect | None = Field(None, description="Default: from the prompt, else 16:9.")
    provider: ProviderName | None = Field(
        None, description="The providers this server has configured; default: its own.", examples=["offline"]
    )
    model: str | None = None


class AiRenderRequest(RenderSettings, GenerationSettings):
    prompt: PromptText = Field(description="What the video should show.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "prompt": "A 6-second title card for a podcast called 'Frame by Frame', episode 42, "
                    "dark background, orange accent",
                    "duration": 6,
                    "aspect": "16:9",
                    "resolution": "720p",
                }
            ]
        }
    )


class DraftCreate(GenerationSettings):
    """Either a prompt (the generation loop writes the HTML) or HTML of your own."""

    prompt: PromptText | None = Field(None, description="Generate the first version from this prompt.")
    html: HtmlText | None = Field(None, description="Start from this HTML instead.")
    variables: Variables = Field(default_factory=dict)
    title: str | None = Field(None, max_length=200)

    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [  # exactly one source; null counts as not given
                {"required": ["prompt"], "properties": {"prompt": {"type": "string"}}},
                {"required": ["html"], "properties": {"html": {"type": "string"}}},
            ],
            "examples": [
                {"prompt": "A lower third for Kira Tanaka, host, teal accent", "duration": 5},
                {"html": EXAMPLE_HTML, "title": "My title card"},
            ],
        }
    )

    @model_validator(mode="after")
    def _one_source(self) -> DraftCreate:
        if (self.prompt is None) == (self.html is None):
            raise ValueError("give exactly one of prompt or html")
        return self


class DraftUpdate(_Strict):
    html: HtmlText
    variables: Variables | None = Field(
        None, description="Variable values to save; omitted → keep the current ones."
    )


class DraftRevise(_Strict):
    instruction: PromptText = Field(examples=["make the background deep blue"])
    provider: ProviderName | None = None
    model: str | None = None


class DraftRenderRequest(RenderSettings):
    version: VersionNumber | None = Field(None, description="Render this version; default: the current one.")
    # Narrows RenderSettings' `variables` to optional (None: the draft's own); pydantic allows
    # the override, mypy cannot see that it is one.
    variables: Variables | None = Field(None, description="Override the draft's saved variable values.")  # type: ignore[assignment]


class FindingOut(BaseModel):
    code: str
    severity: Literal["error", "warning"]
    message: str
    line: int | None = None


class VersionSummary(BaseModel):
    number: int
    source: str = Field(description="prompt, html, edit, revise or restore")
    note: str | None
    created_at: datetime
    ok: bool = Field(description="No error findings.")
    errors: int
    warnings: int


class VersionOut(VersionSummary):
    html: str
    variables: dict[str, str]
    findings: list[FindingOut]


class DraftOut(BaseModel):
    id: str
    title: str
    prompt: str | None
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="The current version's number.")
    version_count: int
    html: str
    variables: dict[str, str] = Field(description="Saved values (they override the HTML's defaults).")
    defaults: dict[str, str] = Field(description="Defaults declared in the hf-variables block.")
    placeholders: list[str] = Field(description="{{$NAME}} placeholders the HTML uses.")
    findings: list[FindingOut]
    ok: bool
    source: str
    note: str | None
    editor_url: str
    generation: dict[str, Any] | None = Field(
        None, description="When this version came from a model: provider, model and every attempt's findings."
    )


class DraftSummary(BaseModel):
    id: str
    title: str
    updated_at: datetime
    version: int
    ok: bool


class JobOut(BaseModel):
    id: str
    kind: Literal["html", "storyboard"] = Field("html", description="What the job makes.")
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    stage: StageOut | None = Field(None, description="While running: the stage and its progress.")
    frames_done: int
    frames_total: int
    progress: float = Field(description="0 to 1 (over every stage of a storyboard job).")
    error: str | None
    error_code: str | None
    draft_id: str | None
    draft_version: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    video_bytes: int | None
    video_url: str | None = Field(description="Set once the job succeeded.")
    events_url: str
    story: StoryOutputsOut | None = Field(None, description="A finished storyboard job's other outputs.")


class TokenRequest(BaseModel):
    """The token endpoint's form (RFC 6749 §4.4); the client may authenticate with HTTP Basic instead."""

    grant_type: Literal["client_credentials"]
    client_id: str = ""
    client_secret: str = ""


class OAuthErrorOut(BaseModel):
    """OAuth2's own error shape (RFC 6749 §5.2), used by the token endpoint only."""

    error: Literal["invalid_request", "unsupported_grant_type", "invalid_client"]
    error_description: str


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int


class ErrorBody(BaseModel):
    code: str = Field(examples=["invalid_request"])
    message: str = Field(examples=["fps: Input should be less than or equal to 120"])


class ErrorOut(BaseModel):
    error: ErrorBody


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the JSON errors a route can answer with."""
    text = {
        400: "Bad input (malformed JSON, wrong types, a composition that breaks the contract).",
        401: "Missing or invalid API key / token.",
        403: "A signed link that has expired or is not valid.",
        404: "Unknown id.",
        409: "Not possible in the current state.",
        410: "The video or the files were deleted after the retention period.",
        413: "Body, prompt or HTML over this server's limit.",
        422: "Checked and failed: the findings (and, for generation, every attempt) are in the body.",
        429: "The render queue is full: retry after the Retry-After seconds.",
        500: "The render failed through no fault of the composition.",
        503: "The renderer (browser) or the model provider is unavailable.",
    }
    return {s: {"model": ErrorOut, "description": text[s]} for s in statuses}
