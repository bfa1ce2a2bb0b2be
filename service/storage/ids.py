"""Record ids: short, unguessable, URL-safe, with a prefix that says what they name."""

from __future__ import annotations

import secrets

DRAFT, JOB, PROJECT, SECTION = "dr", "job", "pr", "sec"
"""The prefixes: `dr_3f9c2a1b7e4d5c60` is a draft, `job_…` a job, `pr_…` a project, `sec_…` a section."""


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def is_project_id(record_id: str) -> bool:
    """A project's id: the hosted API's job ids name both previews (projects) and renders (jobs)."""
    return record_id.startswith(f"{PROJECT}_")
