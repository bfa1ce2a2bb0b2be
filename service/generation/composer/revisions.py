"""Plain-words revisions of a composition, offline: "make the background blue", "change the
title to 'Night Shift'", "make it 10 seconds", "vertical", "remove the host".

An instruction is cut into clauses; each clause must be understood or the whole revision is
refused with a message saying what can be changed — silently ignoring half a request would
be worse. A clause that is not understood on its own but follows a text change is read as
the rest of that text ("change the title to Salt and Pepper").
"""

from __future__ import annotations

import re

from sandbox import TEXT_FAMILIES, CompositionError, declared_variables, root_attributes

from ..document_edits import format_seconds, set_root_attributes, set_variable_defaults
from .palette import MOODS, is_dark, normalize_css_color, readable_text
from .phrases import Masked, split_items
from .prompt_reading import font_named, read_prompt

_COLOR_TARGETS = {
    "background": "bg", "bg": "bg", "backdrop": "bg", "background colour": "bg", "background color": "bg",
    "accent": "accent", "accent colour": "accent", "accent color": "accent", "highlight colour": "accent",
    "highlight color": "accent", "text colour": "text", "text color": "text", "font colour": "text",
    "font color": "text",
}  # fmt: skip
_ROLE_VARIABLES: dict[str, tuple[str, ...]] = {
    # The templates' names first, then names model-written documents tend to use.
    "bg": ("BG", "BACKGROUND", "BG_COLOR", "BACKGROUND_COLOR", "BG_COLOUR", "BACKGROUND_COLOUR"),
    "accent": (
        "ACCENT",
        "ACCENT_COLOR",
        "ACCENT_COLOUR",
        "PRIMARY",
        "PRIMARY_COLOR",
        "BRAND_COLOR",
        "HIGHLIGHT",
    ),
    "text": ("TEXT", "TEXT_COLOR", "TEXT_COLOUR", "FG", "FOREGROUND", "INK", "COLOR"),
}
_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("TITLE", "BRAND", "MESSAGE", "QUOTE"),
    "heading": ("TITLE",),
    "headline": ("TITLE", "MESSAGE"),
    "host": ("HOST", "NAME"),
    "host name": ("HOST", "NAME"),
    "presenter": ("HOST", "NAME"),
    "name": ("NAME", "HOST", "BRAND"),
    "speaker": ("NAME", "HOST"),
    "episode": ("EPISODE",),
    "episode number": ("EPISODE",),
    "quote": ("QUOTE", "MESSAGE"),
    "author": ("AUTHOR",),
    "tagline": ("TAGLINE",),
    "slogan": ("TAGLINE", "MESSAGE"),
    "brand": ("BRAND",),
    "brand name": ("BRAND",),
    "company": ("BRAND",),
    "logo": ("MARK", "BRAND"),
    "message": ("MESSAGE", "QUOTE", "TITLE"),
    "text": ("MESSAGE", "QUOTE", "TITLE"),
    "words": ("MESSAGE", "QUOTE"),
    "subtitle": ("SUBTITLE",),
    "kicker": ("KICKER",),
    "label": ("LABEL", "KICKER"),
    "role": ("ROLE",),
    "job title": ("ROLE",),
    "points": ("POINTS", "SCENES", "INGREDIENTS"),
    "bullets": ("POINTS",),
    "bullet points": ("POINTS",),
    "items": ("POINTS", "INGREDIENTS", "SCENES"),
    "list": ("POINTS", "INGREDIENTS", "SCENES"),
    "ingredients": ("INGREDIENTS",),
    "scenes": ("SCENES",),
    "steps": ("SCENES", "POINTS"),
    "data": ("DATA",),
    "values": ("DATA",),
    "numbers": ("DATA", "VALUE"),
    "value": ("VALUE",),
    "number": ("VALUE", "EPISODE", "FROM"),
    "stat": ("VALUE",),
    "end text": ("END_TEXT",),
    "ending": ("END_TEXT",),
    "final text": ("END_TEXT",),
    "start": ("FROM",),
    "emoji": ("EMOJI",),
    "font": ("FONT",),
    "typeface": ("FONT",),
}
_LIST_VARIABLES = {"POINTS", "INGREDIENTS", "SCENES", "DATA"}
_COMPANIONS = {"HOST": "HOST_LABEL", "EPISODE": "EPISODE_LABEL"}

_SET_RES = (
    re.compile(
        r"^(?:please\s+)?(?:change|set|update|rename|replace|edit|switch|turn|make)\s+(?:the\s+|its\s+)?(.+?)\s+(?:to|into|as|with|:|=)\s+(.+)$",
        re.I,
    ),
    re.compile(r"^(?:please\s+)?(?:make|have|let)\s+(?:the\s+)?(.+?)\s+(?:say|read|show)s?\s+(.+)$", re.I),
    re.compile(r"^(?:the\s+)?([a-z][\w ]{1,30}?)\s*(?:should be|should say|is|:|=)\s+(.+)$", re.I),
    re.compile(r"^(?:the\s+)?([a-z][\w ]{1,30}?)\s+(?:to|into)\s+(.+)$", re.I),
    re.compile(r"^(?:please\s+)?(?:make|set|call|have)?\s*(?:the\s+)?([a-z][\w ]{0,30}?)\s+(«\d+»)$", re.I),
)
_RENAME_RE = re.compile(
    r"^(?:please\s+)?(?:rename|retitle|call)\s+(?:it|this|the video)\s+(?:to\s+)?(.+)$", re.I
)
_REMOVE_RE = re.compile(
    r"^(?:please\s+)?(?:remove|hide|delete|drop|get rid of|no|without)\s+(?:the\s+)?(.+?)(?:\s+line)?$", re.I
)
_PACE_RE = re.compile(r"\b(shorter|quicker|faster|longer|slower)\b", re.I)
_SPLIT_RE = re.compile(
    r"(\s*(?:[;\n]|,\s*(?:and\s+)?(?:then\s+)?|\.\s+|\s+and\s+(?:then\s+)?|\s+then\s+|\s+also\s+)\s*)", re.I
)
_FILLER_RE = re.compile(
    r"^(?:please|pls|and|also|then|now)\s+|\s+(?:please|instead|too|as well)$|[.!]+$", re.I
)


class _Edit:
    """What one instruction changes; applied to the document only if every clause was understood."""

    def __init__(self, html: str) -> None:
        self.html = html
        try:
            self.declared = declared_variables(html)
        except CompositionError as exc:
            raise ValueError(str(exc)) from None
        self.attrs: dict[str, str] = {}
        self.values: dict[str, str] = {}
        self.colors = {
            role: name
            for role, names in _ROLE_VARIABLES.items()
            if (name := next((n for n in names if normalize_css_color(self.declared.get(n, ""))), None))
        }
        """role ('bg', 'accent', 'text') → the variable that holds that colour in this document."""
        self.explicit_text = False

    def set_var(self, name: str, value: str) -> None:
        self.values[name] = value
        if name == self.colors.get("text"):
            self.explicit_text = True

    def set_color(self, role: str, value: str) -> str:
        name = self.colors.get(role)
        if name is None:
            raise ValueError(
                f"this composition has no {role} colour variable (such as {_ROLE_VARIABLES[role][0]})"
            )
        self.set_var(name, value)
        return name

    def current(self, name: str | None) -> str | None:
        return None if name is None else self.values.get(name, self.declared.get(name))

    def apply(self) -> str:
        bg, text = self.colors.get("bg"), self.colors.get("text")
        if bg in self.values and text and not self.explicit_text:
            fixed = readable_text(self.values[bg], self.current(text))
            if fixed != self.current(text):
                self.values[text] = fixed
        for name in _LIST_VARIABLES & self.values.keys():
            if "|" not in self.values[name]:
                self.values[name] = " | ".join(split_items(self.values[name]))
        html = set_variable_defaults(self.html, self.values) if self.values else self.html
        return set_root_attributes(html, self.attrs) if self.attrs else html


def apply_revision(html: str, instruction: str) -> str:
    """See the module docstring. Raises ValueError (one line) when the instruction is not understood."""
    if not instruction or not instruction.strip():
        raise ValueError('the instruction is empty: say what to change, e.g. "make the background blue"')
    if not html or "<html" not in html.lower():
        raise ValueError("there is no composition to revise: the document has no <html> root")
    edit = _Edit(html)
    masked = Masked(instruction.strip())
    parts = _SPLIT_RE.split(masked.text)
    last_text_var: str | None = None
    unknown: list[str] = []
    for i in range(0, len(parts), 2):
        clause = _FILLER_RE.sub("", parts[i].strip()).strip()
        if not clause:
            continue
        changed = _clause(edit, clause, masked)
        if changed is None and last_text_var and not unknown:
            # Not a change of its own: the rest of the text being set ("Salt and Pepper").
            sep = parts[i - 1]
            edit.values[last_text_var] += masked.unmask(sep + parts[i].strip()).rstrip(".")
            continue
        if changed is None:
            unknown.append(masked.unmask(clause))
            continue
        quoted_value = bool(re.search(r"«\d+»\s*$", clause))
        last_text_var = None if quoted_value or changed in ("", *edit.colors.values()) else changed
    if unknown:
        names = ", ".join(sorted(k for k in edit.declared if k not in edit.colors.values())) or "none"
        raise ValueError(
            f'could not understand {unknown[0]!r}: offline edits can change colours ("make the background blue"), '
            f'text by name ("change the title to …"; this document has {names}), '
            f'the length ("make it 10 seconds") and the shape ("vertical", "square")'
        )
    return edit.apply()


def _clause(edit: _Edit, clause: str, masked: Masked) -> str | None:
    """Apply one clause to `edit`. Returns the variable set ('' for other changes), None if not understood."""
    m = _RENAME_RE.match(clause)
    if m:
        target = _resolve("title", edit)
        if target:
            return _set_text(edit, target, masked.unmask(m.group(1)))
    m = _REMOVE_RE.match(clause)
    if m:
        target = _resolve(m.group(1), edit)
        if target and target not in edit.colors.values():
            edit.set_var(target, "")
            if target in _COMPANIONS and _COMPANIONS[target] in edit.declared:
                edit.set_var(_COMPANIONS[target], "")
            return ""
    for regex in _SET_RES:
        m = regex.match(clause)
        if not m:
            continue
        target_words, raw = m.group(1).strip(), m.group(2).strip()
        value = masked.unmask(raw).strip().rstrip(".")
        if target_words.lower() in ("duration", "length", "the duration", "the length"):
            return _style_clause(edit, f"{raw} seconds" if re.fullmatch(r"[\d.]+", raw) else raw, masked)
        if target_words.lower() in ("aspect", "aspect ratio", "format", "shape", "orientation"):
            return _style_clause(edit, raw, masked)
        target = _resolve(target_words, edit)
        if target is not None and target in edit.colors.values():
            color = normalize_css_color(value) or _color_from_words(value)
            if color is None:
                raise ValueError(
                    f"{value!r} is not a colour: use a name like 'navy' or a hex value like #1e3a8a"
                )
            edit.set_var(target, color)
            return target
        if target == "FONT":
            font = font_named(value)
            if font is None:
                raise ValueError(f"font {value!r} is not available: use {', '.join(TEXT_FAMILIES)}")
            edit.set_var("FONT", font)
            return ""
        if target:
            return _set_text(edit, target, value)
    return _style_clause(edit, clause, masked)


def _set_text(edit: _Edit, target: str, value: str) -> str:
    edit.set_var(target, value)  # list variables are split into items in apply(), after any continuation
    companion = _COMPANIONS.get(target)
    if companion and companion in edit.declared and not edit.current(companion):
        edit.set_var(companion, {"HOST_LABEL": "Hosted by", "EPISODE_LABEL": "Episode"}[companion])
    return target


def _resolve(words: str, edit: _Edit) -> str | None:
    """'background' → BG, 'episode number' → EPISODE, 'host_label' → HOST_LABEL; None if no such variable."""
    declared = edit.declared
    key = re.sub(r"\s+", " ", words.lower().replace("_", " ")).strip()
    key = re.sub(r"^(?:the|its|their|our|my)\s+", "", key)
    key = re.sub(r"\s+(?:text|line|variable|field)$", "", key) if key not in _COLOR_TARGETS else key
    if key in _COLOR_TARGETS and _COLOR_TARGETS[key] in edit.colors:
        return edit.colors[_COLOR_TARGETS[key]]
    exact = key.upper().replace(" ", "_")
    if exact in declared:
        return exact
    for candidate in _ALIASES.get(key, ()):
        if candidate in declared:
            return candidate
    return None


def _color_from_words(value: str) -> str | None:
    facts = read_prompt(value)
    colors = list(facts.colors.values()) + facts.loose_colors
    return colors[0] if colors else None


def _style_clause(edit: _Edit, clause: str, masked: Masked) -> str | None:
    """Aspect, duration, colours, mood and font — the same words a prompt would use."""
    facts = read_prompt(masked.unmask(clause))
    understood = False
    if facts.aspect:
        edit.attrs["data-aspect"] = facts.aspect
        understood = True
    if facts.duration:
        edit.attrs["data-duration"] = format_seconds(min(600.0, facts.duration))
        understood = True
    elif m := _PACE_RE.search(clause):
        current = float(
            edit.attrs.get("data-duration") or root_attributes(edit.html).get("data-duration") or 6
        )
        factor = 0.75 if m.group(1).lower() in ("shorter", "quicker", "faster") else 1.5
        edit.attrs["data-duration"] = format_seconds(round(max(1.0, min(600.0, current * factor)), 1))
        understood = True
    roles = dict(facts.colors)
    for loose in facts.loose_colors:
        roles.setdefault("accent", loose)
    bg_now = edit.current(edit.colors.get("bg")) or ""
    if facts.mood and edit.colors:
        palette = MOODS[facts.mood][
            1 if facts.tone == "light" or (facts.tone is None and is_dark(bg_now) is False) else 0
        ]
        for role, value in (("bg", palette.bg), ("accent", palette.accent), ("text", palette.text)):
            if role in edit.colors:
                edit.values[edit.colors[role]] = value
        understood = True
    if facts.tone and "bg" not in roles and not facts.mood:
        if facts.tone == "dark" and is_dark(bg_now) is not True:
            edit.set_color("bg", MOODS["dark"][0].bg)
        elif facts.tone == "light" and is_dark(bg_now) is not False:
            edit.set_color("bg", MOODS["light"][1].bg)
        understood = True
    for role, value in roles.items():
        edit.set_color(role, value)
        understood = True
    if facts.font and "FONT" in edit.declared:
        edit.set_var("FONT", facts.font)
        understood = True
    return "" if understood else None
