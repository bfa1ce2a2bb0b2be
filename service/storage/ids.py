"""Record ids: short, unguessable, URL-safe, with a prefix that says what they name."""

from __future__ import annotations

import secrets


def new_id(prefix: str) -> str:
    """Ids like `dr_3f9c2a1b7e4d5c60` (drafts), `job_…`, `pr_…` (projects), `sec_…` (sections)."""
    return f"{prefix}_{secrets.token_hex(8)}"
