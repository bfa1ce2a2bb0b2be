"""A scene's background → files in the assets folder and how to show them.

Which failures are errors and which fall back:
- `src` is what the author asked for by name, so a refused, unreachable, too large or
  undecodable source is a `BackgroundError` naming the scene — the render stops with it
  (`BackgroundUnreachable` when fetching it failed, so trying again may work).
- `ai` and `search` ask seekreel to find something; when nothing can be had (no key, the API
  failed, nothing found, every result unusable) the scene gets a gradient from the palette
  and a warning naming the scene and every reason — never a crash, never a silent blank.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from pathlib import Path

from sandbox import DEFAULT_ASPECT
from service.safe_fetch import IMAGE_TYPES, SNIFF_BYTES, FetchError, accepted_media_type
from service.settings import Settings

from .ai_images import generate_image, image_prompt
from .decode import decode_media
from .fallback import palette_gradient
from .prepared import BackgroundError, BackgroundUnreachable, PreparedBackground, Unavailable, Unreachable
from .search import Candidate, Miss, search_media
from .sources import Source, load_media_file, load_source
from .spec import BackgroundSpecLike

FALLBACK = "used a gradient from the palette"


async def prepare_background(
    spec: BackgroundSpecLike,
    *,
    scene_index: int,
    scene_text: str,
    duration: float,
    assets_dir: Path,
    palette: Sequence[str],
    settings: Settings,
    base_dir: Path | None,
    scene_label: str | None = None,
    aspect: str = DEFAULT_ASPECT,
) -> PreparedBackground:
    """The background of scene `scene_index` (0-based), its files written into `assets_dir`.

    `base_dir` resolves local `src` paths (the CLI passes the storyboard's folder; None → only
    URLs). `scene_label` names the scene in messages (default "scene N", 1-based); `aspect`
    shapes generated and searched pictures.
    """
    scene = scene_label or f"scene {scene_index + 1}"
    assets_dir.mkdir(parents=True, exist_ok=True)
    show = _SceneDecoder(spec, scene, scene_index, duration, assets_dir, settings)
    if spec.src is not None:
        try:
            source = await load_source(spec.src, base_dir=base_dir, settings=settings)
        except Unavailable as exc:  # the message names the source itself
            error = BackgroundUnreachable if isinstance(exc, Unreachable) else BackgroundError
            raise error(f"{scene}: background {exc}") from exc
        try:
            return await show(source)
        except Unavailable as exc:
            raise BackgroundError(f"{scene}: background {spec.src}: {exc}") from exc
    if spec.ai is not None:
        prompt = image_prompt(spec.ai.prompt, spec.ai.style, scene_text)
        try:
            data = await generate_image(prompt, aspect=aspect, settings=settings)
            return await show(Source(data, _image_type(data)), credit="Generated with OpenAI Images")
        except Unavailable as exc:
            return palette_gradient(scene_index, palette, f"{scene}: no AI background ({exc}); {FALLBACK}")
    if spec.search is not None:
        return await _searched(spec.search, show, scene_index, palette, aspect, settings)
    if spec.color is not None:
        return PreparedBackground(kind="color", color=spec.color)
    return palette_gradient(scene_index, palette)


async def _searched(
    query: str, show: _SceneDecoder, scene_index: int, palette: Sequence[str], aspect: str, settings: Settings
) -> PreparedBackground:
    """The first search result that loads and decodes; else the fallback, with every provider's reason."""
    reasons: list[str] = []
    async for found in search_media(query, aspect=aspect, settings=settings):
        if isinstance(found, Miss):
            reasons.append(f"{found.provider}: {found.reason}")
            continue
        try:
            return await show(await _load_candidate(found, settings), credit=found.credit)
        except Unavailable as exc:
            reasons.append(f"{found.provider}: {exc}")
    why = "; ".join(reasons) or "no search providers configured (SEEKREEL_MEDIA_SEARCH_PROVIDERS)"
    return palette_gradient(
        scene_index, palette, f"{show.scene}: no background found for {query!r} ({why}); {FALLBACK}"
    )


async def _load_candidate(found: Candidate, settings: Settings) -> Source:
    if found.path is not None:
        return await asyncio.to_thread(load_media_file, found.path, settings=settings)
    assert found.url is not None
    return await load_source(found.url, base_dir=None, settings=settings)


class _SceneDecoder:
    """Decodes a source for one scene (in a worker thread) into a PreparedBackground."""

    def __init__(
        self,
        spec: BackgroundSpecLike,
        scene: str,
        index: int,
        duration: float,
        assets_dir: Path,
        settings: Settings,
    ) -> None:
        self.spec, self.scene, self.index, self.duration = spec, scene, index, duration
        self.assets_dir, self.settings = assets_dir, settings

    async def __call__(self, source: Source, credit: str | None = None) -> PreparedBackground:
        stem = f"bg{self.index:03d}-{hashlib.sha256(source.data).hexdigest()[:12]}"
        decoded = await asyncio.to_thread(
            decode_media,
            source.data,
            source.media_type,
            stem=stem,
            assets_dir=self.assets_dir,
            seconds=self.duration,
            settings=self.settings,
        )
        return PreparedBackground(
            kind=decoded.kind,
            files=decoded.files,
            frame_duration=decoded.frame_duration,
            width=decoded.width,
            height=decoded.height,
            fit=self.spec.fit,
            pan_zoom=self.spec.pan_zoom and decoded.kind == "image",
            warnings=tuple(f"{self.scene}: {note}" for note in decoded.notes),
            credit=credit,
        )


def _image_type(data: bytes) -> str:
    try:
        return accepted_media_type(data[:SNIFF_BYTES], IMAGE_TYPES)
    except FetchError as exc:
        raise Unavailable(f"the generated picture is unusable: {exc}") from exc
