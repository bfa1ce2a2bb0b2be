"""`GET /projects/{id}/preview`: the composition approving would render, with its pictures inline.

Engine: PictureEngine (tests/picture_engine.py), the stand-in with a PNG behind every section.
"""

from __future__ import annotations

import asyncio
import base64
import io
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from picture_engine import PictureEngine
from PIL import Image
from service_helpers import make_settings

from service.api import create_app
from service.projects import SceneMedia

TEXT = "Rivers carve valleys.\n\nThey carry the mountains to the sea."


class HeldEngine(PictureEngine):
    """Holds every section's preparation while `gate` exists (to look at a project InProgress)."""

    def __init__(self, settings: Any, gate: Path) -> None:
        super().__init__(settings)
        self.gate = gate

    async def prepare(self, storyboard: dict[str, Any], index: int, *, folder: Path) -> SceneMedia:
        while self.gate.exists():
            await asyncio.sleep(0.02)
        return await super().prepare(storyboard, index, folder=folder)


def wait_for(client: TestClient, project_id: str, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while (project := client.get(f"/projects/{project_id}").json())["status"] != status:
        assert time.monotonic() < deadline, project
        time.sleep(0.02)
    return project


def test_the_preview_is_the_compiled_storyboard_with_its_pictures_inline(tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    gate.touch()
    settings = make_settings(tmp_path, api_keys="alice-key,bob-key")
    alice, bob = ({"Authorization": f"Bearer {k}"} for k in ("alice-key", "bob-key"))
    with TestClient(create_app(settings, engine=HeldEngine(settings, gate))) as c:
        pid = c.post("/projects", json={"text": TEXT}, headers=alice).json()["id"]
        early = c.get(f"/projects/{pid}/preview", headers=alice)
        assert early.status_code == 409 and early.json()["error"]["code"] == "sections_not_ready"
        gate.unlink()
        c.headers.update(alice)
        project = wait_for(c, pid, "NeedsApproval")
        r = c.get(f"/projects/{pid}/preview")
        assert r.status_code == 200, r.text
        preview = r.json()
        assert c.get(f"/projects/{pid}/preview", headers=bob).status_code == 404

    assert [s["id"] for s in preview["sections"]] == [s["id"] for s in project["sections"]]
    assert [s["audio_url"] for s in preview["sections"]] == [s["audio_url"] for s in project["sections"]]
    first, second = preview["sections"]
    assert first["start"] == 0 and first["end"] == second["start"] and second["end"] == preview["duration"]
    assert second["start"] >= project["sections"][0]["audio_duration"]  # a section lasts its voice at least
    assert f'data-duration="{preview["duration"]:g}"' in preview["html"]
    assert sorted(preview["assets"]) == ["assets/s0/bg.png", "assets/s1/bg.png"]
    for name, section in zip(sorted(preview["assets"]), project["sections"], strict=True):
        kind, data = preview["assets"][name].split(",", 1)
        assert kind == "data:image/png;base64"
        picture = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
        colour = section["background_color"]
        assert picture.size == (32, 18)
        assert picture.getpixel((0, 0)) == tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
