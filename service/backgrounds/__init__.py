"""Scene backgrounds → files in the composition's assets folder, shown by t (never fetched by the page).

from service.backgrounds import prepare_background
bg = await prepare_background(spec, scene_index=0, scene_text="…", duration=4.0,
                              assets_dir=assets, palette=["#0d1117"], settings=settings, base_dir=None)

Colour; image, animated GIF or video by URL (through `service.safe_fetch`) or local path
(CLI only); `ai` (OpenAI Images); `search` (GIPHY, Pexels, a local folder). Animated media
is decoded into frames up front. See `prepare.py` for which failures fall back to a palette
gradient with a warning and which are errors.
"""

from .prepare import prepare_background
from .prepared import BackgroundError, BackgroundUnreachable, Fit, PreparedBackground, Unavailable
from .spec import AiVisualSpec, BackgroundSpecLike

__all__ = [
    "AiVisualSpec",
    "BackgroundError",
    "BackgroundSpecLike",
    "BackgroundUnreachable",
    "Fit",
    "PreparedBackground",
    "Unavailable",
    "prepare_background",
]
