"""The web editor (`GET /`): static files shipped in the package, nothing from a CDN.

The editor's live preview substitutes `{{$NAME}}` placeholders and lays the page out the
way the renderer will. It takes those rules from the renderer itself — `/composition-rules.js`
is written from `sandbox` — so the browser never keeps a copy that could drift.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from sandbox import CANONICAL_SIZES, DEFAULT_ASPECT, PLACEHOLDER_RE

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
_HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def composition_rules() -> dict[str, Any]:
    """The renderer's rules the preview applies (a regular expression both Python and JS read alike)."""
    return {
        "placeholder": PLACEHOLDER_RE.pattern,
        "canonicalSizes": {aspect: list(size) for aspect, size in CANONICAL_SIZES.items()},
        "defaultAspect": DEFAULT_ASPECT,
    }


def mount_editor(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    rules_module = f"export default {json.dumps(composition_rules())};\n"

    @app.get("/", include_in_schema=False)
    async def editor() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html", headers=_HEADERS)

    @app.get("/composition-rules.js", include_in_schema=False)
    async def rules() -> Response:
        return Response(rules_module, media_type="text/javascript", headers=_HEADERS)
