"""Settings from the environment (`SEEKREEL_*`, plus the providers' own key variables).

One `Settings` object is built per process (`get_settings()`); tests build their own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SEEKREEL_", extra="ignore")

    # Generation
    provider: str = "offline"
    model: str | None = None
    max_attempts: int = 3
    provider_timeout: float = 120.0
    provider_retries: int = 3
    openai_api_key: str | None = Field(
        None, validation_alias=AliasChoices("SEEKREEL_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("SEEKREEL_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    anthropic_api_key: str | None = Field(
        None, validation_alias=AliasChoices("SEEKREEL_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY")
    )
    anthropic_base_url: str | None = Field(
        None, validation_alias=AliasChoices("SEEKREEL_ANTHROPIC_BASE_URL", "ANTHROPIC_BASE_URL")
    )
    brand_colors: str | None = None
    """Comma-separated brand colours, e.g. '#ff6a00,#111827' — passed into prompts."""
    brand_fonts: str | None = None
    """Comma-separated brand font families, e.g. 'Inter,Noto Serif' — passed into prompts."""
    provider_max_tokens: int = 16000
    """Output limit per model answer (Anthropic requires one); a composition is at most ~12k tokens."""

    # Rendering
    workers: int | None = None
    seek_timeout: float = 10.0
    render_timeout: float = 900.0
    max_duration: float = 120.0
    default_duration: float = 6.0

    # Service
    data_dir: Path = Path.home() / ".local/share/seekreel"

    # Slack bot (service/slack): enabled when the signing secret is set
    slack_signing_secret: str | None = Field(
        None, validation_alias=AliasChoices("SEEKREEL_SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET")
    )
    slack_bot_token: str | None = Field(
        None, validation_alias=AliasChoices("SEEKREEL_SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN")
    )
    slack_api_url: str | None = Field(
        None, validation_alias=AliasChoices("SEEKREEL_SLACK_API_URL", "SLACK_API_URL")
    )
    """Slack Web API base URL; None → the SDK's default (Slack itself). Tests point it at a fake."""
    slack_resolution: str | None = "720p"
    """Output size of videos rendered for Slack (kept modest: they are watched inline)."""
    slack_fps: float | None = None
    public_base_url: str | None = None
    """Where people reach this service (e.g. https://seekreel.example.org); enables "Open in editor" links."""

    # HTTP service (service/api, service/jobs)
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str | None = None
    """SQLAlchemy URL (e.g. postgresql+psycopg://…); None → SQLite at <data_dir>/seekreel.db."""
    api_keys: str | None = None
    """Comma-separated API keys accepted as `Authorization: Bearer KEY`; none → the API is open."""
    oauth_clients: str | None = None
    """Comma-separated `client_id:client_secret` pairs for POST /oauth2/token (client credentials)."""
    token_secret: str | None = None
    """Signs OAuth2 access tokens; None → a random secret per process (tokens end with the process)."""
    token_ttl: int = 3600
    allow_open: bool = False
    """Serve on a non-loopback address with no keys configured (otherwise `serve` refuses)."""
    render_concurrency: int = 2
    """Renders running at once, sharing one warm browser pool."""
    queue_size: int = 16
    """Queued plus running jobs; beyond it new work is answered with 429."""
    job_workers: int = 1
    """Capture workers per job (a job's parallel browsers); keep low when several jobs run at once."""
    max_body_bytes: int = 10 * 1024 * 1024
    max_prompt_chars: int = 4000
    max_html_bytes: int = 2 * 1024 * 1024
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

    # Validation (service/validation)
    validation_max_bytes: int = 50_000
    """Largest composition (UTF-8 bytes) the validator passes (DESIGN §2)."""
    validation_max_elements: int = 2_000
    """Most elements a composition may have."""
    validation_seek_timeout: float = 5.0
    """Budget of each sample seek in the validator's runtime check."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
