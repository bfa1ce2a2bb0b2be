"""Read a prompt into facts the offline composer can use: the kind of video, titles and
people, numbers, lists, colours and mood, duration and aspect.

Each reader removes what it has read from the working text, so "a 6-second video" is a
duration and not a statistic, and "orange accent" is a colour and not a list item. The
readers are ordered from the least to the most ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sandbox import TEXT_FAMILIES

from .catalog import CATALOG, choose_kind
from .list_reading import read_items
from .palette import COLOR_WORD_RE, HEX_RE, MOOD_WORDS, RGB_FUNC_RE, expand_hex, named_color
from .phrases import (
    NAME_RE,
    NUMBER_WORD_RE,
    TOKEN_RE,
    VALUE_RE,
    Masked,
    clause_after,
    name_at,
    word_number,
)

_KIND_ORDER = [info.kind for info in CATALOG]


@dataclass
class PromptFacts:
    prompt: str
    masked: Masked
    kind: str | None = None
    kind_scores: dict[str, int] = field(default_factory=dict)
    title: str | None = None
    topic: str | None = None
    prep_time: str | None = None
    """A recipe's time as shown: '20 min', '1.5 h'."""
    servings: float | None = None
    people: dict[str, str] = field(default_factory=dict)
    """role → name: host, presenter, guest, name."""
    episode: str | None = None
    season: str | None = None
    values: list[str] = field(default_factory=list)
    """Statistic-like values in prompt order: '$1.2M', '73%', '10,000'."""
    items: list[str] = field(default_factory=list)
    item_cue: str | None = None
    """The word that introduced the list ('tips', 'ingredients', 'steps', …)."""
    list_lead: str | None = None
    """The words before the list in its sentence ('Top 5 tips for better sleep')."""
    colors: dict[str, str] = field(default_factory=dict)
    """role → CSS colour, for roles 'bg', 'accent', 'text'."""
    loose_colors: list[str] = field(default_factory=list)
    """Colours named without a role ("a blue and gold card")."""
    tone: str | None = None
    """'dark' or 'light' when the prompt asked for a dark/light background without a hue."""
    mood: str | None = None
    font: str | None = None
    duration: float | None = None
    per_item_seconds: float | None = None
    aspect: str | None = None

    @property
    def quotes(self) -> list[str]:
        return self.masked.quotes

    @property
    def text(self) -> str:
        """The working text: quotes as «N» tokens, read spans blanked."""
        return self.masked.text

    def unmask(self, s: str) -> str:
        return self.masked.unmask(s)

    def used_quotes(self) -> set[int]:
        """Quote indices already taken by a reader (title, people)."""
        taken = [self.title or "", *self.people.values()]
        return {i for i, q in enumerate(self.quotes) if q in taken}


def read_prompt(prompt: str) -> PromptFacts:
    """All the facts in a prompt. Never raises for odd text: unknown parts are simply not used."""
    facts = PromptFacts(prompt=prompt, masked=Masked(prompt))
    facts.kind, facts.kind_scores = choose_kind(facts.text.lower())
    for reader in (
        _read_aspect,
        _read_duration,
        _read_episode,
        _read_people,
        _read_title,
        _read_recipe,
        _read_topic,
        read_items,
        _read_colors,
        _read_mood,
        _read_font,
        _read_values,
    ):
        reader(facts)
    _settle_kind(facts)
    return facts


def _settle_kind(facts: PromptFacts) -> None:
    """Keyword scores plus what the content looks like: a '45%' suggests a stat, label-value
    pairs a chart, a quotation with '— Name' after it a quote card."""
    scores = dict(facts.kind_scores)

    def bonus(kind: str, points: int) -> None:
        scores[kind] = scores.get(kind, 0) + points

    if any(re.search(r"[$€£¥%]|\d[kmbx]\b|\d,\d{3}|illion", v, re.I) for v in facts.values):
        bonus("stat-counter", 2)
    if sum(bool(re.search(r"[A-Za-z].*\d|\d.*[A-Za-z]{2}", i)) for i in facts.items) >= 2:
        bonus("bar-chart", 2)
    if facts.items:
        bonus("bullet-list", 1)
    if re.search(r"«\d+»\s*[,.]?\s*(?:[—–]|-{1,2}\s*[A-Z]|by\s+[A-Z]|said\b)", Masked(facts.prompt).text):
        bonus("quote", 3)
    if scores:
        best = max(scores.values())
        facts.kind = next(k for k in _KIND_ORDER if scores.get(k) == best)
    facts.kind_scores = scores


# --- readers, in order -------------------------------------------------------------------

_ASPECTS: tuple[tuple[str, str], ...] = (
    (r"\b9\s*[:x×/]\s*16\b|\b9 by 16\b", "9:16"),
    (r"\b16\s*[:x×/]\s*9\b|\b16 by 9\b", "16:9"),
    (r"\b4\s*[:x×/]\s*5\b|\b4 by 5\b", "4:5"),
    (r"\b1\s*[:x×/]\s*1\b", "1:1"),
    (
        r"\b(?:instagram|insta|ig|facebook|snapchat|whatsapp)\s+(?:stor(?:y|ies)|reels?)\b"
        r"|\b(?:vertical|portrait|tiktok|reels?|shorts|upright)\b|\bstor(?:y|ies) (?:format|size)\b",
        "9:16",
    ),
    (r"\bsquare\b", "1:1"),
    (r"\b(?:instagram|insta|ig)\b(?:\s+(?:post|feed|carousel))?", "4:5"),
    (r"\b(?:horizontal|landscape|widescreen|wide[- ]screen|youtube|desktop|tv)\b", "16:9"),
)


def _read_aspect(facts: PromptFacts) -> None:
    low = facts.text.lower()
    for pattern, aspect in _ASPECTS:
        m = re.search(pattern, low)
        if m:
            facts.aspect = aspect
            if ":" in m.group(0) or "x" in m.group(0) or "by" in m.group(0):
                facts.masked.blank(m.start(), m.end())
            return


_NUM = rf"(\d+(?:\.\d+)?|{NUMBER_WORD_RE})"
_SECONDS_RE = re.compile(
    rf"(?<![\w.$€£#]){_NUM}\s*(?:-|–|\s)?\s*(?:s|sec|secs|second|seconds)\b(?:\s*(?:-?\s*long|in length))?"
    rf"(\s*(?:(?:per|each|for each)\s+\w+|(?:a|an)\s+(?:bullet|item|point|slide|scene|step|tip|card|line)s?\b))?",
    re.I,
)
_MINUTES_RE = re.compile(
    rf"(?:(?:lasting|length of|duration of|runtime of|runs? for|for)\s+)?(?<![\w.$€£#]){_NUM}\s*(?:-|–|\s)?\s*"
    r"(?:min|mins|minute|minutes)\b(?=\s*(?:-?\s*long|video|clip|animation|explainer|reel|film|movie|spot|ad\b))",
    re.I,
)
_HALF_MINUTE_RE = re.compile(r"\bhalf[- ]a[- ]minute\b|\b30[- ]second\b", re.I)


def _read_duration(facts: PromptFacts) -> None:
    text = facts.text
    for m in _SECONDS_RE.finditer(text):
        value = word_number(m.group(1))
        if value is None or value <= 0:
            continue
        if m.group(2):
            facts.per_item_seconds = facts.per_item_seconds or value
        elif facts.duration is None:
            facts.duration = value
        facts.masked.blank(m.start(), m.end())
    if facts.duration is None:
        minutes = _MINUTES_RE.search(text)
        if minutes and (value := word_number(minutes.group(1))):
            facts.duration = value * 60
            facts.masked.blank(minutes.start(), minutes.end())
        elif half := _HALF_MINUTE_RE.search(text):
            facts.duration = 30.0
            facts.masked.blank(half.start(), half.end())


_BG_AFTER = r"background|backgrounds|bg|backdrop|canvas|base|theme"
_ACCENT_AFTER = r"accents?|highlights?|details?|pop|for the|on the|episode|number"
_TEXT_AFTER = r"text|font|type|lettering|letters|words|writing|copy|headlines?|titles?"
_ROLE_BEFORE: tuple[tuple[str, str], ...] = (
    (r"(?:background|bg|backdrop)\s*(?:colou?r)?\s*(?:is|in|of|:|=|should be|to)?\s*(?:a|an)?\s*$", "bg"),
    (r"\b(?:on|against)\s+(?:a|an)?\s*(?:solid|plain|flat|deep)?\s*$", "bg"),
    (
        r"(?:accents?|highlights?|highlighted|accented)\s*(?:colou?r)?\s*(?:is|in|of|with|:|=)?\s*(?:a|an)?\s*$",
        "accent",
    ),
    (r"(?:text|font|lettering|type)\s*(?:colou?r)?\s*(?:is|in|of|:|=)?\s*$", "text"),
)
_TONE_RE = re.compile(
    r"\b(dark|darker|black|light|lighter|white|bright|pale)\s+(?:background|bg|backdrop|theme|mode|palette|colou?rs?)\b"
    r"|\b(?:background|bg)\s*(?:is|:)?\s*(dark|light)\b",
    re.I,
)


def _read_colors(facts: PromptFacts) -> None:
    """Colours by name, hex or rgb(), each given a role from the words around it."""
    text = facts.text
    found: list[tuple[int, int, str]] = []
    for m in HEX_RE.finditer(text):
        if re.fullmatch(r"#\d{3}", m.group(0)) and not re.match(
            rf"\s*(?:{_BG_AFTER}|{_ACCENT_AFTER}|{_TEXT_AFTER})", text[m.end() :], re.I
        ):
            continue  # "#123" is more likely a number than a colour
        found.append((m.start(), m.end(), expand_hex(m.group(0))))
    for m in RGB_FUNC_RE.finditer(text):
        found.append((m.start(), m.end(), m.group(0).replace(" ", "")))
    for m in COLOR_WORD_RE.finditer(text):
        if not _part_of_a_name(text, m):
            found.append((m.start(), m.end(), named_color(m.group(1), m.group(2))))
    for start, end, value in sorted(found):
        role = _color_role(text, start, end)
        if role and role not in facts.colors:
            facts.colors[role] = value
        elif not role:
            facts.loose_colors.append(value)
    for m in _TONE_RE.finditer(text):
        word = (m.group(1) or m.group(2)).lower()
        facts.tone = "dark" if word in ("dark", "darker", "black") else "light"
    for start, end, _ in found:
        facts.masked.blank(start, end)


def _part_of_a_name(text: str, m: re.Match[str]) -> bool:
    """'Rose Tyler', 'Golden Gate': a capitalised colour word mid-sentence before another capitalised word."""
    if not m.group(0)[:1].isupper():
        return False
    before = text[: m.start()].rstrip()
    mid_sentence = bool(before) and before[-1] not in ".!?:\n"
    after_name = re.search(r"\b[A-Z][a-z]+$", before) is not None  # "Olive Green"
    return mid_sentence and (after_name or re.match(r"\s+[A-Z][a-z]+", text[m.end() :]) is not None)


def _color_role(text: str, start: int, end: int) -> str | None:
    after = text[end : end + 40]
    after = re.split(r"[,.;:!?\n]", after, maxsplit=1)[0].lower()
    for role, pattern in (("bg", _BG_AFTER), ("text", _TEXT_AFTER), ("accent", _ACCENT_AFTER)):
        if re.match(rf"\s*(?:colou?r(?:ed)?\s*)?(?:{pattern})\b", after):
            return role
    before = text[max(0, start - 50) : start]
    before = re.split(r"[,.;!?\n]", before)[-1].lower()
    for pattern, role in _ROLE_BEFORE:
        if re.search(pattern, before):
            return role
    return None


_EPISODE_RE = re.compile(
    rf"\b(?:episode|ep\.?|eps\.?)\s*(?:#|no\.?|number|num\.?)?\s*(\d+[a-z]?|{NUMBER_WORD_RE})\b"
    rf"|(?<![\w&])#(\d+)\b",
    re.I,
)
_SEASON_RE = re.compile(rf"\bseason\s*(?:#|no\.?|number)?\s*(\d+|{NUMBER_WORD_RE})\b", re.I)


def _read_episode(facts: PromptFacts) -> None:
    for regex, attr in ((_EPISODE_RE, "episode"), (_SEASON_RE, "season")):
        m = regex.search(facts.text)
        if m:
            raw = next(g for g in m.groups() if g)
            number = word_number(raw)
            setattr(facts, attr, raw if number is None or raw.isdigit() else f"{number:g}")
            facts.masked.blank(m.start(), m.end())


_PEOPLE: tuple[tuple[str, str, bool], ...] = (
    # (role, cue before the name, lower-case names allowed after this cue)
    ("host", r"\bhosted by\s+", True),
    ("host", r"\bwith (?:the |your |our )?host(?:'s)?(?: name)?(?: named| called| is|:)?\s+", True),
    (
        "host",
        r"\bhost(?:'s)? name(?: is|:)?\s+|\bhost(?: named| called| is|:)\s+|\bhost,?\s+(?=[A-Z«])",
        True,
    ),
    ("host", r"\bby host\s+|\bhosts?\s+(?=[A-Z«])", False),
    ("presenter", r"\bpresented by\s+|\bpresenter(?:'s)?(?: name)?(?: named| is|:)?\s+", True),
    (
        "guest",
        r"\b(?:with (?:special )?)?guests?(?:'s)?(?: name)?(?: named| is|:)?\s+|\bfeaturing\s+|\bfeat\.?\s+|\bft\.?\s+",
        True,
    ),
    (
        "name",
        r"\b(?:person|speaker|interviewee|someone|woman|man|expert|ceo|founder)\s+(?:named|called)\s+",
        True,
    ),
    ("name", r"\b(?:speaker|name|person)(?:'s name)?\s*(?:is|:|=)\s*", True),
)


_PERSON_AFTER_RE = re.compile(
    rf"({NAME_RE.pattern})\s+(?:as|is)\s+(?:the\s+|our\s+|your\s+)?(host|presenter|guest|speaker)\b"
)


def _read_people(facts: PromptFacts) -> None:
    for m in _PERSON_AFTER_RE.finditer(facts.text):  # "Olive Green as the host"
        got = name_at(facts.text, m.start(1))
        if got:
            role = {"speaker": "name"}.get(m.group(2), m.group(2))
            facts.people.setdefault(role, facts.unmask(got[0]))
            facts.masked.blank(m.start(), m.end(1))  # "host of X" stays readable as a title cue
    for role, cue, allow_lower in _PEOPLE:
        if role in facts.people:
            continue
        for m in re.finditer(cue, facts.text, re.I):
            got = name_at(facts.text, m.end(), allow_lower=allow_lower)
            if got:
                name, end = got
                more = re.match(r"\s*(?:and|&)\s+", facts.text[end:])
                second = name_at(facts.text, end + more.end()) if more else None
                if second:  # "hosts Ana Lima and Ben Ode"
                    name, end = f"{name} & {second[0]}", second[1]
                facts.people[role] = facts.unmask(name)
                facts.masked.blank(m.start(), end)
                break


_TITLE_CUE_RE = re.compile(
    r"\b(?:called|titled|entitled|named|with the (?:title|name)|title(?:d)?\s*(?:is|:|=)|title\s+(?=«)"
    r"|(?:show|podcast|channel|series|brand|company|product) name\s*(?:is|:|=)?"
    r"|(?:host|presenter|creator|founder) of(?: the (?:podcast|show|channel|series))?)\s*",
    re.I,
)


def _read_title(facts: PromptFacts) -> None:
    m = _TITLE_CUE_RE.search(facts.text)
    if not m:
        return
    token = TOKEN_RE.match(facts.text, m.end())
    if token:
        facts.title = facts.unmask(token.group(0))
        facts.masked.blank(m.start(), token.end())
        return
    phrase, end = clause_after(facts.text, m.end(), stops=r"hosted|presented|about|that|which|where")
    if phrase:
        facts.title = facts.unmask(phrase)
        facts.masked.blank(m.start(), end)


_N = rf"(\d+(?:\.\d+)?|{NUMBER_WORD_RE})"
_PREP_RE = re.compile(
    r"\b(?:ready in|takes|prep(?:aration)? time(?: of| is|:)?|cook(?:ing)? time(?: of| is|:)?|in|under"
    rf"|total time(?: of| is|:)?)\s+(?:about\s+|just\s+|only\s+)?{_N}\s*(?:-|\s)?"
    r"(min|mins|minutes|hour|hours|hr|hrs|h)\b",
    re.I,
)
_SERVINGS_RE = re.compile(
    rf"\bserves\s+{_N}|\bfor\s+{_N}\s+(?:people|persons|servings|guests)|\b{_N}\s+(?:servings|portions)", re.I
)
_RECIPE_WORD = r"\b(?:recipe|ingredients)(?:\s+(?:card|video|clip|reel))?"
_DISH_FOR_RE = re.compile(rf"{_RECIPE_WORD}\s+(?:for|of)\s+(?:(?:a|an|the|my|our|some|classic)\s+)?", re.I)
_DISH_LABEL_RE = re.compile(rf"{_RECIPE_WORD}\s*(?::|[—–])\s*", re.I)
_DISH_RE = re.compile(
    r"«\d+»|[^,.;:!?\n—–(]{2,60}?(?=\s+(?:with|made|using|including|containing|that|which|ready|takes|you"
    r"|for\s+\d|in\s+\d|on\s+(?:a|an)|in\s+(?:a|an))\b|\s*[,.;:!?\n—–(]|\s*$)",
    re.I,
)
_DISH_BEFORE_RE = re.compile(r"((?:[\w'’-]+\s+){1,5})recipe\b", re.I)
_DISH_NOISE = re.compile(
    r"^(?:(?:a|an|the|my|our|your|make|create|give|me|show|please|i|want|need|short|animated|little|nice|"
    r"video|card|vertical|square|portrait|landscape)\s+)+",
    re.I,
)


def _read_recipe(facts: PromptFacts) -> None:
    """A recipe's dish, time and servings, read before lists and colours so that 'ready in 20
    minutes' is not an ingredient and the chocolate in 'chocolate chip cookies' is not a colour."""
    if facts.kind != "recipe-card":
        return
    if m := _PREP_RE.search(facts.text):
        amount = word_number(m.group(1))
        if amount:
            facts.prep_time = f"{amount:g} min" if m.group(2).lower().startswith("m") else f"{amount:g} h"
            facts.masked.blank(m.start(), m.end())
    if m := _SERVINGS_RE.search(facts.text):
        facts.servings = word_number(next(g for g in m.groups() if g))
        facts.masked.blank(m.start(), m.end())
    span = None if facts.title else _dish_span(facts.text)
    if span and (dish := facts.unmask(facts.text[span[0] : span[1]]).strip()):
        facts.title = dish
        facts.masked.blank(*span)
    for m in re.finditer(
        r"\brecipe(?:\s+(?:card|video|clip|reel))?\b", facts.text, re.I
    ):  # it chose the kind
        facts.masked.blank(m.start(), m.end())


def _dish_span(text: str) -> tuple[int, int] | None:
    """'recipe for X', else 'X recipe', else 'Recipe: X' — unless X is the first of a list
    ('Smoothie recipe: banana, spinach, honey' names its ingredients there, not its dish)."""
    if (m := _DISH_FOR_RE.search(text)) and (dish := _DISH_RE.match(text, m.end())):
        return dish.span()
    if m := _DISH_BEFORE_RE.search(text):
        words = re.split(r"[,.;:!?\n—–]", m.group(1))[-1]
        noise = _DISH_NOISE.match(words)
        if words[noise.end() if noise else 0 :].strip():
            return m.end(1) - len(words) + (noise.end() if noise else 0), m.end(1)
    m = _DISH_LABEL_RE.search(text)
    dish = _DISH_RE.match(text, m.end()) if m else None
    if dish and not re.match(r"\s*,\s*[^\s.,;]", text[dish.end() :]):
        return dish.span()
    return None


_TOPIC_RE = re.compile(
    r"\b(?:about|explaining|explains|covering|introducing|announcing|on the topic of|regarding|(?:on|of)(?= how\b)"
    r"|(?:tutorial|guide|walkthrough|lesson)\s+(?:on|to|for))\s+",
    re.I,
)


def _read_topic(facts: PromptFacts) -> None:
    m = _TOPIC_RE.search(facts.text)
    if m:
        phrase, end = clause_after(facts.text, m.end(), stops=r"using|that|which|showing|listing|including")
        if phrase:
            facts.topic = facts.unmask(phrase)
            facts.masked.blank(m.start(), end)


def _read_mood(facts: PromptFacts) -> None:
    low = facts.text.lower()
    hits = [
        (m.start(), MOOD_WORDS[m.group(1)])
        for m in re.finditer(rf"\b({'|'.join(map(re.escape, MOOD_WORDS))})\b", low)
    ]
    moods = [mood for _, mood in sorted(hits) if mood not in ("dark", "light")]
    facts.mood = moods[0] if moods else None
    if facts.tone is None and any(mood in ("dark", "light") for _, mood in hits):
        facts.tone = next(mood for _, mood in sorted(hits) if mood in ("dark", "light"))


_FONT_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bmonospace\b|\bmono\b|\bcode font\b|\bterminal\b|\btypewriter\b", "JetBrains Mono"),
    (r"(?<!sans[- ])\bserif\b|\bclassic type\b|\beditorial\b", "Noto Serif"),
    (r"\bsans(?:-serif)?\b", "Inter"),
)
"""How people describe a typeface without naming one, and the bundled family that fits."""


def font_named(text: str) -> str | None:
    """The bundled text family that words ask for: a family's own name ("Noto Sans Mono"), else a
    description ("monospace", "a serif", "typewriter"); None when they name no font."""
    low = text.lower()
    for family in sorted(TEXT_FAMILIES, key=len, reverse=True):
        if re.search(rf"\b{re.escape(family.lower())}\b", low):
            return family
    return next((family for pattern, family in _FONT_WORDS if re.search(pattern, low)), None)


def _read_font(facts: PromptFacts) -> None:
    facts.font = font_named(facts.text)


def _read_values(facts: PromptFacts) -> None:
    for m in VALUE_RE.finditer(facts.text):
        if facts.text[max(0, m.start() - 1) : m.start()] == "«":
            continue
        value = re.sub(r"\s+", " ", m.group(1)).strip()
        if re.fullmatch(r"\d", value) and facts.text[m.end() : m.end() + 1] == ":":
            continue
        facts.values.append(value.replace(" percent", "%"))
