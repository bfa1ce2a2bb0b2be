"""Draft helpers shared by the draft routes and /ai-render: titles, variable values, the public view."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from typing import Any

from sandbox import CompositionError, declared_variables, placeholders

from .api.errors import not_found
from .api.pipeline import generation_summary
from .api.schemas import DraftOut, VersionOut, VersionSummary
from .api.state import Services
from .generation.loop import GenerationResult
from .settings import Settings
from .storage import Draft, DraftVersion

_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)


def title_for(prompt: str | None, html: str) -> str:
    """A short human title: the prompt's first clause, else the document's <title>, else "Untitled"."""
    if prompt:
        first = re.split(r"(?<=[.!?])\s|\n", prompt.strip(), maxsplit=1)[0]
        return first if len(first) <= 80 else first[:77].rstrip() + "…"
    m = _TITLE_RE.search(html)
    if m and m.group(1).strip():
        return re.sub(r"\s+", " ", m.group(1)).strip()[:200]
    return "Untitled draft"


def variable_text(values: Mapping[str, object] | None) -> dict[str, str]:
    """Variable values as the strings placeholders receive (true/false, 42, 0.5)."""
    out: dict[str, str] = {}
    for name, value in (values or {}).items():
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, float):
            out[name] = f"{value:g}"
        else:
            out[name] = str(value)
    return out


def editor_url(settings: Settings, draft_id: str) -> str:
    base = (settings.public_base_url or "").rstrip("/")
    return f"{base}/?draft={draft_id}"


def draft_out(settings: Settings, draft: Draft) -> DraftOut:
    version = draft.current
    try:
        defaults = declared_variables(version.html)
    except CompositionError:
        defaults = {}  # the findings already say what is wrong with the block
    summary = version_summary(version)
    generation = draft.meta.get("generation") if version.source == "prompt" else None
    return DraftOut(
        id=draft.id,
        title=draft.title,
        prompt=draft.prompt,
        created_at=draft.created_at,
        updated_at=draft.updated_at,
        version=version.number,
        version_count=draft.version_count,
        html=version.html,
        variables=version.variables,
        defaults=defaults,
        placeholders=placeholders(version.html),
        findings=version.findings,  # type: ignore[arg-type]
        ok=summary.ok,
        source=version.source,
        note=version.note,
        editor_url=editor_url(settings, draft.id),
        generation=generation,
    )


def version_summary(version: DraftVersion) -> VersionSummary:
    errors = sum(1 for f in version.findings if f.get("severity") == "error")
    return VersionSummary(
        number=version.number,
        source=version.source,
        note=version.note,
        created_at=version.created_at,
        ok=errors == 0,
        errors=errors,
        warnings=len(version.findings) - errors,
    )


def version_out(version: DraftVersion) -> VersionOut:
    return VersionOut(
        **version_summary(version).model_dump(),
        html=version.html,
        variables=version.variables,
        findings=version.findings,  # type: ignore[arg-type]
    )


async def load_draft(svc: Services, draft_id: str) -> Draft:
    draft = await asyncio.to_thread(svc.store.get_draft, draft_id)
    if draft is None:
        raise not_found("draft", draft_id)
    return draft


async def new_version(svc: Services, draft_id: str, **fields: Any) -> DraftOut:
    """Append a version (html, variables, findings, source, note) and return the draft as it now is."""
    draft = await asyncio.to_thread(svc.store.add_version, draft_id, **fields)
    if draft is None:
        raise not_found("draft", draft_id)
    return draft_out(svc.settings, draft)


async def save_generated(
    svc: Services, result: GenerationResult, *, prompt: str, variables: Mapping[str, object]
) -> Draft:
    """Store a model's document as a new draft (its findings and attempts remembered)."""
    assert result.html is not None
    meta: dict[str, Any] = {"generation": generation_summary(result)}
    return await asyncio.to_thread(
        svc.store.create_draft,
        html=result.html,
        variables=variable_text(variables),
        findings=[f.to_dict() for f in result.findings],
        source="prompt",
        title=title_for(prompt, result.html),
        prompt=prompt,
        meta=meta,
    )
