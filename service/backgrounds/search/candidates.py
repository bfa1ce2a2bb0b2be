"""What a media search answers: somewhere to get a picture, or why there is none."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Candidate:
    provider: str
    """Who found it, for messages ("GIPHY")."""
    url: str | None = None
    """Remote media: fetched through the SSRF guard like any user URL."""
    path: Path | None = None
    """A file in the local media folder, relative to it."""
    credit: str | None = None


@dataclass(frozen=True)
class Miss:
    provider: str
    reason: str
