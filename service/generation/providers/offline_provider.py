"""The default provider: the offline composer (templates filled from the prompt). No key, no network.

It does not take prompts or repair requests: it composes straight from the request's
fields, and the same request always gives the same document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sandbox import variable_text

OFFLINE = "offline"


class OfflineProvider:
    name = OFFLINE
    model = "templates"

    def __init__(self, max_duration: float | None = None) -> None:
        self.max_duration = max_duration
        """The longest video a prompt may ask for (the server's setting; None: the process's)."""

    def compose(
        self,
        prompt: str,
        *,
        duration: float | None = None,
        aspect: str | None = None,
        fps: float | None = None,
        brand_colors: Sequence[str] | None = None,
        variables: Mapping[str, object] | None = None,
    ) -> str:
        from service.generation.composer import compose_offline

        composition = compose_offline(
            prompt,
            duration=duration,
            aspect=aspect,
            fps=fps,
            brand_colors=list(brand_colors) if brand_colors else None,
            variables={name: variable_text(value) for name, value in variables.items()}
            if variables
            else None,
            max_duration=self.max_duration,
        )
        return composition.html

    def revise(self, html: str, instruction: str) -> str:
        """Raises ValueError (one line) when the instruction is not one the composer understands."""
        from service.generation.composer import revise_offline

        return revise_offline(html, instruction)

    async def aclose(self) -> None:
        return None
