"""The offline composer's stock: which template serves which kind of video, and the words
that ask for each kind.

Kinds are chosen by weighted cues so a prompt that says "title card for a podcast episode"
scores title-card three ways, while a stray "list" in a chart prompt does not flip it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class TemplateInfo:
    kind: str
    label: str
    cues: tuple[tuple[str, int], ...]
    """(regex on the lower-cased prompt, weight)."""
    samples: tuple[str, ...]
    """The variables whose defaults in the template are made-up sample content (a dish, a quote,
    a person, data). They show only what the prompt gives; the other defaults are generic
    labels and settings ("Recipe", "Hosted by", a countdown from 5) that fit any subject."""

    @property
    def file(self) -> str:
        return f"{self.kind}.html"


CATALOG: tuple[TemplateInfo, ...] = (
    TemplateInfo(
        "title-card",
        "Title card",
        (
            (r"\btitle (?:card|screen|slate|sequence)\b", 4),
            (r"\bpodcast\b", 2),
            (r"\bepisode\b|\bep\.? ?\d", 2),
            (r"\b(?:intro|opener|opening|cover|thumbnail|channel intro|show open)\b", 2),
            (r"\b(?:webinar|vlog|series|season)\b", 1),
            (r"\btitle\b", 1),
        ),
        samples=("KICKER", "TITLE", "EPISODE", "HOST"),
    ),
    TemplateInfo(
        "lower-third",
        "Lower third",
        (
            (r"\blower[- ]?thirds?\b", 6),
            (r"\b(?:name ?tag|chyron|name ?strap|name ?plate|name bar|caption bar|name super)\b", 5),
            (r"\b(?:speaker|interviewee|job title|role)\b", 1),
        ),
        samples=("NAME", "ROLE"),
    ),
    TemplateInfo(
        "quote",
        "Quote",
        (
            (r"\b(?:quote|quotation|quote card)\b", 4),
            (r"\b(?:testimonial|proverb|saying|aphorism|wisdom)\b", 3),
            (r"\b(?:said|says|wrote)\b", 1),
        ),
        samples=("QUOTE", "AUTHOR", "SOURCE"),
    ),
    TemplateInfo(
        "bullet-list",
        "Bullet list / explainer",
        (
            (r"\bbullet(?:s| points?| list)?\b", 4),
            (r"\b(?:list|checklist|agenda|takeaways|key points|tips|reasons|lessons|highlights)\b", 3),
            (r"\b(?:points?|items?|facts)\b", 2),
            (r"\btop \d+\b|\b(?:three|four|five|3|4|5) (?:things|ways|ideas)\b", 2),
            (r"\bexplainer\b", 1),
        ),
        samples=("KICKER", "TITLE", "POINTS"),
    ),
    TemplateInfo(
        "stat-counter",
        "Stat / counter",
        (
            (r"\b(?:stat|stats|statistic|statistics|kpi|metric|milestone)\b", 4),
            (r"\bcount(?:s|ing|er)? ?up\b|\bcounter\b|\bcounting\b", 4),
            (r"\b(?:big|key|headline) (?:number|figure)\b|\bby the numbers\b", 3),
            (r"\b(?:number|figure|percent|percentage)\b", 1),
        ),
        samples=("VALUE", "LABEL", "CONTEXT"),
    ),
    TemplateInfo(
        "bar-chart",
        "Bar chart",
        (
            (r"\bbar (?:chart|graph)s?\b|\bcolumn chart\b|\bhistogram\b", 6),
            (r"\b(?:chart|graph|bars|compare|comparison|by quarter|per quarter|breakdown)\b", 2),
        ),
        samples=("TITLE", "SUBTITLE", "DATA"),
    ),
    TemplateInfo(
        "line-chart",
        "Line chart",
        (
            (r"\bline (?:chart|graph)s?\b|\btime series\b|\bsparkline\b", 6),
            (r"\b(?:trend|trending|over time|over the (?:year|months|weeks)|growth curve)\b", 3),
            (r"\b(?:growth|grew|growing|rising|monthly|weekly)\b", 1),
        ),
        samples=("TITLE", "SUBTITLE", "DATA"),
    ),
    TemplateInfo(
        "countdown",
        "Countdown",
        (
            (r"\bcount ?down\b|\bt-minus\b", 6),
            (r"\b(?:starting soon|starts in|launch(?:ing)? in|timer|seconds to go)\b", 3),
        ),
        samples=(),
    ),
    TemplateInfo(
        "recipe-card",
        "Recipe card",
        (
            (r"\brecipes?\b", 6),
            (r"\bingredients?\b", 4),
            (r"\b(?:cook|cooking|bake|baking|dish|meal|dinner|lunch|breakfast|dessert|serves)\b", 2),
        ),
        samples=("TITLE", "EMOJI", "PREP_TIME", "SERVINGS", "INGREDIENTS"),
    ),
    TemplateInfo(
        "logo-reveal",
        "Logo / brand reveal",
        (
            (r"\blogo\b", 5),
            (r"\bbrand (?:reveal|intro|sting|animation|ident)\b|\bwordmark\b", 5),
            (r"\b(?:sting|ident|bumper|reveal|outro)\b", 2),
            (r"\b(?:brand|company|startup|agency|studio)\b", 1),
        ),
        samples=("BRAND", "MARK", "TAGLINE"),
    ),
    TemplateInfo(
        "kinetic-type",
        "Kinetic typography",
        (
            (r"\bkinetic\b|\btypograph(?:y|ic)\b", 6),
            (
                r"\b(?:animated text|text animation|word by word|one word at a time|big bold (?:text|words|letters))\b",
                4,
            ),
            (r"\b(?:slogan|motto|manifesto|mantra|motivational|inspirational|lyrics?|message)\b", 2),
        ),
        samples=("MESSAGE", "HIGHLIGHT"),
    ),
    TemplateInfo(
        "multi-scene",
        "Multi-scene explainer",
        (
            (r"\bmulti[- ]?scenes?\b|\bmultiple scenes\b|\bscenes?\b", 5),
            (r"\bhow it works\b|\bstep[- ]by[- ]step\b|\bwalk ?through\b|\btutorial\b|\bonboarding\b", 4),
            (r"\bsteps?\b|\bprocess\b|\bstages\b|\bphases\b", 2),
            (r"\bexplainer\b|\bexplain(?:s|ing)?\b", 2),
        ),
        samples=("KICKER", "TITLE", "SCENES"),
    ),
)

KINDS: dict[str, TemplateInfo] = {t.kind: t for t in CATALOG}
DEFAULT_KIND = "title-card"


def choose_kind(text: str) -> tuple[str | None, dict[str, int]]:
    """The best-scoring kind for a (lower-cased, quotes masked) prompt, or None when nothing matched."""
    scores: dict[str, int] = {}
    for info in CATALOG:
        score = sum(weight for pattern, weight in info.cues if re.search(pattern, text))
        if score:
            scores[info.kind] = score
    if not scores:
        return None, scores
    best = max(scores.values())
    # Ties go to the first kind in CATALOG order (most specific first where it matters).
    kind = next(info.kind for info in CATALOG if scores.get(info.kind) == best)
    return kind, scores


@cache
def template_text(kind: str) -> str:
    """The raw template for a kind (with its `{{$VAR}}` placeholders and defaults)."""
    if kind not in KINDS:
        raise KeyError(f"no template for kind {kind!r}: use one of {', '.join(KINDS)}")
    return resources.files("templates").joinpath(KINDS[kind].file).read_text(encoding="utf-8")
