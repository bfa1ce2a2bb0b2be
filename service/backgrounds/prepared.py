"""What a scene's background became, ready for the composition, and how getting one can fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Fit = Literal["cover", "contain"]


@dataclass(frozen=True)
class PreparedBackground:
    """Files in the assets folder plus how to show them; the page picks a frame by t.

    `frames`: `files[k]` shows from `k × frame_duration` seconds into the scene and the list
    loops. A name may repeat (a GIF whose frames last different times is laid on one even
    step; identical frames share one file).
    """

    kind: Literal["color", "gradient", "image", "frames"]
    color: str | None = None
    """For colour, and the first stop of the fallback gradient (so a flat fill matches it)."""
    css: str | None = None
    """For gradient: a CSS `background` value."""
    files: tuple[str, ...] = ()
    """Asset file names relative to the assets folder (image: 1, frames: N)."""
    frame_duration: float | None = None
    width: int | None = None
    height: int | None = None
    fit: Fit = "cover"
    pan_zoom: bool = False
    """A slow Ken-Burns move; only ever set on stills."""
    warnings: tuple[str, ...] = ()
    """Each names the scene, e.g. "scene 3: no GIPHY key set; used a gradient from the palette"."""
    credit: str | None = None
    """Attribution the media's source asks for (e.g. "Photo by … on Pexels")."""


class BackgroundError(Exception):
    """A background the storyboard asked for explicitly (`src`) cannot be used — refused, too
    large, not a picture: the storyboard must change. One line naming the scene."""


class BackgroundUnreachable(BackgroundError):
    """The `src` could not be fetched just now (no connection, a timeout, an HTTP error): the
    same storyboard may work when tried again."""


class Unavailable(Exception):
    """One way of getting a picture did not work (no key, nothing found, unusable media); `str()` says why."""


class Unreachable(Unavailable):
    """The picture's URL was allowed but could not be fetched."""
