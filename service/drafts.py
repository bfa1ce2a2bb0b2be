"""Drafts: a composition a person can open in the web editor, fix and render, kept with its versions.

The rules every front door (HTTP API, editor, Slack bot) shares live here: how a draft is
titled, what a model's draft remembers, the text its variables hold, and the editor's URL
for it. Views of a draft for one front door (the API's response bodies) stay with that door.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sandbox import variable_text

from .storage import Draft, Store

if TYPE_CHECKING:  # only its shape: drafts do not run the generation loop
    from .generation.loop import GenerationResult

_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)


def title_for(prompt: str | None, html: str) -> str:
    """A short human title: the prompt's first clause, else the document's <title>, else "Untitled draft"."""
    if prompt:
        first = re.split(r"(?<=[.!?])\s|\n", prompt.strip(), maxsplit=1)[0]
        return first if len(first) <= 80 else first[:77].rstrip() + "…"
    m = _TITLE_RE.search(html)
    if m and m.group(1).strip():
        return re.sub(r"\s+", " ", m.group(1)).strip()[:200]
    return "Untitled draft"


def editor_url(draft_id: str, public_base_url: str | None) -> str:
    """Where the web editor opens a draft: under the service's public address when one is
    configured, else relative to the service (all a browser already on it needs)."""
    return f"{(public_base_url or '').rstrip('/')}/?draft={draft_id}"


def variable_values(values: Mapping[str, object] | None) -> dict[str, str]:
    """Variable values as a draft keeps them: the text each placeholder receives (true, 42, 0.5)."""
    return {name: variable_text(value) for name, value in (values or {}).items()}


def generation_summary(result: GenerationResult) -> dict[str, Any]:
    """What a draft remembers of how a model made it (without repeating the documents)."""
    return {
        "provider": result.provider,
        "model": result.model,
        "ok": result.ok,
        "attempts": [
            {"number": a.number, "findings": [f.to_dict() for f in a.findings]} for a in result.attempts
        ],
    }


def save_prompt_draft(
    store: Store,
    *,
    prompt: str,
    html: str,
    findings: list[dict[str, Any]],
    variables: Mapping[str, object] | None = None,
    meta: dict[str, Any] | None = None,
) -> Draft:
    """Keep what a prompt produced as a new draft, titled from the prompt, findings and all, so a
    person can open it in the editor even when it still has problems. Blocks (a database write)."""
    return store.create_draft(
        html=html,
        variables=variable_values(variables),
        findings=findings,
        source="prompt",
        title=title_for(prompt, html),
        prompt=prompt,
        meta=meta,
    )
