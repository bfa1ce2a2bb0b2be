"""The designed stand-in when a searched or generated picture cannot be had: a gradient from the palette.

Two neighbouring palette colours, picked by the scene's position, so consecutive fallback
scenes differ and the same storyboard always gets the same picture.
"""

from __future__ import annotations

from collections.abc import Sequence

from .prepared import PreparedBackground


def palette_gradient(
    scene_index: int, palette: Sequence[str], warning: str | None = None
) -> PreparedBackground:
    """`palette` is the storyboard's (never empty: the storyboard model requires a colour)."""
    colors = list(palette)
    first = colors[scene_index % len(colors)]
    second = colors[(scene_index + 1) % len(colors)] if len(colors) > 1 else first
    return PreparedBackground(
        kind="gradient",
        color=first,
        css=f"linear-gradient(135deg, {first} 0%, {second} 100%)",
        warnings=(warning,) if warning else (),
    )
