"""Prompt facts → the content variables of each template (titles, names, lists, numbers).

Rule for every kind: a template's sample content (its made-up dish, quote, person, data —
`TemplateInfo.samples`) is never shown as if the prompt had given it. Each sample slot holds
what the prompt gives, else it is left empty and the template leaves it out (no empty bullet,
no empty chart, no lone author line). A stand-in would be worse than a gap: pasta ingredients
on a risotto card read as the user's, and a video has no way to mark a line as "fill me in" —
the editor lists every variable by name, so an empty one is the hint. The generic labels and
settings around the content ("Recipe", "Hosted by", a countdown from 5) stay.
"""

from __future__ import annotations

from collections.abc import Callable

from .catalog import KINDS
from .fill_helpers import Values, split_joined
from .list_fills import bullet_list, chart, multi_scene, recipe_card, stat_counter
from .prompt_reading import PromptFacts
from .text_fills import countdown, kinetic_type, logo_reveal, lower_third, quote_card, title_card


def fill_content(kind: str, facts: PromptFacts) -> Values:
    """The content variables for `kind`: every sample slot, filled from the prompt or empty."""
    return {name: "" for name in KINDS[kind].samples} | _FILLS[kind](facts)


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
