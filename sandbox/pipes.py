"""Frames travel through pipes (browser → Python → ffmpeg), megabytes each.

Linux gives a pipe 64 KiB, so a 1 MB frame costs each side a dozen wake-ups and partial
reads and writes. A wider pipe moves it in a few.
"""

from __future__ import annotations

import contextlib
import fcntl

PIPE_BYTES = 1 << 20
"""Linux's default ceiling for an unprivileged process (/proc/sys/fs/pipe-max-size)."""


def widen(fd: int) -> None:
    """Give the pipe `fd` belongs to PIPE_BYTES of buffer, where the system allows it."""
    with contextlib.suppress(OSError):  # a lower pipe-max-size: the pipe keeps its size
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
