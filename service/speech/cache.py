"""Synthesised narrations on disk, keyed by everything that shapes the samples.

The key hashes the sentences, the engine's identity (voice package and version, engine
versions, speed, model) and the pause between sentences, so editing one scene re-synthesises
that scene only, and upgrading a voice or engine never serves stale audio. Entries are
written atomically (WAV first, then the JSON that marks the entry complete).
"""

from __future__ import annotations

import hashlib
import json
import wave
from dataclasses import dataclass
from pathlib import Path

from service.files import atomic_path, write_atomically

from .narration import Narration, TimedText

FORMAT = 1
"""Bump when the stored layout or the assembly of sentences changes."""


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0


stats = CacheStats()
"""Lookups in this process (what tests and the benchmark read)."""


def cache_key(sentences: list[str], identity: dict[str, object], pause: float) -> str:
    blob = json.dumps(
        {"format": FORMAT, "sentences": sentences, "engine": identity, "pause": pause},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _paths(root: Path, key: str) -> tuple[Path, Path]:
    folder = root / key[:2]
    return folder / f"{key}.wav", folder / f"{key}.json"


def load(root: Path, key: str) -> Narration | None:
    wav, meta = _paths(root, key)
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stats.misses += 1
        return None
    if not wav.is_file():
        stats.misses += 1
        return None
    stats.hits += 1
    phrases = [TimedText(start, end, text) for start, end, text in data["phrases"]]
    return Narration(path=wav, duration=data["duration"], phrases=phrases)


def store(root: Path, key: str, pcm: bytes, sample_rate: int, phrases: list[TimedText]) -> Narration:
    wav, meta = _paths(root, key)
    wav.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(wav) as tmp, wave.open(str(tmp), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm)
    duration = len(pcm) / 2 / sample_rate
    record = {"duration": duration, "phrases": [[p.start, p.end, p.text] for p in phrases]}
    write_atomically(meta, json.dumps(record, ensure_ascii=False).encode())
    return Narration(path=wav, duration=duration, phrases=phrases)
