"""Every template in templates/ is a valid, self-contained composition in every aspect, and
really animates: it loads in the sandbox, seeks without errors and changes over time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sandbox import CANONICAL_SIZES, BrowserPool, declared_variables, parse_composition, placeholders
from service.generation.composer.catalog import CATALOG, KINDS, template_text
from service.generation.document_edits import set_root_attributes
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


def test_duration_is_the_roots_so_changing_it_retimes_the_template() -> None:
    html = template_text("title-card")
    assert 'data-duration="6"' in html
    longer = set_root_attributes(html, {"data-duration": "12"})
    assert parse_composition(longer).duration == 12
    assert "const D = Math.max(0.5, parseFloat(root.dataset.duration)" in longer


@pytest.mark.timeout(240)
def test_every_template_loads_seeks_and_animates_in_the_sandbox(run) -> None:  # type: ignore[no-untyped-def]
    """The validator's runtime check (page errors, seek budget, frames not all identical) on each
    template, portrait and landscape alternating, through one warm browser."""

    async def check_all() -> dict[str, list[dict[str, object]]]:
        failures: dict[str, list[dict[str, object]]] = {}
        async with BrowserPool(size=1) as pool:
            for i, path in enumerate(FILES):
                aspect = "9:16" if i % 2 else "16:9"
                html = set_root_attributes(
                    path.read_text(encoding="utf-8"), {"data-aspect": aspect, "data-duration": "2"}
                )
                report = await validate(html, limits=ValidationLimits(sample_count=4), pool=pool)
                if not report.ok or report.warnings:
                    failures[path.stem] = [f.to_dict() for f in report.findings]
        return failures

    assert run(check_all()) == {}
