"""The music bed: fetched like a background source (through the SSRF guard, or a local file
from the CLI), and accepted only when its first bytes say it is audio."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service.settings import Settings


class MusicUnusable(ValueError):
    """The music source cannot be used; `str()` is one line starting with `music.src`."""


def audio_suffix(head: bytes) -> str | None:
    """The file suffix for audio recognised by its magic bytes (WAV, MP3, Ogg, FLAC, MP4/M4A)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return ".wav"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return ".mp3"
    if head[:4] == b"OggS":
        return ".ogg"
    if head[:4] == b"fLaC":
        return ".flac"
    if head[4:8] == b"ftyp":
        return ".m4a"
    return None


async def fetch_music(
    src: str, *, dest_dir: Path, base_dir: Path | None, settings: Settings, safe_fetch: ModuleType
) -> Path:
    """The music file in `dest_dir`. `base_dir` resolves local paths (None → only URLs)."""
    if src.lower().startswith(("http://", "https://")):
        try:
            fetched = await safe_fetch.fetch_url(src, settings=settings)
        except safe_fetch.FetchRefused as exc:
            raise MusicUnusable(f"music.src: {exc}") from None
        data: bytes = fetched.data
    else:
        if base_dir is None:
            raise MusicUnusable(
                "music.src: local files are read only from the command line; give an http(s) URL"
            )
        path = base_dir / Path(src).expanduser()
        if not path.is_file():
            raise MusicUnusable(f"music.src: {path}: no such file")
        data = path.read_bytes()
    suffix = audio_suffix(data[:16])
    if suffix is None:
        raise MusicUnusable(f"music.src: {src} is not an audio file (MP3, WAV, Ogg, FLAC or M4A)")
    out = dest_dir / f"music{suffix}"
    out.write_bytes(data)
    return out
