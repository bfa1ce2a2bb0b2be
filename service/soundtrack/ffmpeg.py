"""Running imageio-ffmpeg's ffmpeg (the build the video path pins) on bytes in, bytes out."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sandbox import ffmpeg_exe


class SoundtrackError(Exception):
    """Mixing or muxing failed (an unreadable music file, a broken video); `str()` is one line."""


async def run_ffmpeg(args: Sequence[str], *, what: str, stdin: bytes | None = None) -> tuple[bytes, str]:
    """ffmpeg's stdout and stderr; SoundtrackError naming `what` and ffmpeg's last line on failure."""
    no_input = ["-nostdin"] if stdin is None else []
    proc = await asyncio.create_subprocess_exec(
        ffmpeg_exe(),
        *["-hide_banner", "-y", *no_input, *args],
        stdin=asyncio.subprocess.DEVNULL if stdin is None else asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate(stdin)
    text = err.decode(errors="replace")
    if proc.returncode != 0:
        lines = text.strip().splitlines()
        raise SoundtrackError(f"{what} failed: {lines[-1] if lines else f'ffmpeg status {proc.returncode}'}")
    return out, text
