"""Fill the prompt files in `prompts/` (Jinja2) for the generate, repair and revise requests."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib.resources import files

import jinja2

from sandbox import CANONICAL_SIZES, DEFAULT_ASPECT, DEFAULT_FPS, FAMILIES

from .brand import Brand


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(files("prompts"))),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,
    )
    env.filters["trim_number"] = _number
    return env


def _render(name: str, **values: object) -> str:
    text = _env().get_template(name).render(**values)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _number(value: float) -> str:
    return f"{float(value):g}"


def system_prompt(
    *,
    duration: float | None,
    aspect: str | None,
    fps: float | None,
    default_duration: float,
    brand: Brand,
    max_bytes: int = 50_000,
    variables: Mapping[str, object] | None = None,
) -> str:
    """The contract, the requested shape (or how to infer it from the brief), brand and placeholders."""
    if duration is not None:
        duration_text = _number(duration)
        duration_rule = f'exactly {duration_text} seconds (data-duration="{duration_text}").'
    else:
        duration_text = "SECONDS"
        duration_rule = (
            f'what the brief asks for ("a 10-second …" → 10); if it says nothing, '
            f"{_number(default_duration)} seconds."
        )
    if aspect is not None:
        aspect_text, aspect_rule = aspect, f"exactly {aspect}."
    else:
        aspect_text = DEFAULT_ASPECT
        aspect_rule = (
            "what the brief asks for (vertical/portrait/story/reel → 9:16, square → 1:1, "
            "4:5 for feed posts), else 16:9."
        )
    return _render(
        "system.md.j2",
        duration_text=duration_text,
        duration_rule=duration_rule,
        aspect_text=aspect_text,
        aspect_rule=aspect_rule,
        fps=fps if fps is not None and fps != DEFAULT_FPS else None,
        sizes=CANONICAL_SIZES,
        fonts=[f.name for f in FAMILIES],
        max_kb=max_bytes // 1000,
        brand_colors=list(brand.colors),
        named_colors=any(c.name for c in brand.colors),
        brand_fonts=list(brand.fonts),
        variables=dict(variables or {}),
    )


def brief_prompt(prompt: str) -> str:
    return _render("brief.md.j2", prompt=prompt.strip())


def repair_prompt(findings: Sequence[object], *, attempt: int, max_attempts: int, has_document: bool) -> str:
    """The findings (code, line, message) of the last answer and a request for the whole fixed document."""
    codes = {getattr(f, "code", "") for f in findings}
    return _render(
        "repair.md.j2",
        findings=findings,
        attempt=attempt,
        max_attempts=max_attempts,
        has_document=has_document,
        truncated="truncated-html" in codes,
    )


def revise_prompt(html: str, instruction: str, *, duration_text: str, aspect_text: str) -> str:
    return _render(
        "revise.md.j2",
        html=html.strip(),
        instruction=instruction.strip(),
        duration_text=duration_text,
        aspect_text=aspect_text,
    )


def storyboard_system_prompt(
    *,
    aspect: str | None,
    max_narration_seconds: float,
    words_per_minute: float,
    max_scenes: int,
    max_scene_chars: int,
    max_title: int,
) -> str:
    """What a storyboard is, its fields, the narration cap in words, and an example."""
    if aspect is not None:
        aspect_rule = f'exactly "{aspect}".'
    else:
        aspect_rule = '"16:9" (default), "9:16" (vertical: reels, stories, shorts), "1:1" or "4:5" — what the brief asks for.'
    minutes = max_narration_seconds / 60
    return _render(
        "storyboard.md.j2",
        aspect_rule=aspect_rule,
        max_scenes=max_scenes,
        max_scene_chars=max_scene_chars,
        max_title=max_title,
        max_minutes=f"{_number(round(minutes, 1))} minute{'s' if minutes != 1 else ''}",
        wpm=_number(words_per_minute),
        max_words=int(minutes * words_per_minute),
    )


def storyboard_brief(topic: str) -> str:
    return _render("storyboard_brief.md.j2", topic=topic.strip())


def storyboard_repair_prompt(
    problems: Sequence[str], *, attempt: int, max_attempts: int, has_json: bool
) -> str:
    return _render(
        "storyboard_repair.md.j2",
        problems=problems,
        attempt=attempt,
        max_attempts=max_attempts,
        has_json=has_json,
    )
