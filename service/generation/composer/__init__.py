"""The offline composer: a prompt → a finished composition from `templates/`, with no model.

Layout, in the order a prompt flows through it: `phrases` (quoted strings, numbers, names,
lists), `prompt_reading` (the prompt → `PromptFacts`, with `list_reading` for its lists),
`catalog` (which template serves which kind of video), `template_filling` (facts → the
template's content variables, through `text_fills`, `list_fills` and their shared
`fill_helpers`), `palette` (colour names, moods, contrast), `compose` (all of it → one
document) and `revisions` (plain-words edits of any composition).
"""

from __future__ import annotations

from .compose import compose_offline, revise_offline

__all__ = ["compose_offline", "revise_offline"]
