"""Fills for the kinds whose content is a list or numbers: bullet list, multi-scene, recipe card,
stat counter, bar and line charts.
"""

from __future__ import annotations

import re

from .fill_helpers import (
    LEAD_NOISE,
    Values,
    after_cue,
    joined,
    lead_title,
    lines_from_prompt,
    title_of,
    unused_quotes,
)
from .phrases import VALUE_TOKEN, clause_after, sentence_case
from .prompt_reading import PromptFacts

_CUE_KICKERS = {
    "tip": "Tips", "agenda": "Agenda", "takeaway": "Key takeaways", "reason": "Reasons", "step": "Steps",
    "point": "Key points", "feature": "Features", "benefit": "Benefits", "lesson": "Lessons", "fact": "Facts",
    "idea": "Ideas", "highlight": "Highlights", "rule": "Rules", "goal": "Goals", "topic": "Topics",
    "way": "Ways", "thing": "Things to know", "result": "Results",
}  # fmt: skip


def _kicker_for(facts: PromptFacts, fallback: str) -> str:
    cue = (facts.item_cue or "").lower()
    for stem, kicker in _CUE_KICKERS.items():
        if re.search(rf"\b{stem}s?\b", cue):
            return kicker
    return fallback


def bullet_list(facts: PromptFacts) -> Values:
    v: Values = {}
    if not lines_from_prompt(facts):
        return v
    title = title_of(facts)
    if facts.items:
        v["POINTS"] = joined([sentence_case(i) for i in facts.items])
    v["TITLE"] = title or lead_title(facts) or (_kicker_for(facts, "") if facts.items else "") or ""
    v["KICKER"] = _kicker_for(facts, "Explainer" if re.search(r"\bexplainer\b", facts.prompt, re.I) else "")
    if v["KICKER"] == v["TITLE"]:
        v["KICKER"] = ""
    return v


def multi_scene(facts: PromptFacts) -> Values:
    v: Values = {}
    if not lines_from_prompt(facts):
        return v
    title = title_of(facts)
    if facts.items:
        v["SCENES"] = joined([sentence_case(i) for i in facts.items])
    v["TITLE"] = title or ""
    if re.search(r"\bhow\b.*\bworks?\b", f"{facts.prompt}", re.I) and not (title or "").lower().startswith(
        "how"
    ):
        v["KICKER"] = "How it works"
    else:
        v["KICKER"] = _kicker_for(
            facts, "Step by step" if re.search(r"\bsteps?\b", facts.prompt, re.I) else "Explainer"
        )
    return v


_DISHES: tuple[tuple[str, str], ...] = (
    ("pancake|waffle|crepe", "🥞"), ("cupcake", "🧁"), ("cheesecake|\\bcakes?\\b", "🍰"),
    ("spaghetti|pasta|noodle|linguine|carbonara|penne|lasagn|macaroni|mac and cheese", "🍝"), ("pizza", "🍕"), ("salad", "🥗"),
    ("ramen|pho\\b|udon", "🍜"), ("curry", "🍛"), ("soup|stew|chili", "🍲"), ("cookie", "🍪"),
    ("bread|loaf|sourdough|toast", "🍞"), ("taco|burrito", "🌮"), ("burger", "🍔"), ("sushi", "🍣"),
    ("rice|risotto|paella", "🍚"), ("chicken", "🍗"), ("steak|beef", "🥩"), ("smoothie|shake", "🥤"),
    ("coffee|latte|espresso", "☕"), ("\\btea\\b|matcha", "🍵"), ("\\bpie\\b|\\btart\\b", "🥧"),
    ("egg|omelet|frittata", "🍳"), ("fish|salmon|tuna", "🐟"), ("shrimp|prawn", "🍤"),
    ("ice cream|gelato", "🍨"), ("cocktail|mojito|margarita", "🍹"), ("dumpling|gyoza", "🥟"),
    ("sandwich", "🥪"), ("avocado|guacamole", "🥑"), ("chocolate|brownie", "🍫"),
)  # fmt: skip


def recipe_card(facts: PromptFacts) -> Values:
    title = title_of(facts)
    v: Values = {"TITLE": _title_case(title) if title and title.islower() else (title or "")}
    v["INGREDIENTS"] = joined([sentence_case(i) for i in facts.items])
    v["PREP_TIME"] = facts.prep_time or ""
    v["SERVINGS"] = f"Serves {facts.servings:g}" if facts.servings else ""
    subject = f"{title or ''} {facts.prompt}".lower()
    v["EMOJI"] = next((e for pattern, e in _DISHES if re.search(pattern, subject)), "🍽️")
    return v


def _title_case(s: str) -> str:
    small = {"and", "or", "of", "with", "in", "on", "a", "an", "the", "for", "to"}
    words = s.split()
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


_VERB_TAIL = re.compile(r"(?:^|\s+)(?:of|at|to|is|was|are|were|up to|:)\s*$", re.I)
_STAT_LEAD = re.compile(
    r"^.*\b(?:showing|shows|show|that|with|counting|count up to|counter|number|figure|stat|statistic)\b\s*",
    re.I,
)


def stat_counter(facts: PromptFacts) -> Values:
    strong = [x for x in facts.values if re.search(r"[$€£¥%kKmMbB]|,|illion|housand", x)]
    value = (strong or facts.values or [""])[0]
    m = re.search(re.escape(value).replace(r"\ ", r"\s+"), facts.text) if value else None
    label = ""
    if m:
        after, _ = clause_after(facts.text, m.end(), stops=r"on\s+\w+|in\s+\w+\s+(?:background|accent)")
        start = max(facts.text.rfind(c, 0, m.start()) for c in ".,;:\n") + 1
        before = _VERB_TAIL.sub("", _STAT_LEAD.sub("", facts.text[start : m.start()])).strip()
        label = facts.unmask(f"{before} {after.strip()}").strip()
        label = sentence_case(label) if before else label
    source = after_cue(facts, r"\b(?:source|according to|via|data from)\s*:?\s*")
    return {
        "VALUE": _compact_value(value),
        "LABEL": label,
        "KICKER": title_of(facts) or "By the numbers",
        "CONTEXT": f"Source: {source}" if source else "",
    }


_CHART_CUE = re.compile(
    r"^(?:an?\s+|the\s+)?(?:animated\s+)?(?:(?:bar|line|column)\s+)?(?:chart|graph|plot)?\s*(?:of|showing|for|with)?\s*",
    re.I,
)


def chart(facts: PromptFacts) -> Values:
    pairs = [p for p in (_pair(i) for i in facts.items) if p]
    if len(pairs) < 2 and len(facts.values) >= 2:
        pairs = [("", _compact_value(x)) for x in facts.values[:12]]
    v: Values = {"DATA": ""}
    if len(pairs) >= 2:
        v["DATA"] = joined([f"{label}: {value}" if label else value for label, value in pairs])
    title = facts.title or next(iter(unused_quotes(facts)), None)
    if not title and facts.list_lead and re.search(r"\b(?:chart|graph|plot)\b", facts.list_lead, re.I):
        cleaned = _CHART_CUE.sub("", LEAD_NOISE.sub("", facts.list_lead))
        cleaned = re.sub(r"\s+(?:as|in)\s+an?\s+(?:\w+\s+)?(?:chart|graph|plot)$", "", cleaned.strip(" :;,"))
        cleaned = re.sub(r"\s+(?:over time|over the \w+|by month|per month)$", "", cleaned)
        title = sentence_case(cleaned) if 0 < len(cleaned.split()) <= 8 else None
    if not title:
        cued = after_cue(
            facts,
            r"\b(?:chart|graph|plot)\s+(?:of|showing|for|about|on)\s+",
            stops=r"over\s+(?:time|the)|per\s+\w+|in\s+(?:a|an|millions|thousands|billions)\b",
        )
        labels = [label for label, _ in pairs if label]
        compared = (
            " vs ".join(labels)
            if 2 <= len(labels) <= 4 and re.search(r"\bcompar", facts.prompt, re.I)
            else ""
        )
        title = sentence_case(cued or facts.topic or compared)
    v["TITLE"] = title or ""
    unit = re.search(
        r"\(\s*(in [^)]{2,40})\)|\b(in (?:millions|thousands|billions)(?: of \w+)?)\b", facts.prompt, re.I
    )
    v["SUBTITLE"] = sentence_case(unit.group(1) or unit.group(2)) if unit else ""
    return v


def _pair(item: str) -> tuple[str, str] | None:
    """'Q1 $1.2M' / 'Q1: 12' / '12 in Q1' → ('Q1', '$1.2M')."""
    item = item.strip()
    m = re.fullmatch(rf"(.*?)\s*[:=–-]?\s*({VALUE_TOKEN})", item, re.I)
    if m and re.search(r"\d", m.group(2)):
        return m.group(1).strip(" :-"), _compact_value(m.group(2))
    m = re.fullmatch(rf"({VALUE_TOKEN})\s+(?:in|for|on|during|at)?\s*(.+)", item, re.I)
    if m:
        return m.group(2).strip(), _compact_value(m.group(1))
    return None


def _compact_value(value: str) -> str:
    """'$1.2 million' → '$1.2M', '45 %' → '45%' (the templates parse one token)."""
    out = re.sub(r"\s+", " ", value.strip())
    for word, short in (("trillion", "T"), ("billion", "B"), ("million", "M"), ("thousand", "K")):
        out = re.sub(rf"\s?{word}\b", short, out, flags=re.I)
    out = re.sub(r"(\d)\s+(%|[kKmMbB]n?\b)", r"\1\2", out)
    return re.sub(r"([$€£¥])\s+", r"\1", out)
