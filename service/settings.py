"""Settings from the environment (`SEEKREEL_*`, plus the providers' own key variables).

One `Settings` object is built per process (`get_settings()`); tests build their own.
Every field is listed, with its default, in docs/settings.md (tests/test_docs.py keeps the
two in step); its docstring becomes the field's description.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sandbox import SEGMENT_SECONDS, RenderOptions


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SEEKREEL_", extra="ignore", use_attribute_docstrings=True)

    # Generation
    provider: str = "offline"
    """Model provider when a request names none: offline, openai, anthropic or openai-compatible."""
    model: str | None = None
    """Model name when a request names none; None → the provider's own default."""
    max_attempts: int = 3
    """Write-and-repair rounds before a generation gives up with its findings."""
    provider_timeout: float = 120.0
    """Seconds one model request may take before it counts as failed (and is retried)."""
    provider_retries: int = 3
    """Retries of a model request after a timeout, a lost connection, 408/409/429 or a 5xx."""
    openai_api_key: str | None = Field(
        None, validation_alias=AliasChoices("SEEKREEL_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    """Key for the openai provider (optional for openai-compatible servers)."""
    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("SEEKREEL_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    """Server of the openai-compatible provider (Ollama, llama.cpp, vLLM), or a proxy for openai."""
    anthropic_api_key: str | None = Field(
        None, validation_alias=AliasChoices("SEEKREEL_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY")
    )
    """Key for the anthropic provider."""
    anthropic_base_url: str | None = Field(
        None, validation_alias=AliasChoices("SEEKREEL_ANTHROPIC_BASE_URL", "ANTHROPIC_BASE_URL")
    )
    """Another address for the Anthropic API (a proxy); None → the SDK's default."""
    brand_colors: str | None = None
    """Comma-separated brand colours, e.g. '#ff6a00,#111827' — passed into prompts."""
    brand_fonts: str | None = None
    """Comma-separated brand font families, e.g. 'Inter,Noto Serif' — passed into prompts."""
    provider_max_tokens: int = 16000
    """Output limit per model answer (Anthropic requires one); a composition is at most ~12k tokens."""

    # Rendering
    workers: int | None = None
    """Capture workers (browsers) of `seekreel generate`; None → one per core, at most 4."""
    seek_timeout: float = 10.0
    """Seconds one frame's seek (hf-seek listeners and their waitUntil promises) may take."""
    render_timeout: float = 900.0
    """Seconds a whole render may take."""
    max_duration: float = Field(default=120.0, gt=0)
    """Longest video, in seconds, that the validator, the CLI, the API and the Slack bot accept."""
    segment_seconds: float = Field(default=SEGMENT_SECONDS, ge=0.5, le=60)
    """Length render segments aim at (an even number of them, none under a second); the cut is part of the bytes."""
    default_duration: float = 6.0
    """Length a model is asked for when neither the request nor the prompt gives one."""

    # Render farm (service/farm): on when the broker URL is set
    broker_url: str | None = None
    """Redis URL of the render farm (redis://host:6379/0); None → every render runs in this process."""
    segment_store: Path | None = None
    """A folder every farm host mounts: rendered segments and the pages' files go there instead of Redis."""
    farm_wait: float = Field(default=60.0, gt=0)
    """Seconds a farm render waits for a live worker before it fails."""
    farm_soft_time_limit: float = Field(default=600.0, gt=0)
    """Seconds one segment task may take; then its browser and ffmpeg are killed and it fails."""
    farm_time_limit: float = Field(default=660.0, gt=0)
    """Hard limit of a segment task (above the soft one): its worker process group is killed."""
    farm_visibility_timeout: float = Field(default=3600.0, gt=0)
    """Seconds before Redis hands an unacknowledged task (its worker died) to another worker."""
    farm_max_tasks_per_child: int = Field(default=100, gt=0)
    """Segments a worker process renders before it is replaced by a fresh one (bounds leaks)."""
    farm_max_assets_bytes: int = Field(default=64 * 1024 * 1024, gt=0)
    """Largest total of the files beside a page that a farm render sends to its workers."""

    # Service
    data_dir: Path = Path.home() / ".local/share/seekreel"
    """Where the service keeps its SQLite database and rendered videos (and a farm worker its pages)."""
    videos_dir: Path | None = None
    """Finished jobs' videos; None → <data_dir>/videos. On a farm, one folder the API and workers all mount."""
    projects_dir: Path | None = None
    """Projects' prepared voices and backgrounds; None → <data_dir>/projects. On a farm, one folder
    the API processes and workers all mount (a worker renders what an API process prepared)."""

    # Slack bot (service/slack): enabled when the signing secret is set
    slack_signing_secret: str | None = Field(
        None, validation_alias=AliasChoices("SEEKREEL_SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET")
    )
    """Verifies that requests come from Slack; setting it mounts the Slack bot's routes."""
    slack_bot_token: str | None = Field(
        None, validation_alias=AliasChoices("SEEKREEL_SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN")
    )
    """The bot's `xoxb-` token, used to post messages and upload videos."""
    slack_api_url: str | None = Field(
        None, validation_alias=AliasChoices("SEEKREEL_SLACK_API_URL", "SLACK_API_URL")
    )
    """Slack Web API base URL; None → the SDK's default (Slack itself). Tests point it at a fake."""
    slack_resolution: str | None = "720p"
    """Output size of videos rendered for Slack (kept modest: they are watched inline)."""
    slack_fps: float | None = None
    """Frame rate of videos rendered for Slack; None → the composition's own."""
    public_base_url: str | None = None
    """Where people reach this service (e.g. https://seekreel.example.org); enables "Open in editor" links."""

    # HTTP service (service/api, service/jobs)
    host: str = "127.0.0.1"
    """Address `seekreel serve` listens on when --host is not given."""
    port: int = 8000
    """Port `seekreel serve` listens on when --port is not given."""
    database_url: str | None = None
    """SQLAlchemy URL (e.g. postgresql+psycopg://… shared by API processes); None → SQLite at <data_dir>/seekreel.db."""
    api_keys: str | None = None
    """Comma-separated API keys accepted as `Authorization: Bearer KEY`; none → the API is open."""
    oauth_clients: str | None = None
    """Comma-separated `client_id:client_secret` pairs for POST /oauth2/token (client credentials)."""
    token_secret: str | None = None
    """Signs OAuth2 access tokens; None → a random secret per process (tokens end with the process)."""
    token_ttl: int = 3600
    """Seconds an OAuth2 access token stays valid (at least 60)."""
    allow_open: bool = False
    """Serve on a non-loopback address with no keys configured (otherwise `serve` refuses)."""
    render_concurrency: int = 2
    """Renders running at once, sharing one warm browser pool."""
    queue_size: int = 16
    """Queued plus running jobs; beyond it new work is answered with 429."""
    job_workers: int = 1
    """Capture workers per job (a job's parallel browsers); keep low when several jobs run at once."""
    max_body_bytes: int = 10 * 1024 * 1024
    """Largest HTTP request body; beyond it the answer is 413."""
    max_prompt_chars: int = 4000
    """Longest prompt or revise instruction over HTTP, in characters."""
    max_html_bytes: int = 2 * 1024 * 1024
    """Largest HTML (UTF-8 bytes) a render or draft request may carry."""
    max_output_pixels: int = 1920 * 1080
    """Largest output picture (width × height) a request may ask for."""
    video_retention_hours: float = 24 * 7
    """Rendered videos of finished jobs are deleted after this long (the job record stays)."""

    # Narrated storyboards (service/storyboards)
    story_max_narration_seconds: float = 300.0
    """Longest narration a storyboard may have (estimated at 150 words a minute, then measured)."""
    story_max_video_seconds: float = 600.0
    """Longest storyboard video, pauses and minimum scene lengths included."""
    story_max_attempts: int = 3
    """Write/repair rounds when a model writes a storyboard from a topic."""
    story_concurrency: int = 2
    """Scenes voiced (and backgrounds prepared) at the same time."""

    # Narrated projects and the storyboard API (service/projects, service/api/compat)
    project_concurrency: int = 2
    """Project sections voiced and given their backgrounds at the same time, over all projects."""
    project_retention_hours: float = 24 * 7
    """A finished project's voices and backgrounds are deleted after this long (the record stays)."""
    signed_url_ttl: int = 24 * 3600
    """Seconds a signed download link (the storyboard API's `videoUrl`) works without a key."""
    review_link_ttl: int = 7 * 24 * 3600
    """Seconds an editor link the Slack bot gives the person who asked for a video opens that project."""

    # Validation (service/validation)
    validation_max_bytes: int = 50_000
    """Largest composition (UTF-8 bytes) the validator passes."""
    validation_max_elements: int = 2_000
    """Most elements a composition may have."""
    validation_seek_timeout: float = 5.0
    """Budget of each sample seek in the validator's runtime check."""

    # Narration (service/speech): Piper offline, OpenAI TTS hosted
    tts_cache_dir: Path = Path.home() / ".cache/seekreel/speech"
    """Synthesised narration, one WAV per (text, voice, settings, engine version); safe to delete."""
    tts_sentence_pause: float = 0.3
    """Silence inserted between the sentences of one narration, in seconds."""
    piper_threads: int = 1
    """ONNX Runtime threads per Piper synthesis (0 → one per core); output bytes do not depend on it."""
    openai_tts_model: str = "gpt-4o-mini-tts"
    """OpenAI speech model for voices of the `openai` provider."""
    openai_tts_voice: str = "alloy"
    """OpenAI voice used when a storyboard asks for the `openai` provider without naming a voice."""
    openai_tts_instructions: str | None = None
    """Speaking-style instructions sent with each OpenAI request (not supported by tts-1 models)."""
    openai_tts_concurrency: int = 4
    """Sentences of one narration synthesised at once by OpenAI."""
    # Fetching user URLs (service/safe_fetch): public addresses only, bounded in time and size
    fetch_allow_hosts: str = ""
    """Comma-separated `host:port` pairs exempt from the public-address rule (intranets, tests); empty → none."""
    fetch_max_bytes: int = 50 * 1024 * 1024
    """Largest body fetched from a URL; a bigger Content-Length is refused before reading."""
    fetch_timeout: float = 15.0
    """Seconds allowed to connect, and to wait for each read, per request."""
    fetch_deadline: float = 120.0
    """Seconds allowed for a whole fetch, redirects and body included (stops slow trickles)."""
    fetch_ca_bundle: Path | None = None
    """Extra PEM file of certificate authorities trusted for fetching (an intranet's own CA)."""

    # Scene backgrounds (service/backgrounds)
    background_max_pixels: int = 40_000_000
    """Largest source picture (width × height) decoded; bigger is refused (decompression bombs)."""
    background_max_side: int = 1920
    """Still backgrounds are scaled down to fit this many pixels on their longer side."""
    background_frames_max_side: int = 1280
    """Frames of animated backgrounds (GIF, video) are scaled down to fit this on their longer side."""
    background_max_frames: int = 300
    """Most distinct frames decoded from one animated background; the page loops what was decoded."""
    background_max_seconds: float = 20.0
    """Longest stretch of a GIF or video decoded; the page loops it."""
    background_video_fps: float = 15.0
    """Frames per second sampled from video backgrounds (lower when the video itself has fewer)."""
    media_search_providers: str = "giphy,pexels,local"
    """Order in which `search` backgrounds are looked up; providers without a key are skipped."""
    media_dir: Path | None = None
    """Folder of images, GIFs and videos for offline `search` backgrounds, matched by file-name words."""
    giphy_api_key: str | None = None
    """GIPHY API key for `search` backgrounds; None → GIPHY is skipped."""
    giphy_api_url: str = "https://api.giphy.com/v1"
    """GIPHY API base URL (tests point it at a fake)."""
    giphy_rating: str = "g"
    """Highest GIPHY content rating accepted (g, pg, pg-13, r)."""
    pexels_api_key: str | None = None
    """Pexels API key for `search` backgrounds; None → Pexels is skipped."""
    pexels_api_url: str = "https://api.pexels.com"
    """Pexels API base URL (photos under /v1, videos under /videos; tests point it at a fake)."""
    pexels_media: Literal["photos", "videos"] = "photos"
    """Whether Pexels is searched for photos or for short videos."""
    openai_image_model: str = "gpt-image-2"
    """OpenAI Images model for `ai` backgrounds (uses the OpenAI key and base URL above)."""
    openai_image_size: str | None = None
    """Size asked of the Images API (WIDTHxHEIGHT); None → by the storyboard's aspect, e.g. 1536x864 for 16:9."""

    def render_options(self, **chosen: Any) -> RenderOptions:
        """RenderOptions held to these settings (duration limit, timeouts, workers); `chosen` are the
        caller's choices (fps, resolution, workers, …), where None means "not chosen"."""
        options: dict[str, Any] = {
            "workers": self.workers,
            "seek_timeout": self.seek_timeout,
            "render_timeout": self.render_timeout,
            "max_duration": self.max_duration,
            "segment_seconds": self.segment_seconds,
        }
        options.update({name: value for name, value in chosen.items() if value is not None})
        return RenderOptions(**options)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
