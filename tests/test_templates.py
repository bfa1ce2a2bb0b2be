"""Every template in templates/ is a valid, self-contained composition in every aspect, and
really animates: it loads in the sandbox, seeks without errors and changes over time — also
with its sample slots empty, which is how the offline composer leaves what a prompt did not
give, and then it shows no empty bullets, axes, dials or name straps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from media import png
from PIL import Image

from sandbox import (
    CANONICAL_SIZES,
    BrowserPool,
    RenderOptions,
    capture_frame,
    declared_variables,
    parse_composition,
    placeholders,
)
from service.generation.composer.catalog import CATALOG, KINDS, template_text
from service.generation.document_edits import set_root_attributes, set_variable_defaults
from service.validation import validate, validate_static
from service.validation.limits import ValidationLimits

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
FILES = sorted(TEMPLATES_DIR.glob("*.html"))
SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.I | re.S)


def scripts(html: str) -> list[str]:
    return [body for attrs, body in SCRIPT_RE.findall(html) if "application/json" not in attrs]


def test_there_are_at_least_twelve_templates_and_each_has_a_catalog_entry() -> None:
    assert len(FILES) >= 12
    assert {f.stem for f in FILES} == set(KINDS), "every template file has a catalog entry and vice versa"
    for info in CATALOG:
        assert info.cues, f"{info.kind} has no words that ask for it"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_template_is_a_self_contained_composition(path: Path) -> None:
    html = path.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert len(html.encode()) < 20_000, "templates stay small so model-sized limits never bite"
    defaults = declared_variables(html)
    used = placeholders(html)
    assert used, "a template is filled through {{$VAR}} placeholders"
    assert not [name for name in used if name not in defaults], "every placeholder has a default"
    assert {"BG", "ACCENT", "TEXT"} <= set(used), "colours are variables"
    code = "\n".join(scripts(html))
    assert not re.search(r"\b(setTimeout|setInterval|requestAnimationFrame)\b", code)
    assert "addEventListener('hf-seek'" in code and "function render(t)" in code and "render(0)" in code
    assert "dataset.duration" in code, "the duration is read from the root at run time"
    assert not re.search(
        r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//|url\(\s*[\"']?(?:https?:)?//|@import", html
    )
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", html), "no URL other than the SVG namespace"
    assert "{{$" not in code, "placeholders inside scripts would be HTML-escaped; data goes through the DOM"


@pytest.mark.parametrize("aspect", list(CANONICAL_SIZES))
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_template_parses_and_validates_in_every_aspect(path: Path, aspect: str) -> None:
    html = set_root_attributes(path.read_text(encoding="utf-8"), {"data-aspect": aspect})
    comp = parse_composition(html)
    assert (comp.width, comp.height) == CANONICAL_SIZES[aspect]
    assert "{{$" not in comp.html.split('id="hf-variables"', 1)[1].split("</script>", 1)[1]
    report = validate_static(html, limits=ValidationLimits())
    assert report.ok, [f.to_dict() for f in report.errors]


def without_samples(kind: str) -> str:
    """The template with every sample slot empty."""
    return set_variable_defaults(template_text(kind), dict.fromkeys(KINDS[kind].samples, ""))


def test_duration_is_the_roots_so_changing_it_retimes_the_template() -> None:
    html = template_text("title-card")
    assert 'data-duration="6"' in html
    longer = set_root_attributes(html, {"data-duration": "12"})
    assert parse_composition(longer).duration == 12
    assert "const D = Math.max(0.5, parseFloat(root.dataset.duration)" in longer


@pytest.mark.timeout(240)
def test_every_template_loads_seeks_and_animates_in_the_sandbox(run) -> None:  # type: ignore[no-untyped-def]
    """The validator's runtime check (page errors, seek budget, frames not all identical) on each
    template, as shipped and with its sample slots empty, portrait and landscape alternating,
    through one warm browser."""

    async def check_all() -> dict[str, list[dict[str, object]]]:
        failures: dict[str, list[dict[str, object]]] = {}
        async with BrowserPool(size=1) as pool:
            for i, path in enumerate(FILES):
                aspect = "9:16" if i % 2 else "16:9"
                for name, html in (
                    (path.stem, template_text(path.stem)),
                    (f"{path.stem} empty", without_samples(path.stem)),
                ):
                    html = set_root_attributes(html, {"data-aspect": aspect, "data-duration": "2"})
                    report = await validate(html, limits=ValidationLimits(sample_count=4), pool=pool)
                    if not report.ok or report.warnings:
                        failures[name] = [f.to_dict() for f in report.findings]
        return failures

    assert run(check_all()) == {}


# Where each template draws its sample content in a 320x180 frame, and how to see it there:
# "edges" counts colour steps (text, bars, rings, grid lines); "accent" counts pixels of the accent
# colour (the recipe's check-mark discs, beside a title that moves into the same place).
EMPTY_SLOT_REGIONS: dict[str, tuple[tuple[int, int, int, int], str]] = {
    "bullet-list": ((165, 30, 305, 150), "edges"),  # no empty bullets
    "bar-chart": ((15, 45, 305, 175), "edges"),  # no empty axes
    "line-chart": ((15, 45, 305, 175), "edges"),
    "stat-counter": ((15, 15, 115, 165), "edges"),  # no empty dial
    "lower-third": ((10, 120, 170, 175), "edges"),  # no empty name strap
    "recipe-card": ((130, 20, 315, 165), "accent"),  # no empty checklist
}


def region_count(image: Image.Image, box: tuple[int, int, int, int], measure: str, accent: str) -> int:
    x0, y0, x1, y1 = box
    rgb = image.convert("RGB")
    target = tuple(int(accent[i : i + 2], 16) for i in (1, 3, 5))

    def hit(x: int, y: int) -> bool:
        here = rgb.getpixel((x, y))
        if measure == "edges":
            return any(
                sum(abs(a - b) for a, b in zip(here, rgb.getpixel(there), strict=True)) > 40
                for there in ((x + 2, y), (x, y + 2))
            )
        return sum(abs(a - b) for a, b in zip(here, target, strict=True)) < 60

    return sum(hit(x, y) for y in range(y0, y1 - 2) for x in range(x0, x1 - 2))


@pytest.mark.timeout(120)
def test_empty_sample_slots_leave_no_empty_markers(run) -> None:  # type: ignore[no-untyped-def]
    """Where the shipped template draws its sample content there is plain background once those
    slots are empty (checked against the shipped frame, which must show something there)."""

    async def counts() -> dict[str, list[int]]:
        async with BrowserPool(size=1) as pool:

            async def count(html: str, kind: str) -> int:
                t = round(parse_composition(html).duration * 0.75, 2)
                frame = png(await capture_frame(html, t, RenderOptions(resolution="320x180"), pool=pool))
                box, measure = EMPTY_SLOT_REGIONS[kind]
                return region_count(frame, box, measure, declared_variables(html)["ACCENT"])

            return {
                kind: [await count(template_text(kind), kind), await count(without_samples(kind), kind)]
                for kind in EMPTY_SLOT_REGIONS
            }

    found = run(counts())  # kind → [shipped, empty]
    assert [kind for kind, (shipped, _) in found.items() if shipped <= 100] == [], found
    assert [kind for kind, (_, empty) in found.items() if empty >= 10] == [], found
