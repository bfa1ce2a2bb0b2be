"""How making a storyboard's video can fail, beside `StoryboardInvalid` (the storyboard is wrong)."""

from __future__ import annotations


class StoryError(Exception):
    """The storyboard is fine but its video could not be made (a source could not be fetched,
    the voice provider failed); `str()` is one line, naming the scene if one is at fault."""
