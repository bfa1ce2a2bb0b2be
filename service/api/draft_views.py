"""Drafts as the HTTP API shows and stores them: response bodies, 404s, and async store calls."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from sandbox import CompositionError, declared_variables, placeholders

from ..drafts import editor_url, generation_summary, save_prompt_draft
from ..generation.loop import GenerationResult
from ..settings import Settings
from ..storage import Draft, DraftVersion
from .errors import ApiError, not_found
from .schemas import DraftOut, VersionOut, VersionSummary
from .state import Services


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
        findings=version.findings,
        ok=summary.ok,
        source=version.source,
        note=version.note,
        editor_url=editor_url(draft.id, settings.public_base_url),
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
        findings=version.findings,
    )


async def load_draft(svc: Services, draft_id: str) -> Draft:
    draft = await asyncio.to_thread(svc.store.get_draft, draft_id)
    if draft is None:
        raise not_found("draft", draft_id)
    return draft


async def load_version(svc: Services, draft_id: str, number: int) -> DraftVersion:
    """One version of a draft; a 404 names the draft when it is the draft that is missing."""
    version = await asyncio.to_thread(svc.store.get_version, draft_id, number)
    if version is None:
        await load_draft(svc, draft_id)
        raise ApiError(404, "not_found", f"draft {draft_id} has no version {number}")
    return version


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
    return await asyncio.to_thread(
        save_prompt_draft,
        svc.store,
        prompt=prompt,
        html=result.html,
        findings=[f.to_dict() for f in result.findings],
        variables=variables,
        meta={"generation": generation_summary(result)},
    )
