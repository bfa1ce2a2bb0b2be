"""The offline composer: a prompt → a finished composition from `templates/`, with no model,
no key and no network. The same request always gives the same document.

It reads the prompt (`prompt_reading`), picks the template for the kind of video, fills the
template's content variables (`template_filling`) and its colours, and writes every chosen
value into the document's hf-variables defaults — so the result is self-contained and
stays editable by name. `revise_offline` applies simple edits to any composition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sandbox import CANONICAL_SIZES, DEFAULT_ASPECT, declared_variables, duration_problem, root_attributes
from service.settings import get_settings

from ..document_edits import format_seconds, set_root_attributes, set_variable_defaults
from .catalog import DEFAULT_KIND, KINDS, template_text
from .palette import MOODS, contrast, is_dark, luminance, mix, normalize_css_color, readable_text, saturation
from .prompt_reading import PromptFacts, read_prompt
from .revisions import apply_revision
from .template_filling import fill_content, suggested_duration

COLOR_VARIABLES = ("BG", "ACCENT", "TEXT")


@dataclass(frozen=True)
class OfflineComposition:
    html: str
    template: str
    """The template's kind, e.g. 'title-card' (its file is templates/<kind>.html)."""
    variables: dict[str, str] = field(default_factory=dict)
    """Every variable's value as written into the hf-variables block."""
    duration: float = 6.0
    aspect: str = DEFAULT_ASPECT


def compose_offline(
    prompt: str,
    *,
    duration: float | None = None,
    aspect: str | None = None,
    fps: float | None = None,
    brand_colors: list[str] | None = None,
    variables: dict[str, str] | None = None,
    kind: str | None = None,
    max_duration: float | None = None,
) -> OfflineComposition:
    """Compose a video for `prompt`. Explicit arguments win over what the prompt says.

    A length read from the prompt is clamped to `max_duration` (the server's setting; None:
    this process's settings).

    Raises ValueError (one line) for an empty prompt or an unusable argument.
    """
    if not isinstance(prompt, str) or not prompt.strip():
        raise ValueError(
            "the prompt is empty: describe the video, e.g. \"a 6-second title card for 'My Show'\""
        )
    facts = read_prompt(prompt.strip())
    chosen = kind or _fallback_kind(facts)
    if chosen not in KINDS:
        raise ValueError(f"unknown template kind {chosen!r}: use one of {', '.join(KINDS)}")
    template = template_text(chosen)
    values = declared_variables(template)
    content = fill_content(chosen, facts)
    values.update(content)
    values.update(_style(facts, values, brand_colors or []))
    if facts.font:
        values["FONT"] = facts.font
    if variables:
        values.update({str(k): str(v) for k, v in variables.items()})

    default_duration = float(root_attributes(template).get("data-duration", "6"))
    suggested = suggested_duration(chosen, facts, values, default_duration)
    longest = get_settings().max_duration if max_duration is None else max_duration
    final_duration = _duration(duration, facts.duration, suggested, longest)
    if chosen == "countdown" and duration is not None and "FROM" not in {**content, **(variables or {})}:
        # A length given only as an argument: one number per second, then the end text.
        values["FROM"] = str(max(1, round(final_duration) - 1))
    final_aspect = _aspect(aspect or facts.aspect or DEFAULT_ASPECT)
    html = set_root_attributes(
        set_variable_defaults(template, values), _root(final_duration, final_aspect, fps)
    )
    return OfflineComposition(html, chosen, declared_variables(html), final_duration, final_aspect)


def revise_offline(html: str, instruction: str) -> str:
    """Apply a plain-words edit ("make the background blue", "change the title to X",
    "make it 10 seconds", "vertical") by editing the hf-variables defaults and root attributes.

    Raises ValueError with a message saying what is understood when the instruction is not.
    """
    return apply_revision(html, instruction)


def _fallback_kind(facts: PromptFacts) -> str:
    if facts.kind:
        return facts.kind
    if facts.items:
        return "bullet-list"
    if facts.quotes and len(max(facts.quotes, key=len).split()) >= 5:
        return "kinetic-type"
    return DEFAULT_KIND


def _duration(explicit: float | None, from_prompt: float | None, suggested: float, longest: float) -> float:
    """The argument if given (checked against `longest`, the setting), else the prompt's (clamped
    to `longest`), else `suggested`."""
    if explicit is not None:
        value = float(explicit)
        if problem := duration_problem(value, longest):
            raise ValueError(problem)
        return value
    if from_prompt is not None:
        return min(longest, max(1.0, from_prompt))
    return suggested


def _root(duration: float, aspect: str, fps: float | None) -> dict[str, str]:
    attrs = {"data-duration": format_seconds(duration), "data-aspect": aspect}
    if fps is not None:
        if not 1 <= fps <= 120:
            raise ValueError(f"fps {fps:g} is out of range: use 1 to 120")
        attrs["data-fps"] = format_seconds(fps)
    return attrs


def _aspect(value: str) -> str:
    value = value.strip().replace("x", ":").replace("/", ":")
    if value not in CANONICAL_SIZES:
        raise ValueError(f"aspect {value!r} is not supported: use one of {', '.join(CANONICAL_SIZES)}")
    return value


def _style(facts: PromptFacts, values: Mapping[str, str], brand_colors: list[str]) -> dict[str, str]:
    """BG, ACCENT and TEXT from mood, tone, brand colours and named colours — in that order of strength."""
    bg, accent, text = (
        values.get("BG", "#0d1117"),
        values.get("ACCENT", "#ff7a1a"),
        values.get("TEXT", "#f5f5f4"),
    )
    template_light = is_dark(bg) is False
    explicit: set[str] = set()
    if facts.mood:
        on_dark, on_light = MOODS[facts.mood]
        palette = (
            on_light if (facts.tone == "light" or (template_light and facts.tone != "dark")) else on_dark
        )
        bg, accent, text = palette.bg, palette.accent, palette.text
    if facts.tone == "dark" and is_dark(bg) is False:
        bg = MOODS["dark"][0].bg
    elif facts.tone == "light" and is_dark(bg):
        bg = MOODS["light"][1].bg
    brand = [c for c in (normalize_css_color(b) for b in brand_colors) if c]
    if brand:
        accent = brand[0]
        for extra in brand[1:]:
            if is_dark(extra) and "bg" not in facts.colors and facts.tone != "light":
                bg = extra
                break
    roles = dict(facts.colors)
    for loose in facts.loose_colors:
        if saturation(loose) < 0.18:  # black, white, greys, cream: a background, then the text
            slot = "bg" if "bg" not in roles else "text"
        else:
            slot = "accent" if "accent" not in roles else ""
        if slot and slot not in roles:
            roles[slot] = loose
    if "bg" in roles:
        bg = roles["bg"]
        explicit.add("bg")
    if "accent" in roles:
        accent = roles["accent"]
    if "text" in roles:
        text = roles["text"]
        explicit.add("text")
    if "text" not in explicit:
        text = readable_text(bg, text)
    if "accent" not in roles and not brand:
        accent = _visible_accent(accent, bg, text)
    return {"BG": bg, "ACCENT": accent, "TEXT": text}


def _visible_accent(accent: str, bg: str, text: str) -> str:
    """Keep the template's accent unless it would fade into the chosen background; then deepen
    (or lighten) it towards the text colour until it stands out."""
    lb = luminance(bg)
    if lb is None:
        return accent
    candidate = accent
    for step in range(6):
        la = luminance(candidate)
        if la is None or contrast(la, lb) >= 2.6:
            return candidate
        candidate = mix(accent, "#000000" if lb > 0.4 else "#ffffff", 0.15 * (step + 1))
    return text
