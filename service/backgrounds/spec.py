"""What this package reads from a storyboard's background: the shape of the storyboard model's
`BackgroundSpec` (service/storyboards/model.py), as a Protocol so neither package imports the other."""

from __future__ import annotations

from typing import Protocol

from .prepared import Fit


class AiVisualSpec(Protocol):
    @property
    def prompt(self) -> str | None: ...
    @property
    def style(self) -> str | None: ...


class BackgroundSpecLike(Protocol):
    """Exactly one of `color`, `src`, `ai`, `search` is set (the model validates that)."""

    @property
    def color(self) -> str | None: ...
    @property
    def src(self) -> str | None: ...
    @property
    def fit(self) -> Fit: ...
    @property
    def pan_zoom(self) -> bool: ...
    @property
    def ai(self) -> AiVisualSpec | None: ...
    @property
    def search(self) -> str | None: ...
