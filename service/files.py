"""Writing output files so that readers never see half of one: a temporary name beside the
target, renamed over it only when the whole file is there."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to; renamed onto `path` when the block ends
    normally, removed when it raises."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a written file gets the usual mode
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def move_atomically(src: Path, dest: Path) -> None:
    """Move the file `src` onto `dest` (a rename when both are on one filesystem, else a copy to
    a temporary name beside `dest` first)."""
    with atomic_path(dest) as tmp:
        shutil.move(src, tmp)


def replace_folder(src: Path, dest: Path) -> None:
    """A copy of the folder `src` at `dest`, replacing what was there: copied beside `dest`
    first, so `dest` is never a half-copied folder."""
    staged = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        shutil.copytree(src, staged, dirs_exist_ok=True)
        shutil.rmtree(dest, ignore_errors=True)
        os.replace(staged, dest)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
