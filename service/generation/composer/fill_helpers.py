"""Readers several kinds' fills share: the title, a person, the words after a cue, list values."""

from __future__ import annotations

import re

from .phrases import NAME_RE, TOKEN_RE, clause_after, name_at, sentence_case
from .prompt_reading import PromptFacts

Values = dict[str, str]


def split_joined(joined: str) -> list[str]:
    return [p for p in re.split(r"\s*[|\n]\s*", joined) if p.strip()]


def unused_quotes(facts: PromptFacts) -> list[str]:
    used = facts.used_quotes()
    return [q for i, q in enumerate(facts.quotes) if i not in used]


def title_of(facts: PromptFacts) -> str | None:
    if facts.title:
        return facts.title
    quotes = unused_quotes(facts)
    if quotes:
        return quotes[0]
    return sentence_case(facts.topic) if facts.topic else None


def after_cue(facts: PromptFacts, cue: str, *, stops: str = "", text: str | None = None) -> str | None:
    """The quote or clause right after a cue, unmasked; None when the cue is absent."""
    source = facts.text if text is None else text
    m = re.search(cue, source, re.I)
    if not m:
        return None
    token = TOKEN_RE.match(source, m.end())
    if token:
        return facts.unmask(token.group(0))
    phrase, _ = clause_after(source, m.end(), stops=stops)
    return facts.unmask(phrase) or None


def person_of(facts: PromptFacts) -> tuple[str, str] | None:
    for role, label in (
        ("host", "Hosted by"),
        ("presenter", "Presented by"),
        ("name", ""),
        ("guest", "With"),
    ):
        if role in facts.people:
            return facts.people[role], label
    return None


def sentence_after(facts: PromptFacts, cue: str) -> str | None:
    """Everything after a cue up to the end of its sentence (commas included), unmasked."""
    m = re.search(cue, facts.text, re.I)
    if not m:
        return None
    rest = re.split(r"\.(?=\s|$)|\n", facts.text[m.end() :], maxsplit=1)[0]
    rest = re.split(r"\s+(?:by|[—–])\s+(?=[A-Z])", rest, maxsplit=1)[0]
    return facts.unmask(rest).strip(" ,;") or None


def first_full_name(facts: PromptFacts) -> str | None:
    """The first run of two or more capitalised words (a person's name, most likely)."""
    for m in NAME_RE.finditer(facts.text):
        got = name_at(facts.text, m.start())
        if got and len(got[0].split()) >= 2:
            return facts.unmask(got[0])
    return None


LEAD_NOISE = re.compile(
    r"^(?:(?:a|an|the|make|create|give me|i want|please)\s+)*(?:(?:short|quick|simple|animated)\s+)*"
    r"(?:(?:bullet(?:ed)?\s+)?(?:list|points|video|slide|explainer|clip)(?:\s+(?:of|about|on|with|for|listing|showing|covering))?(?:\s+|$))?",
    re.I,
)


def lead_title(facts: PromptFacts) -> str | None:
    """'Top 5 tips for better sleep' from 'Top 5 tips for better sleep: a, b, c'."""
    if not facts.list_lead:
        return None
    lead = LEAD_NOISE.sub("", facts.list_lead.rsplit(": ", 1)[-1]).strip(" ,:")
    words = lead.split()
    if not 1 <= len(words) <= 9 or STYLE_WORDS.search(lead):
        return None
    core = re.sub(r"^(?:the|a|an|these|some)\s+", "", lead, flags=re.I).lower()
    if facts.item_cue and core.rstrip("s") == facts.item_cue.rstrip("s"):
        return None  # "the points" names the list, it is no title
    return sentence_case(lead)


def joined(items: list[str]) -> str:
    return " | ".join(i.replace("|", "/") for i in items)


def lines_from_prompt(facts: PromptFacts) -> bool:
    return bool(facts.items or facts.title or facts.topic or facts.quotes)


STYLE_WORDS = re.compile(
    r"\b(?:accent|background|colou?r|vertical|portrait|square|landscape|seconds?|dark|light|theme|font)\b",
    re.I,
)
