"""Byte counts as people read them, the same everywhere: in binary units, as the settings'
limits are written (10 MiB is 10 * 1024 * 1024)."""

from __future__ import annotations


def size_text(n: float) -> str:
    """`512 bytes`, `48 KiB`, `1.5 MiB`."""
    if n >= 2**20:
        return f"{n / 2**20:.1f} MiB"
    if n >= 2**10:
        return f"{n / 2**10:.0f} KiB"
    return f"{n:.0f} bytes"
