"""Prompt facts → the content variables of each template (titles, names, lists, numbers).

Rule for every kind: what the prompt gives replaces the template's sample content, and
once the prompt has given the main content, sample secondary lines (a sample host, a
sample tagline) are cleared rather than left in — a made-up "Kira Tanaka" under someone
else's title would be worse than no line at all. A prompt that gives nothing keeps the
sample so the draft still shows what the template can do.
"""

from __future__ import annotations

from collections.abc import Callable

from .fill_helpers import Values, split_joined
from .list_fills import bullet_list, chart, multi_scene, recipe_card, stat_counter
from .prompt_reading import PromptFacts
from .text_fills import countdown, kinetic_type, logo_reveal, lower_third, quote_card, title_card


def fill_content(kind: str, facts: PromptFacts) -> Values:
    """The content variables for `kind` that the prompt determines."""
    return _FILLS[kind](facts)


def suggested_duration(kind: str, facts: PromptFacts, values: Values, default: float) -> float:
    """A length that suits the content when the prompt did not give one."""
    n = len(split_joined(values.get("POINTS") or values.get("SCENES") or values.get("INGREDIENTS") or ""))
    if facts.per_item_seconds and n:
        return round(1.5 + facts.per_item_seconds * n, 1)
    if kind == "bullet-list" and n > 4:
        return round(2 + 1.5 * n, 1)
    if kind == "multi-scene" and n:
        return max(8.0, round(2 + 2.8 * n, 1))
    if kind == "kinetic-type":
        words = len(values.get("MESSAGE", "").split())
        return max(default, round(2.5 + 0.45 * words, 1))
    if kind == "countdown":
        return float(int(values.get("FROM", "5")) + (1 if values.get("END_TEXT", "").strip() else 0))
    return default


_FILLS: dict[str, Callable[[PromptFacts], Values]] = {
    "title-card": title_card,
    "lower-third": lower_third,
    "quote": quote_card,
    "bullet-list": bullet_list,
    "stat-counter": stat_counter,
    "bar-chart": chart,
    "line-chart": chart,
    "countdown": countdown,
    "recipe-card": recipe_card,
    "logo-reveal": logo_reveal,
    "kinetic-type": kinetic_type,
    "multi-scene": multi_scene,
}
