"""Everything a worker needs to render a page's segments — the HTML, the render options and the
files the page may load — packed once per render into one deterministic tar.

The bundle's SHA-256 is the render's content key: the same page, options and files give the
same key on any machine, and a segment is named by key and index, so a task that is retried
or delivered twice names the same segment.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox import RenderError, RenderOptions, asset_files

from ..byte_sizes import size_text

MANIFEST = "render.json"
ASSETS = "assets"
KEPT_BUNDLES = 8
"""Unpacked bundles a worker keeps (the most recently used), so a render's segments unpack once."""


class BundleError(RenderError):
    """The page cannot be sent to the workers (its files are too large, or a bundle is damaged)."""


@dataclass(frozen=True)
class Bundle:
    key: str
    data: bytes


@dataclass(frozen=True)
class Unpacked:
    html: str
    options: RenderOptions


def pack(html: str, options: RenderOptions, *, leave_out: Path | None, max_assets_bytes: int) -> Bundle:
    """The bundle of a render. `leave_out`: a file not to send (the render's own output, when it
    is written beside the page)."""
    files = asset_files(options.assets_dir) if options.assets_dir is not None else {}
    if leave_out is not None:
        files = {rel: path for rel, path in files.items() if path != leave_out.resolve()}
    total = sum(path.stat().st_size for path in files.values())
    if total > max_assets_bytes:
        raise BundleError(
            f"the files beside the page total {size_text(total)}; a farm render sends them to "
            f"every worker, at most {size_text(max_assets_bytes)} (SEEKREEL_FARM_MAX_ASSETS_BYTES): "
            "put the page in a folder with only the files it uses"
        )
    manifest = {"html": html, "options": _options_json(options)}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        _add(tar, MANIFEST, json.dumps(manifest, sort_keys=True).encode())
        for rel in sorted(files):
            _add(tar, f"{ASSETS}/{rel}", files[rel].read_bytes())
    data = buffer.getvalue()
    return Bundle(hashlib.sha256(data).hexdigest(), data)


def unpack(key: str, data: bytes | None, cache: Path) -> Unpacked:
    """The bundle `key`, unpacked into `cache/key/` (once per worker host; later calls read it,
    and `data` may be None)."""
    folder = cache / key
    if not folder.is_dir():
        if data is None or hashlib.sha256(data).hexdigest() != key:
            raise BundleError(f"the page's bundle {key[:12]} arrived damaged")
        cache.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=cache))
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(partial, filter="data")
        try:
            partial.rename(folder)
        except OSError:  # another process of this host unpacked it first
            shutil.rmtree(partial, ignore_errors=True)
        _keep_recent(cache)
    os.utime(folder)
    manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    options = dict(manifest["options"])
    has_assets = options.pop("has_assets")
    assets_dir = folder / ASSETS if has_assets else None
    if assets_dir is not None:
        assets_dir.mkdir(exist_ok=True)  # a folder with nothing in it packs to no entries
    return Unpacked(manifest["html"], RenderOptions(**options, assets_dir=assets_dir, workers=1))


def is_unpacked(key: str, cache: Path) -> bool:
    return (cache / key).is_dir()


def _options_json(options: RenderOptions) -> dict[str, Any]:
    """The options that decide the bytes. `workers` does not; the assets travel as files."""
    fields = dataclasses.asdict(options)
    fields.pop("workers")
    fields["has_assets"] = fields.pop("assets_dir") is not None
    return fields


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def _keep_recent(cache: Path) -> None:
    unpacked = sorted(
        (p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
    )
    for old in unpacked[:-KEPT_BUNDLES]:
        shutil.rmtree(old, ignore_errors=True)
