"""What projects and storyboard jobs need of the storyboard engine, as one interface.

The engine (script writing, voices, backgrounds, compiling, rendering with sound) lives in
service/storyboards, service/speech, service/backgrounds and service/safe_fetch; the only
module that calls into them is pipeline_engine.py, which implements `StoryEngine`. Everything
here speaks plain JSON storyboards (the documented storyboard format) and `SceneMedia`, which
can be stored in the database and handed back later — a project voices its sections long
before they are rendered, possibly in another process.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sandbox import BrowserPool, RenderOptions

Storyboard = dict[str, Any]
"""A storyboard as JSON: title, aspect, fps, voice, captions, music, split, palette, scenes."""

StageProgress = Callable[[str, int, int], None]
"""(stage, done, total) with stages voicing, fetching, rendering, mixing."""


class StoryboardInvalid(ValueError):
    """The storyboard cannot be used; `problems` are lines naming the field path or scene."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems) or ["the storyboard is not valid"]
        more = len(self.problems) - 1
        super().__init__(self.problems[0] + (f" (and {more} more)" if more else ""))


class ScriptNotWritten(Exception):
    """The model never answered with a valid storyboard; `problems` are the last answer's."""

    def __init__(self, message: str, problems: Sequence[str]) -> None:
        super().__init__(message)
        self.problems = list(problems)


class NoScriptWriter(ValueError):
    """No model is configured that could write a script from a topic (the offline provider)."""


class StoryFailed(Exception):
    """A scene (or the whole storyboard) could not be made: one line, naming the scene."""


class SourceRefused(ValueError):
    """A URL in a storyboard is not fetched (scheme, local path, private address)."""


@dataclass(frozen=True)
class SceneMedia:
    """One scene's voice and background, made ready and kept on disk.

    `audio` is a WAV of the narration; `background` is the prepared background as JSON
    (kind, color, css, files, frame_duration, width, height, fit, pan_zoom) with its files
    named relative to `folder`.
    """

    audio: Path
    duration: float
    phrases: list[tuple[float, float, str]]
    """The narration's sentences: (start, end, text), seconds from the start of the clip."""
    background: dict[str, Any]
    folder: Path
    warnings: list[str] = field(default_factory=list)

    @property
    def background_kind(self) -> str:
        return str(self.background.get("kind", "color"))

    @property
    def background_files(self) -> list[Path]:
        return [self.folder / name for name in self.background.get("files", [])]

    def to_json(self) -> dict[str, Any]:
        return {
            "audio": str(self.audio),
            "duration": self.duration,
            "phrases": [list(p) for p in self.phrases],
            "background": self.background,
            "folder": str(self.folder),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SceneMedia:
        return cls(
            audio=Path(data["audio"]),
            duration=float(data["duration"]),
            phrases=[(float(a), float(b), str(t)) for a, b, t in data.get("phrases", [])],
            background=dict(data.get("background") or {}),
            folder=Path(data["folder"]),
            warnings=[str(w) for w in data.get("warnings", [])],
        )


@dataclass(frozen=True)
class RenderedStory:
    """What `render` made: the MP4 at `out` plus these files in its folder."""

    frames: int
    duration: float
    html: str
    """The composition that was rendered (its assets are in `composition_dir`)."""
    composition_dir: Path
    """A folder holding `index.html` and the assets it loads by relative path."""
    captions_vtt: Path
    captions_srt: Path
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StoryPreview:
    """Prepared scenes compiled as `render` would compile them, for a person to scrub before
    approving: nothing is rendered, nothing is copied."""

    html: str
    """The composition; it loads its pictures by the relative names in `assets`."""
    duration: float
    assets: dict[str, Path]
    """Name as the page asks for it (e.g. `assets/s0/frame-001.png`) → the file."""
    starts: list[float]
    """Where each scene, and so its narration, starts (seconds)."""


class StoryEngine(Protocol):
    """The storyboard engine as projects and storyboard jobs use it."""

    def check(self, data: Mapping[str, Any]) -> Storyboard:
        """A storyboard (or a `video_transcript` answer) → the storyboard with every default
        filled in; StoryboardInvalid naming the field path or scene."""
        ...

    def from_text(self, text: str, *, title: str = "") -> Storyboard:
        """Plain text, one scene per paragraph; StoryboardInvalid when empty or too long."""
        ...

    def check_writer(self) -> None:
        """NoScriptWriter when no model is configured that could write a script (offline)."""
        ...

    async def write(self, topic: str, *, aspect: str | None) -> Storyboard:
        """The configured model writes a storyboard about `topic` (validated, repaired).
        NoScriptWriter offline; ScriptNotWritten when no answer was valid."""
        ...

    def find_voice(self, name: str) -> dict[str, Any] | None:
        """A voice by name (any provider) as a storyboard `voice` ({provider, name}); None if unknown."""
        ...

    def split(self, storyboard: Storyboard) -> list[dict[str, Any]]:
        """The storyboard's scenes with `split` applied: the sections a person reviews."""
        ...

    async def check_source(self, url: str) -> None:
        """SourceRefused unless the SSRF guard would fetch `url` (http/https, a public address)."""
        ...

    async def prepare(self, storyboard: Storyboard, index: int, *, folder: Path) -> SceneMedia:
        """Voice and background of scene `index` (scenes already split), files in `folder`."""
        ...

    async def revoice(
        self, storyboard: Storyboard, index: int, media: SceneMedia, *, folder: Path
    ) -> SceneMedia:
        """A new voice for scene `index` with the background of `media` kept."""
        ...

    def preview(self, storyboard: Storyboard, prepared: Sequence[SceneMedia]) -> StoryPreview:
        """The composition `render` would make of `prepared` (scenes already split), without
        rendering it (no I/O)."""
        ...

    async def render(
        self,
        storyboard: Storyboard,
        out: Path,
        *,
        folder: Path,
        prepared: Sequence[SceneMedia] | None,
        options: RenderOptions,
        pool: BrowserPool,
        progress: StageProgress,
        cancel: asyncio.Event,
    ) -> RenderedStory:
        """The MP4 with sound at `out` (atomically), captions and composition in `folder`.
        Without `prepared`, every scene is voiced and fetched first. StoryFailed naming the scene."""
        ...

    async def post_json(self, url: str, body: Mapping[str, Any]) -> int:
        """POST `body` to a user's URL through the SSRF guard; the HTTP status, or SourceRefused."""
        ...
