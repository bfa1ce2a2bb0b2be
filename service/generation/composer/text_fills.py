"""Fills for the kinds whose content is a few words: title card, lower third, quote, countdown,
logo reveal, kinetic type.
"""

from __future__ import annotations

import re

from .fill_helpers import (
    STYLE_WORDS,
    Values,
    after_cue,
    first_full_name,
    person_of,
    sentence_after,
    title_of,
    unused_quotes,
)
from .phrases import NUMBER_WORD_RE, clause_after, name_at, sentence_case, title_at, word_number
from .prompt_reading import PromptFacts

_SHOW_WORDS = r"podcast|webinar|vlog|series|show|course|lesson|talk|keynote|conference|livestream|newsletter|masterclass|workshop|interview"


def title_card(facts: PromptFacts) -> Values:
    title = title_of(facts)
    cue = r"\b(?:card|intro|opener|slate|cover|screen)\s+for\s+(?:of\s+)?"  # "for [season 3] of X"
    if not title and (m := re.search(cue, facts.text, re.I)):
        title = title_at(facts.text, m.end())
    show = re.search(rf"\b({_SHOW_WORDS})\b", facts.prompt, re.I)
    kicker = show.group(1).capitalize() if show else ""
    if facts.season:
        kicker = f"{kicker} · Season {facts.season}" if kicker else f"Season {facts.season}"
    v: Values = {"TITLE": facts.unmask(title or ""), "KICKER": kicker}
    v["EPISODE_LABEL"], v["EPISODE"] = ("Episode", facts.episode) if facts.episode else ("", "")
    v["HOST_LABEL"], v["HOST"] = "", ""
    if person := person_of(facts):
        name, label = person
        guest = facts.people.get("guest")
        if guest and guest != name:
            name = f"{name} · with {guest}"
        v["HOST_LABEL"], v["HOST"] = label, name
    return v


def lower_third(facts: PromptFacts) -> Values:
    v: Values = {}
    name: str | None = None
    for key in ("name", "host", "presenter", "guest"):
        name = name or facts.people.get(key)
    if not name:
        m = re.search(r"\b(?:for|of|introducing|showing)\s+", facts.text)
        got = name_at(facts.text, m.end()) if m else None
        name = facts.unmask(got[0]) if got else None
    if not name:
        quotes = unused_quotes(facts)
        name = quotes[0] if quotes else None
    if not name:
        name = first_full_name(facts)
    if not name:
        return v
    v["NAME"] = name
    role = after_cue(facts, r"\b(?:role|job title|position|title)\s*(?:is|:|=|of)?\s*")
    if not role:
        at = facts.prompt.find(name)
        tail = facts.prompt[at + len(name) :] if at >= 0 else ""
        m = re.match(
            r"\s*(?:[,(—–:-]\s*(?:who(?: is|'s)\s+)?|\bwho(?: is|'s)\b|\bis\b)\s*(?:the\s+|a\s+|an\s+|our\s+)?",
            tail,
        )
        if m:
            candidate, _ = clause_after(tail, m.end(), stops=r"in\s+\w+|on\s+\w+")
            candidate = candidate.rstrip(")").strip()
            if (
                candidate
                and not STYLE_WORDS.search(candidate)
                and not candidate.lower().startswith(("with ", "and "))
            ):
                role = candidate
    v["ROLE"] = role or ""
    return v


def quote_card(facts: PromptFacts) -> Values:
    quotes = sorted(unused_quotes(facts) + ([facts.title] if facts.title else []), key=len, reverse=True)
    text = quotes[0] if quotes and len(quotes[0].split()) >= 2 else None
    text = text or sentence_after(
        facts, r"\bquot(?:e|ation)\b[^:.\n]{0,40}?(?::|\bsaying\b|\bthat says\b)\s*"
    )
    source = after_cue(
        facts, r"\b(?:source|from (?:the|his|her|their) (?:book|speech|talk|interview|film))\s*:?\s*"
    )
    return {"QUOTE": text or "", "AUTHOR": _quote_author(facts, text) or "", "SOURCE": source or ""}


def _quote_author(facts: PromptFacts, text: str | None) -> str | None:
    """'"…" — Name', '"…" by Name', 'a quote by Name', 'Name once said …'."""
    got = None
    if text and (at := facts.prompt.find(text)) >= 0:
        tail = facts.prompt[at + len(text) :].lstrip("\"'”’»")
        m = re.match(
            r"\s*[,.]?\s*(?:[—–]+|-+|\bby\b|\bfrom\b|\battributed to\b|\bsaid by\b|\bcredited to\b)\s*", tail
        )
        got = name_at(tail, m.end()) if m else None
    if not got:
        m = re.search(r"\b(?:by|from|attributed to|credited to|said by)\s+", facts.text)
        got = name_at(facts.text, m.end()) if m else None
    if got:
        return facts.unmask(got[0])
    m = re.search(
        r"([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s+(?:once\s+)?(?:said|says|wrote|saying)\b", facts.prompt
    )
    return m.group(1) if m else facts.people.get("name")


def countdown(facts: PromptFacts) -> Values:
    v: Values = {}
    m = re.search(rf"\b(?:from|down from|starting at)\s+(\d+|{NUMBER_WORD_RE})\b", facts.prompt, re.I)
    m = m or re.search(r"\b(\d{1,2})\s*(?:to|-|–|…|\.\.\.?)\s*[01]\b", facts.prompt)
    start = word_number(m.group(1)) if m else None
    if start is None and facts.duration:
        start = facts.duration
    if start is not None:
        v["FROM"] = str(max(1, min(99, round(start))))
    target = after_cue(
        facts, r"\bcount ?down\s+(?:to|until|till|for)\s+", stops=r"ending|that|then|finishing"
    )
    if target:
        v["LABEL"] = f"Countdown to {target}"
    end = after_cue(
        facts,
        r"\b(?:ending|ends|end|finishing|finish|closing|then show(?:ing)?|revealing|reveal(?:s)?)\s+(?:with|on|in)?\s*(?:the\s+(?:text|words?|message)\s*)?",
        stops=r"on\s+\w+|in\s+\w+",
    )
    if not end:
        quotes = unused_quotes(facts)
        end = quotes[0] if quotes else None
    if end:
        v["END_TEXT"] = end
    return v


def logo_reveal(facts: PromptFacts) -> Values:
    tagline = after_cue(
        facts, r"\b(?:tagline|slogan|motto|strapline|claim)\s*(?:is|:|=|of|reading|that says|saying)?\s*"
    )
    brand = facts.title
    if not brand:
        m = re.search(
            r"\b(?:logo|brand|company|startup|reveal|intro|sting|ident|animation|studio|agency)\s+(?:reveal\s+|intro\s+|animation\s+)?(?:for|of)\s+",
            facts.text,
            re.I,
        )
        m = m or re.search(r"\bfor\s+", facts.text)
        got = name_at(facts.text, m.end(), allow_lower=True) if m else None
        brand = facts.unmask(got[0]) if got else None
    if not brand:
        quotes = [q for q in unused_quotes(facts) if q != tagline]
        brand = quotes[0] if quotes else None
    if not tagline:
        quotes = [q for q in unused_quotes(facts) if q != brand]
        tagline = quotes[0] if quotes else None
    words = re.findall(r"[A-Za-z0-9]+", brand or "")
    mark = "".join(w[0] for w in words[:2]) if len(words) >= 2 else (brand or "")[:1]
    return {"BRAND": brand or "", "TAGLINE": tagline or "", "MARK": mark.upper()}


def kinetic_type(facts: PromptFacts) -> Values:
    v: Values = {}
    quotes = sorted(unused_quotes(facts) + ([facts.title] if facts.title else []), key=len, reverse=True)
    message = quotes[0] if quotes else None
    message = message or after_cue(
        facts,
        r"\b(?:saying|says|that says|reading|reads|with the (?:text|words|message|line|slogan)|message|slogan|words)\s*:?\s*",
        stops=r"in\s+\w+|on\s+\w+",
    )
    message = message or sentence_after(facts, r"\b(?:typography|type|text|video|animation|reel)\s*:\s*")
    message = message or (sentence_case(facts.topic) if facts.topic else None)
    if not message:
        return v
    v["MESSAGE"] = message
    highlight = after_cue(
        facts, r"\b(?:highlight(?:ing)?|emphasi[sz](?:e|ing)|accent(?:ing)? the word)\s+(?:the\s+word\s+)?"
    )
    if not highlight or highlight.lower() not in message.lower():
        words = [re.sub(r"[^\w'-]", "", w) for w in message.split()]
        longest = max((len(w) for w in words), default=0)
        highlight = [w for w in words if len(w) == longest][-1] if longest >= 4 else ""
    v["HIGHLIGHT"] = highlight
    return v
