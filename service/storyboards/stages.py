"""The stages a narrated storyboard goes through while it is made, in order — the one list the
pipeline reports, the job system weighs into one progress figure and the CLI names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Stage = Literal["voicing", "fetching", "rendering", "mixing"]

STAGE_WEIGHTS: Mapping[Stage, float] = {"voicing": 3.0, "fetching": 1.0, "rendering": 5.0, "mixing": 1.0}
"""Every stage in order, with how much of the whole time it roughly takes (for one progress figure)."""
PREPARED_STAGES: tuple[Stage, ...] = ("rendering", "mixing")
"""A storyboard whose voices and backgrounds were made before (a project's): what is left."""
STAGE_LABELS: Mapping[Stage, str] = {
    "voicing": "voicing scenes",
    "fetching": "fetching backgrounds",
    "rendering": "rendering frames",
    "mixing": "mixing the soundtrack",
}
