"""Errors the renderer raises. `CompositionError` is the caller's mistake; the rest are the page's or the machine's."""

from __future__ import annotations


class RenderError(Exception):
    """Base class: a render that did not produce a video. `str()` is one clear line."""


class CompositionError(RenderError):
    """The HTML does not meet the composition contract (missing duration, bad aspect, …)."""


class MissingVariablesError(CompositionError):
    """`{{$NAME}}` placeholders with no value from the request nor the hf-variables defaults."""

    def __init__(self, names: list[str]) -> None:
        self.names = sorted(set(names))
        super().__init__(
            "no value for placeholder(s) "
            + ", ".join(f"{{{{${n}}}}}" for n in self.names)
            + ": pass --var NAME=VALUE or add a default to the hf-variables block"
        )


class PageError(RenderError):
    """An uncaught error in the page, with the composition time it happened at."""

    def __init__(self, message: str, time: float | None = None) -> None:
        self.message = message
        self.time = time
        where = f" at t={time:.3f}s" if time is not None else " while loading"
        super().__init__(f"page error{where}: {message}")


class SeekTimeout(RenderError):
    """A seek (hf-seek handlers plus waitUntil promises) ran past its budget."""


class RenderTimeout(RenderError):
    """The whole render ran past its budget."""


class PageCrashed(RenderError):
    """The renderer process for the page died (often: out of memory)."""


class BrowserUnavailable(RenderError):
    """No usable Chromium could be started."""


class EncodeError(RenderError):
    """ffmpeg failed."""
