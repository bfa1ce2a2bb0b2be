"""Prompt facts → the content variables of each template (titles, names, lists, numbers).

Rule for every kind: what the prompt gives replaces the template's sample content, and
once the prompt has given the main content, sample secondary lines (a sample host, a
sample tagline) are cleared rather than left in — a made-up "Kira Tanaka" under someone
else's title would be worse than no line at all. A prompt that gives nothing keeps the
sample so the draft still shows what the template can do.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .phrases import (
    NAME_RE,
    NUMBER_WORD_RE,
    TOKEN_RE,
    VALUE_TOKEN,
    clause_after,
    name_at,
    sentence_case,
    word_number,
)
from .prompt_reading import PromptFacts

Values = dict[str, str]


def fill_content(kind: str, facts: PromptFacts) -> Values:
    """The content variables for `kind` that the prompt determines."""
    return _FILLS[kind](facts)


def suggested_duration(kind: str, facts: PromptFacts, values: Values, default: float) -> float:
    """A length that suits the content when the prompt did not give one."""
    n = len(_split(values.get("POINTS") or values.get("SCENES") or values.get("INGREDIENTS") or ""))
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


# --- shared helpers ----------------------------------------------------------------------


def _split(joined: str) -> list[str]:
    return [p for p in re.split(r"\s*[|\n]\s*", joined) if p.strip()]


def _unused_quotes(facts: PromptFacts) -> list[str]:
    used = facts.used_quotes()
    return [q for i, q in enumerate(facts.quotes) if i not in used]


def _title(facts: PromptFacts) -> str | None:
    if facts.title:
        return facts.title
    quotes = _unused_quotes(facts)
    if quotes:
        return quotes[0]
    return sentence_case(facts.topic) if facts.topic else None


def _after(facts: PromptFacts, cue: str, *, stops: str = "", text: str | None = None) -> str | None:
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


def _person(facts: PromptFacts) -> tuple[str, str] | None:
    for role, label in (
        ("host", "Hosted by"),
        ("presenter", "Presented by"),
        ("name", ""),
        ("guest", "With"),
    ):
        if role in facts.people:
            return facts.people[role], label
    return None


def _sentence_after(facts: PromptFacts, cue: str) -> str | None:
    """Everything after a cue up to the end of its sentence (commas included), unmasked."""
    m = re.search(cue, facts.text, re.I)
    if not m:
        return None
    rest = re.split(r"\.(?=\s|$)|\n", facts.text[m.end() :], maxsplit=1)[0]
    rest = re.split(r"\s+(?:by|[—–])\s+(?=[A-Z])", rest, maxsplit=1)[0]
    return facts.unmask(rest).strip(" ,;") or None


def _first_full_name(facts: PromptFacts) -> str | None:
    """The first run of two or more capitalised words (a person's name, most likely)."""
    for m in NAME_RE.finditer(facts.text):
        got = name_at(facts.text, m.start())
        if got and len(got[0].split()) >= 2:
            return facts.unmask(got[0])
    return None


_LEAD_NOISE = re.compile(
    r"^(?:(?:a|an|the|make|create|give me|i want|please)\s+)*(?:(?:short|quick|simple|animated)\s+)*"
    r"(?:(?:bullet(?:ed)?\s+)?(?:list|points|video|slide|explainer|clip)\s+(?:of|about|on|with|for)\s+)?",
    re.I,
)


def _lead_title(facts: PromptFacts) -> str | None:
    """'Top 5 tips for better sleep' from 'Top 5 tips for better sleep: a, b, c'."""
    if not facts.list_lead:
        return None
    lead = _LEAD_NOISE.sub("", facts.list_lead).strip(" ,:")
    words = lead.split()
    if not 1 <= len(words) <= 9 or _STYLE_WORDS.search(lead):
        return None
    if len(words) == 1 and facts.item_cue and lead.lower().rstrip("s") == facts.item_cue.rstrip("s"):
        return None
    return sentence_case(lead)


def _joined(items: list[str]) -> str:
    return " | ".join(i.replace("|", "/") for i in items)


def _lines_from_prompt(facts: PromptFacts) -> bool:
    return bool(facts.items or facts.title or facts.topic or facts.quotes)


# --- kinds -------------------------------------------------------------------------------

_SHOW_WORDS = r"podcast|webinar|vlog|series|show|course|lesson|talk|keynote|conference|livestream|newsletter|masterclass|workshop|interview"


def _title_card(facts: PromptFacts) -> Values:
    v: Values = {}
    title = _title(facts)
    person = _person(facts)
    if not (title or person or facts.episode):
        return v
    v["TITLE"] = title or ""
    show = re.search(rf"\b({_SHOW_WORDS})\b", facts.prompt, re.I)
    kicker = show.group(1).capitalize() if show else ""
    if facts.season:
        kicker = f"{kicker} · Season {facts.season}" if kicker else f"Season {facts.season}"
    v["KICKER"] = kicker
    v["EPISODE_LABEL"], v["EPISODE"] = ("Episode", facts.episode) if facts.episode else ("", "")
    if person:
        name, label = person
        guest = facts.people.get("guest")
        if guest and guest != name:
            name = f"{name} · with {guest}"
        v["HOST_LABEL"], v["HOST"] = label, name
    else:
        v["HOST_LABEL"], v["HOST"] = "", ""
    return v


_STYLE_WORDS = re.compile(
    r"\b(?:accent|background|colou?r|vertical|portrait|square|landscape|seconds?|dark|light|theme|font)\b",
    re.I,
)


def _lower_third(facts: PromptFacts) -> Values:
    v: Values = {}
    name = None
    for role in ("name", "host", "presenter", "guest"):
        name = name or facts.people.get(role)
    if not name:
        m = re.search(r"\b(?:for|of|introducing|showing)\s+", facts.text)
        got = name_at(facts.text, m.end()) if m else None
        name = facts.unmask(got[0]) if got else None
    if not name:
        quotes = _unused_quotes(facts)
        name = quotes[0] if quotes else None
    if not name:
        name = _first_full_name(facts)
    if not name:
        return v
    v["NAME"] = name
    role = _after(facts, r"\b(?:role|job title|position|title)\s*(?:is|:|=|of)?\s*")
    if not role:
        at = facts.prompt.find(name)
        tail = facts.prompt[at + len(name) :] if at >= 0 else ""
        m = re.match(r"\s*(?:,|\(|—|–|-|:|\bwho is\b|\bis\b)\s*(?:the\s+|a\s+|an\s+|our\s+)?", tail)
        if m:
            candidate, _ = clause_after(tail, m.end(), stops=r"in\s+\w+|on\s+\w+")
            candidate = candidate.rstrip(")").strip()
            if (
                candidate
                and not _STYLE_WORDS.search(candidate)
                and not candidate.lower().startswith(("with ", "and "))
            ):
                role = candidate
    v["ROLE"] = role or ""
    return v


def _quote(facts: PromptFacts) -> Values:
    v: Values = {}
    quotes = sorted(_unused_quotes(facts) + ([facts.title] if facts.title else []), key=len, reverse=True)
    text = quotes[0] if quotes and len(quotes[0].split()) >= 2 else None
    text = text or _sentence_after(
        facts, r"\bquot(?:e|ation)\b[^:.\n]{0,40}?(?::|\bsaying\b|\bthat says\b)\s*"
    )
    if not text:
        return v
    v["QUOTE"] = text
    author = None
    at = facts.prompt.find(text)
    tail = facts.prompt[at + len(text) :].lstrip("\"'”’»") if at >= 0 else ""
    m = re.match(
        r"\s*[,.]?\s*(?:[—–]+|-+|\bby\b|\bfrom\b|\battributed to\b|\bsaid by\b|\bcredited to\b)\s*", tail
    )
    got = name_at(tail, m.end()) if m else None
    if not got:
        m = re.search(r"\b(?:by|attributed to|credited to|said by)\s+", facts.text)
        got = name_at(facts.text, m.end()) if m else None
    author = facts.unmask(got[0]) if got else None
    if not author:
        m = re.search(
            r"([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s+(?:once\s+)?(?:said|says|wrote)\b", facts.prompt
        )
        author = m.group(1) if m else None
    v["AUTHOR"] = author or facts.people.get("name") or ""
    source = _after(
        facts, r"\b(?:source|from (?:the|his|her|their) (?:book|speech|talk|interview|film))\s*:?\s*"
    )
    v["SOURCE"] = source or ""
    return v


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


def _bullet_list(facts: PromptFacts) -> Values:
    v: Values = {}
    if not _lines_from_prompt(facts):
        return v
    title = _title(facts)
    if facts.items:
        v["POINTS"] = _joined([sentence_case(i) for i in facts.items])
    v["TITLE"] = title or _lead_title(facts) or (_kicker_for(facts, "") if facts.items else "") or ""
    v["KICKER"] = _kicker_for(facts, "Explainer" if re.search(r"\bexplainer\b", facts.prompt, re.I) else "")
    if v["KICKER"] == v["TITLE"]:
        v["KICKER"] = ""
    return v


_VERB_TAIL = re.compile(r"(?:^|\s+)(?:of|at|to|is|was|are|were|up to|:)\s*$", re.I)
_STAT_LEAD = re.compile(
    r"^.*\b(?:showing|shows|show|that|with|counting|count up to|counter|number|figure|stat|statistic)\b\s*",
    re.I,
)


def _stat_counter(facts: PromptFacts) -> Values:
    v: Values = {}
    strong = [x for x in facts.values if re.search(r"[$€£¥%kKmMbB]|,|illion|housand", x)]
    value = (strong or facts.values or [None])[0]
    if value is None:
        return v
    v["VALUE"] = _compact_value(value)
    m = re.search(re.escape(value).replace(r"\ ", r"\s+"), facts.text)
    label = ""
    if m:
        after, _ = clause_after(facts.text, m.end(), stops=r"on\s+\w+|in\s+\w+\s+(?:background|accent)")
        start = max(facts.text.rfind(c, 0, m.start()) for c in ".,;:\n") + 1
        before = _VERB_TAIL.sub("", _STAT_LEAD.sub("", facts.text[start : m.start()])).strip()
        label = facts.unmask(f"{before} {after.strip()}").strip()
        label = sentence_case(label) if before else label
    v["LABEL"] = label
    v["KICKER"] = _title(facts) or "By the numbers"
    source = _after(facts, r"\b(?:source|according to|via|data from)\s*:?\s*")
    v["CONTEXT"] = f"Source: {source}" if source else ""
    return v


_CHART_CUE = re.compile(
    r"^(?:an?\s+|the\s+)?(?:animated\s+)?(?:(?:bar|line|column)\s+)?(?:chart|graph|plot)?\s*(?:of|showing|for|with)?\s*",
    re.I,
)


def _chart(facts: PromptFacts) -> Values:
    v: Values = {}
    pairs = [p for p in (_pair(i) for i in facts.items) if p]
    if len(pairs) < 2 and len(facts.values) >= 2:
        pairs = [("", _compact_value(x)) for x in facts.values[:12]]
    if len(pairs) >= 2:
        v["DATA"] = _joined([f"{label}: {value}" if label else value for label, value in pairs])
    title = facts.title or (_unused_quotes(facts) or [None])[0]
    if not title and facts.list_lead and re.search(r"\b(?:chart|graph|plot)\b", facts.list_lead, re.I):
        cleaned = _CHART_CUE.sub("", _LEAD_NOISE.sub("", facts.list_lead))
        cleaned = re.sub(r"\s+(?:over time|over the \w+|by month|per month)$", "", cleaned).strip(" :")
        title = sentence_case(cleaned) if 0 < len(cleaned.split()) <= 8 else None
    title = title or (sentence_case(facts.topic) if facts.topic else None)
    labels = [label for label, _ in pairs if label]
    if not title and 2 <= len(labels) <= 4 and re.search(r"\bcompar", facts.prompt, re.I):
        title = sentence_case(" vs ".join(labels))
    if not (title or "DATA" in v):
        return v
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


def _countdown(facts: PromptFacts) -> Values:
    v: Values = {}
    m = re.search(rf"\b(?:from|down from|starting at)\s+(\d+|{NUMBER_WORD_RE})\b", facts.prompt, re.I)
    m = m or re.search(r"\b(\d{1,2})\s*(?:to|-|–|…|\.\.\.?)\s*[01]\b", facts.prompt)
    start = word_number(m.group(1)) if m else None
    if start is None and facts.duration:
        start = facts.duration
    if start is not None:
        v["FROM"] = str(max(1, min(99, round(start))))
    target = _after(facts, r"\bcount ?down\s+(?:to|until|till|for)\s+", stops=r"ending|that|then|finishing")
    if target:
        v["LABEL"] = f"Countdown to {target}"
    end = _after(
        facts,
        r"\b(?:ending|ends|end|finishing|finish|closing|then show(?:ing)?|revealing|reveal(?:s)?)\s+(?:with|on|in)?\s*(?:the\s+(?:text|words?|message)\s*)?",
        stops=r"on\s+\w+|in\s+\w+",
    )
    if not end:
        quotes = _unused_quotes(facts)
        end = quotes[0] if quotes else None
    if end:
        v["END_TEXT"] = end
    return v


_DISHES: tuple[tuple[str, str], ...] = (
    ("pancake|waffle|crepe", "🥞"), ("cupcake", "🧁"), ("cheesecake|\\bcakes?\\b", "🍰"),
    ("spaghetti|pasta|noodle|linguine|carbonara|penne|lasagn", "🍝"), ("pizza", "🍕"), ("salad", "🥗"),
    ("ramen|pho\\b|udon", "🍜"), ("curry", "🍛"), ("soup|stew|chili", "🍲"), ("cookie", "🍪"),
    ("bread|loaf|sourdough|toast", "🍞"), ("taco|burrito", "🌮"), ("burger", "🍔"), ("sushi", "🍣"),
    ("rice|risotto|paella", "🍚"), ("chicken", "🍗"), ("steak|beef", "🥩"), ("smoothie|shake", "🥤"),
    ("coffee|latte|espresso", "☕"), ("\\btea\\b|matcha", "🍵"), ("\\bpie\\b|\\btart\\b", "🥧"),
    ("egg|omelet|frittata", "🍳"), ("fish|salmon|tuna", "🐟"), ("shrimp|prawn", "🍤"),
    ("ice cream|gelato", "🍨"), ("cocktail|mojito|margarita", "🍹"), ("dumpling|gyoza", "🥟"),
    ("sandwich", "🥪"), ("avocado|guacamole", "🥑"), ("chocolate|brownie", "🍫"),
)  # fmt: skip


def _recipe_card(facts: PromptFacts) -> Values:
    v: Values = {}
    title = facts.title or (_unused_quotes(facts) or [None])[0]
    if not title:
        title = _after(
            facts,
            r"\brecipe(?:\s+card|\s+video)?\s*(?:(?:for|of)\s+|:\s*)(?:a\s+|an\s+|the\s+|my\s+|our\s+)?",
        )
    if not title:
        m = re.search(
            r"(?:^|\b(?:a|an|my|our|the)\s+)((?:[\w'-]+\s+){0,3}[\w'-]+)\s+recipe", facts.text, re.I
        )
        title = m.group(1) if m else None
    title = title or (sentence_case(facts.topic) if facts.topic else None)
    if not (title or facts.items):
        return v
    v["TITLE"] = _title_case(title) if title and title.islower() else (title or "")
    if facts.items:
        v["INGREDIENTS"] = _joined([sentence_case(i) for i in facts.items])
    n = rf"(\d+(?:\.\d+)?|{NUMBER_WORD_RE})"
    m = re.search(
        rf"\b(?:ready in|takes|prep(?:aration)? time(?: of| is|:)?|cook(?:ing)? time(?: of| is|:)?|in|under|total time(?: of| is|:)?)\s+(?:about\s+|just\s+|only\s+)?{n}\s*(?:-|\s)?(min|mins|minutes|hour|hours|hr|hrs|h)\b",
        facts.prompt,
        re.I,
    )
    if m and (amount := word_number(m.group(1))):
        v["PREP_TIME"] = f"{amount:g} min" if m.group(2).lower().startswith("m") else f"{amount:g} h"
    else:
        v["PREP_TIME"] = ""
    m = re.search(
        rf"\bserves\s+{n}|\bfor\s+{n}\s+(?:people|persons|servings|guests)|\b{n}\s+(?:servings|portions)",
        facts.prompt,
        re.I,
    )
    count = word_number(next(g for g in m.groups() if g)) if m else None
    v["SERVINGS"] = f"Serves {count:g}" if count else ""
    subject = f"{title or ''} {facts.prompt}".lower()
    v["EMOJI"] = next((e for pattern, e in _DISHES if re.search(pattern, subject)), "🍽️")
    return v


def _title_case(s: str) -> str:
    small = {"and", "or", "of", "with", "in", "on", "a", "an", "the", "for", "to"}
    words = s.split()
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _logo_reveal(facts: PromptFacts) -> Values:
    v: Values = {}
    tagline = _after(
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
        quotes = [q for q in _unused_quotes(facts) if q != tagline]
        brand = quotes[0] if quotes else None
    if not brand:
        return v
    v["BRAND"] = brand
    if not tagline:
        quotes = [q for q in _unused_quotes(facts) if q != brand]
        tagline = quotes[0] if quotes else None
    v["TAGLINE"] = tagline or ""
    words = re.findall(r"[A-Za-z0-9]+", brand)
    v["MARK"] = "".join(w[0] for w in words[:2]).upper() if len(words) >= 2 else brand[:1].upper()
    return v


def _kinetic_type(facts: PromptFacts) -> Values:
    v: Values = {}
    quotes = sorted(_unused_quotes(facts) + ([facts.title] if facts.title else []), key=len, reverse=True)
    message = quotes[0] if quotes else None
    message = message or _after(
        facts,
        r"\b(?:saying|says|that says|reading|reads|with the (?:text|words|message|line|slogan)|message|slogan|words)\s*:?\s*",
        stops=r"in\s+\w+|on\s+\w+",
    )
    message = message or (sentence_case(facts.topic) if facts.topic else None)
    if not message:
        return v
    v["MESSAGE"] = message
    highlight = _after(
        facts, r"\b(?:highlight(?:ing)?|emphasi[sz](?:e|ing)|accent(?:ing)? the word)\s+(?:the\s+word\s+)?"
    )
    if not highlight or highlight.lower() not in message.lower():
        words = [re.sub(r"[^\w'-]", "", w) for w in message.split()]
        longest = max((len(w) for w in words), default=0)
        highlight = [w for w in words if len(w) == longest][-1] if longest >= 4 else ""
    v["HIGHLIGHT"] = highlight
    return v


def _multi_scene(facts: PromptFacts) -> Values:
    v: Values = {}
    if not _lines_from_prompt(facts):
        return v
    title = _title(facts)
    if facts.items:
        v["SCENES"] = _joined([sentence_case(i) for i in facts.items])
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


_FILLS: dict[str, Callable[[PromptFacts], Values]] = {
    "title-card": _title_card,
    "lower-third": _lower_third,
    "quote": _quote,
    "bullet-list": _bullet_list,
    "stat-counter": _stat_counter,
    "bar-chart": _chart,
    "line-chart": _chart,
    "countdown": _countdown,
    "recipe-card": _recipe_card,
    "logo-reveal": _logo_reveal,
    "kinetic-type": _kinetic_type,
    "multi-scene": _multi_scene,
}
