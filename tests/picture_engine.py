"""A stand-in storyboard engine with pictures: ToneEngine (tests/story_standin.py) with a small PNG
behind every section, so the review page has thumbnails and the preview has assets to carry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from PIL import Image
from story_standin import ToneEngine

from service.projects import SceneMedia, StoryPreview


class PictureEngine(ToneEngine):
    """The stand-in with a picture behind every section, as a fetched image background would be:
    a 32x18 PNG in the section's colour, shown by the preview page as `assets/s<i>/bg.png`."""

    async def prepare(self, storyboard: dict[str, Any], index: int, *, folder: Path) -> SceneMedia:
        media = await super().prepare(storyboard, index, folder=folder)
        Image.new("RGB", (32, 18), media.background["color"]).save(folder / "bg.png")
        return replace(media, background={**media.background, "kind": "image", "files": ["bg.png"]})

    def preview(self, storyboard: dict[str, Any], prepared: Sequence[SceneMedia]) -> StoryPreview:
        page = super().preview(storyboard, prepared)
        picture = '<div id="bg"><img id="pic" alt="" style="width:100%;height:100%"></div>'
        show = (
            "<script>addEventListener('hf-seek', e => { let i = 0;"
            " scenes.forEach((x, k) => { if (x.start <= e.detail.time) i = k; });"
            " document.getElementById('pic').src = 'assets/s' + i + '/bg.png'; });</script></body>"
        )
        html = page.html.replace('<div id="bg"></div>', picture).replace("</body>", show)
        assets = {f"assets/s{i}/bg.png": m.folder / "bg.png" for i, m in enumerate(prepared)}
        return replace(page, html=html, assets=assets)
