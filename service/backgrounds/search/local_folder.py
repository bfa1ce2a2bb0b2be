"""Offline `search`: the files of `SEEKREEL_MEDIA_DIR` matched by the words in their names.

`rust-crab-mascot.gif` matches "the Rust crab". The best file has the most query words in
its name, then the fewest other words; ties go to the path, so a search always picks the
same file.
"""

from __future__ import annotations

import re

from service.settings import Settings

from ..prepared import Unavailable
from .candidates import Candidate

RESULTS = 3
MEDIA_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".mp4", ".m4v", ".mov", ".webm", ".mkv"}
)
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or", "our",
    "the", "this", "to", "with", "your",
})  # fmt: skip


async def find_local(query: str, aspect: str, settings: Settings) -> list[Candidate]:
    folder = settings.media_dir
    if folder is None:
        raise Unavailable("not set (SEEKREEL_MEDIA_DIR)")
    if not folder.is_dir():
        raise Unavailable(f"{folder} is not a folder (SEEKREEL_MEDIA_DIR)")
    wanted = keywords(query)
    if not wanted:
        return []
    root = folder.resolve()
    ranked = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.suffix.lower() not in MEDIA_SUFFIXES or any(p.startswith(".") for p in relative.parts):
            continue
        words = keywords(" ".join((*relative.parent.parts, path.stem)))
        hits = len(wanted & words)
        if hits and path.is_file():
            ranked.append((-hits, len(words - wanted), str(relative), relative))
    ranked.sort()
    return [Candidate("local media folder", path=rel) for *_, rel in ranked[:RESULTS]]


def keywords(text: str) -> set[str]:
    """Lower-case words without stop words, plural 's' dropped ('Crabs' and 'crab' meet)."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in words
        if w not in STOP_WORDS
    }
