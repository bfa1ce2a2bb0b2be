"""`ai` backgrounds: one picture from the OpenAI Images API, through the official SDK.

Pictures are cached by (model, size, prompt) under the data folder: generating costs money
and is not repeatable, so re-rendering a storyboard reuses what was made for it and gives
the same video again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from pathlib import Path

from sandbox import DEFAULT_ASPECT
from service.files import write_atomically
from service.settings import Settings

from .prepared import Unavailable

SIZE_BY_ASPECT = {"16:9": "1536x864", "9:16": "864x1536", "1:1": "1024x1024", "4:5": "1024x1280"}
"""GPT image models take any WIDTHxHEIGHT (multiples of 16); these match the composition's shape."""


def image_prompt(prompt: str | None, style: str | None, scene_text: str) -> str:
    """The scene's text stands in for a missing prompt; style words are appended."""
    base = (prompt or scene_text).strip()
    return f"{base.rstrip('. ')}. Style: {style.strip()}" if style and style.strip() else base


async def generate_image(prompt: str, *, aspect: str, settings: Settings) -> bytes:
    """PNG/JPEG/WebP bytes of a generated picture, or Unavailable (no key, the API failed)."""
    if not settings.openai_api_key:
        raise Unavailable("no OpenAI key set (SEEKREEL_OPENAI_API_KEY or OPENAI_API_KEY)")
    model = settings.openai_image_model
    size = settings.openai_image_size or SIZE_BY_ASPECT.get(aspect, SIZE_BY_ASPECT[DEFAULT_ASPECT])
    cached = _cache_path(settings, model, size, prompt)
    if cached.is_file():
        return cached.read_bytes()
    import openai  # the SDK takes a second to import; storyboards without `ai` never need it

    client = openai.AsyncOpenAI(
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        timeout=settings.provider_timeout,
        max_retries=settings.provider_retries,
    )
    try:
        result = await client.images.generate(model=model, prompt=prompt, size=size, n=1)
    except openai.OpenAIError as exc:
        raise Unavailable(f"the OpenAI Images API failed ({_one_line(exc)})") from exc
    finally:
        await client.close()
    encoded = result.data[0].b64_json if result.data else None
    if not encoded:
        raise Unavailable("the OpenAI Images API answered without an image")
    try:
        data = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise Unavailable("the OpenAI Images API answered with an image that is not base64") from exc
    cached.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(cached, data)  # a crash never leaves half a picture that later runs would reuse
    return data


def _cache_path(settings: Settings, model: str, size: str, prompt: str) -> Path:
    key = hashlib.sha256(f"{model}\n{size}\n{prompt}".encode()).hexdigest()
    return settings.data_dir / "cache" / "ai-images" / key


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
