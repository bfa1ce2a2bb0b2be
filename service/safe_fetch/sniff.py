"""What a body is, from its first bytes: a server's Content-Type is the server's claim, not a fact."""

from __future__ import annotations

from collections.abc import Collection

from .errors import FetchRefused

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
VIDEO_TYPES = frozenset({"video/mp4", "video/quicktime", "video/webm", "video/x-matroska"})
AUDIO_TYPES = frozenset({"audio/mpeg", "audio/aac", "audio/wav", "audio/ogg", "audio/flac", "audio/mp4"})
MEDIA_TYPES = IMAGE_TYPES | VIDEO_TYPES | AUDIO_TYPES

SNIFF_BYTES = 64
"""Enough of the start of a body to tell every type above apart."""

_ISO_BRANDS = {
    b"qt  ": "video/quicktime",
    b"M4A ": "audio/mp4",
    b"M4B ": "audio/mp4",
    b"avif": "image/avif",
    b"avis": "image/avif",
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heif",
}
"""ISO base media files (`ftyp` box) that are not MP4 video; every other brand is read as MP4."""


def sniff_media_type(head: bytes) -> str | None:
    """The MIME type the bytes start like, or None when they are no known image, video or audio."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        return _ISO_BRANDS.get(head[8:12], "video/mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska or its WebM profile
        return "video/webm" if b"webm" in head[:SNIFF_BYTES] else "video/x-matroska"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"ID3"):
        return "audio/mpeg"
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:  # ADTS sync word, layer 0
            return "audio/aac"
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x06:  # MPEG audio frame sync, layer I–III
            return "audio/mpeg"
    return None


def accepted_media_type(head: bytes, accept: Collection[str]) -> str:
    """The type `head` starts like if it is in `accept`; else FetchRefused saying what it is instead."""
    sniffed = sniff_media_type(head)
    if sniffed is None or sniffed not in accept:
        kinds = " or ".join(sorted({t.split("/")[0] for t in accept}))
        found = f"it is {sniffed}" if sniffed else "its bytes are no known media format"
        raise FetchRefused(f"not an accepted {kinds} file ({found})")
    return sniffed
