"""The lists in a prompt, in the ways people write them: bullet and numbered lines, headed
scenes, label-value runs for charts, "ingredients: a, b and c" (or "… are a, b and c"),
prose ("made with a, b, c and d", "using a, b or c") and runs separated by semicolons.

Readers go from the most to the least explicit form and the first that finds a list wins;
what it read is blanked from the working text so later readers do not read it again.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import TYPE_CHECKING

from .palette import COLOR_WORD_RE
from .phrases import VALUE_TOKEN, split_items

if TYPE_CHECKING:
    from .prompt_reading import PromptFacts

_LIST_CUES = (
    r"bullet points?|bullets?|points?|items?|list|steps?|tips?|reasons?|takeaways?|ingredients?|agenda|"
    r"topics?|features?|scenes?|lessons?|facts?|benefits?|ideas?|highlights?|data|values?|stages?|phases?|"
    r"things|ways|rules|goals|results|numbers|figures|stats|sections?|chapters?"
)
_END = r"(?=\.(?=\s|$)|\n|\s[—–]\s|$)"
_LIST_RE = re.compile(
    rf"\b({_LIST_CUES})\b[^:\n.]{{0,40}}?(?::|—|–|\s-\s|\s(are|include|includes)\s)\s*(.+?){_END}", re.I
)
_PROSE_CUE_RE = re.compile(
    r"\b(?:made (?:with|from|of|using)|with|using|including|containing|covering|listing|such as|of"
    r"|(?:you(?:'ll| will)? )?needs?|requires?|combining)\s+",
    re.I,
)
_STYLE_TAIL_RE = re.compile(
    r"\s+(?:on|in|with|against|over)\s+(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:background|backdrop|theme|accents?|colou?rs?|font|palette|mode|format)\b[^,;|•]*$"
    r"|\s+in\s+(?:vertical|portrait|square|landscape|\d+:\d+)\b[^,;|•]*$",
    re.I,
)
_RECIPE_META_RE = re.compile(
    r"^(?:ready in|takes|serves|serving|makes|prep|cook(?:ing)? time|total time|for \d+ (?:people|servings))\b",
    re.I,
)
_NUMBERED_RE = re.compile(
    r"(?:^|\s)(?:\(?(\d{1,2})[.)]|(?:scene|step|slide|part)\s+(\d{1,2})\s*[:.)-])\s+", re.I
)
_BULLET_LINE_RE = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+(.+?)\s*$", re.M)
_HEADED_RE = re.compile(r"(?:^|(?<=[.:\n]))\s*([A-Z][\w' ]{0,30}?):\s*([^.:\n]{2,}?)(?=\.(?=\s|$)|\n|$)")
_GENERIC_LIST_RE = re.compile(rf"(?:^|[.\n]\s*|\s)([\w ]{{2,40}}):\s*([^:\n]+?,[^:\n]+?){_END}")
_SEPARATED_RE = re.compile(r"(^|[.\n:]\s*)([^.:\n;|•]+(?:[;|•][^.:\n;|•]+){2,})")
_LABEL = r"[A-Za-z][\w'&/-]*(?:\s+[A-Za-z][\w'&/-]*){0,3}"
_VALUE = rf"{VALUE_TOKEN}(?!\w|\.\d)"
_PAIR_RUN_RE = re.compile(
    rf"((?:{_LABEL}\s*[:=]?\s*{_VALUE})(?:\s*(?:,|;|\band\b)\s*(?:{_LABEL}\s*[:=]?\s*{_VALUE}))+)", re.I
)
_PAIR_LEAD_RE = re.compile(
    r"^.*\b(?:comparing|compare|showing|show|of|with|for|between|across|chart|graph|plot)\s+", re.I
)
_STYLE_RE = re.compile(
    r"\b(?:background|backdrop|accents?|colou?rs?|font|theme|\w+\s+mood|vertical|portrait|landscape|square|seconds?)\b",
    re.I,
)
_NOT_LIST_KEYS = re.compile(
    r"\b(?:title|name|host|guest|author|quote|colou?rs?|background|accent|tagline|duration)\b", re.I
)
_LIST_KINDS = {None, "bullet-list", "multi-scene", "bar-chart", "line-chart", "recipe-card"}
_CHART_KINDS = {"bar-chart", "line-chart"}


def read_items(facts: PromptFacts) -> None:
    """The first list the prompt holds, tried from the most to the least explicit form."""
    for reader in (
        _bullet_lines,
        _numbered,
        _headed,
        _pair_run,
        _cued_list,
        _generic_list,
        _prose_list,
        _separated,
    ):
        if reader(facts):
            return


def _take(
    facts: PromptFacts, items: list[str], spans: list[tuple[int, int]], cue: str | None, lead: str
) -> bool:
    items = [facts.unmask(i).strip(" ,;.") for i in items]
    items = [i for i in items if i]
    if not items:
        return False
    facts.items = items
    facts.item_cue = cue.strip().lower() if cue else None
    lead = facts.unmask(re.split(r"[.!?\n]", lead.rstrip())[-1]).strip(" :-—–")
    facts.list_lead = lead or None
    for start, end in spans:
        facts.masked.blank(start, end)
    return True


def _cue_in(text: str) -> str | None:
    m = re.search(rf"\b({_LIST_CUES})\b", text, re.I)
    return m.group(1) if m else None


def _bullet_lines(facts: PromptFacts) -> bool:
    text = re.sub(r":[ \t](?=\s*[-*•·]\s)", ":\n", facts.text)  # "Agenda: - a\n- b": the first bullet too
    found = list(_BULLET_LINE_RE.finditer(text))
    if len(found) < 2:
        return False
    lead = text[: found[0].start()]
    return _take(facts, [m.group(1) for m in found], [m.span() for m in found], _cue_in(lead), lead)


def _numbered(facts: PromptFacts) -> bool:
    text = facts.text
    numbered = list(_NUMBERED_RE.finditer(text))
    if len(numbered) < 2 or [int(m.group(1) or m.group(2)) for m in numbered[:2]] != [1, 2]:
        return False
    chunks = [text[a.end() : b.start()] for a, b in pairwise(numbered)]
    last_text, last_end = _sentence_from(text, numbered[-1].end())
    lead = text[: numbered[0].start()]
    cue = _cue_in(lead) or ("scenes" if numbered[0].group(2) else None)
    return _take(facts, [*chunks, last_text], [(numbered[0].start(), last_end)], cue, lead)


def _headed(facts: PromptFacts) -> bool:
    """'Problem: meetings eat your day. Solution: async updates.' — scenes or points with headings."""
    if facts.kind not in {None, "bullet-list", "multi-scene"}:
        return False
    found = list(_HEADED_RE.finditer(facts.text))
    if len(found) < 2:
        return False
    lead = facts.text[: found[0].start()]
    items = [f"{m.group(1).strip()}: {m.group(2).strip()}" for m in found]
    return _take(facts, items, [m.span() for m in found], _cue_in(lead), lead)


def _pair_run(facts: PromptFacts) -> bool:
    """'apples 30, bananas 45 and cherries 12' — chart data without a list cue."""
    if facts.kind not in _CHART_KINDS:
        return False
    m = _PAIR_RUN_RE.search(facts.text)
    if not m:
        return False
    parts = re.split(r"\s*(?:,|;|\band\b)\s*", m.group(1))
    parts[0] = _PAIR_LEAD_RE.sub("", parts[0])
    lead = facts.text[: m.start()]
    return _take(facts, parts, [m.span()], "data", lead)


def _cued_list(facts: PromptFacts) -> bool:
    """'Ingredients: a, b' / 'the steps are a, b and c'; a recipe's ingredients before its steps."""
    found = list(_LIST_RE.finditer(facts.text))
    if facts.kind == "recipe-card":
        found.sort(key=lambda m: not m.group(1).lower().startswith("ingredient"))
    for m in found:
        # "tips are important" is a sentence; "tips are a, b and c" a list.
        if _take_segment(facts, m.start(3), m.end(3), m.group(1), min_items=2 if m.group(2) else 1):
            return True
    return False


def _generic_list(facts: PromptFacts) -> bool:
    if facts.kind not in _LIST_KINDS:
        return False
    for m in _GENERIC_LIST_RE.finditer(facts.text):
        if not _NOT_LIST_KEYS.search(m.group(1)):
            return _take_segment(facts, m.start(2), m.end(2), _cue_in(m.group(1)), exclude_colors=True)
    return False


def _prose_list(facts: PromptFacts) -> bool:
    """'a pancake recipe with flour, milk, eggs and butter', 'made with a, b and c', 'using a or b'.

    The run after the cue must look like a list: short items, three or more, or two joined by
    'and'/'or' when the kind takes a list. The cue nearest the run wins ('a card with a warm
    look for pancakes with flour, milk and eggs' reads the second 'with')."""
    if facts.kind in _CHART_KINDS or facts.kind not in _LIST_KINDS:
        return False
    text = facts.text
    for m in _PROSE_CUE_RE.finditer(text):
        end = re.compile(rf".*?{_END}").match(text, m.end())
        stop = end.end() if end else len(text)
        first = re.split(r",|;|\s(?:and|or|&)\s", text[m.end() : stop], maxsplit=1)[0]
        if _PROSE_CUE_RE.search(first):
            continue
        least = 3 if facts.kind is None else 2
        if _take_segment(facts, m.end(), stop, None, exclude_colors=True, min_items=least, max_words=8):
            return True
    return False


def _separated(facts: PromptFacts) -> bool:
    if facts.kind not in _LIST_KINDS:
        return False
    m = _SEPARATED_RE.search(facts.text)
    return m is not None and _take_segment(facts, m.start(2), m.end(2), None, exclude_colors=True)


def _take_segment(
    facts: PromptFacts,
    start: int,
    end: int,
    cue: str | None,
    *,
    exclude_colors: bool = False,
    min_items: int = 1,
    max_words: int | None = None,
) -> bool:
    """Items of the 'a, b and c' run in text[start:end]. A styling tail ('… on a dark
    background') is cut from an item and styling-only items are left out, so both stay readable
    by the colour readers; so are a recipe's time and servings. Colour words are items in a
    recipe (chocolate, lemon, cream) and, with `exclude_colors`, styling elsewhere."""
    text = facts.text
    first = re.split(r"[,;|•]", text[start:end], maxsplit=1)[0]
    if (dash := max(first.rfind(" — "), first.rfind(" – "))) >= 0:
        start += dash + 3  # "why sleep matters — memory, mood and metabolism": the list starts after the dash
    items = []
    for raw in split_items(_STYLE_TAIL_RE.sub("", text[start:end].rstrip(" ,;"))):
        item = _STYLE_TAIL_RE.sub("", raw).strip()
        if item and not (
            _STYLE_RE.search(item)
            or (exclude_colors and facts.kind != "recipe-card" and COLOR_WORD_RE.search(item))
            or (facts.kind == "recipe-card" and _RECIPE_META_RE.search(item))
        ):
            items.append(item)
    if len(items) < min_items or (max_words and any(len(i.split()) > max_words for i in items)):
        return False
    spans, pos = [], start
    for item in items:
        at = text.find(item, pos, end)
        if at >= 0:
            spans.append((at, at + len(item)))
            pos = at + len(item)
    return _take(facts, items, spans, cue, text[:start])


def _sentence_from(text: str, pos: int) -> tuple[str, int]:
    m = re.compile(r"(.+?)(?=\.(?=\s|$)|\n|$)").match(text, pos)
    return (m.group(1), m.end(1)) if m else ("", pos)
