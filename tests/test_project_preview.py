"""`GET /projects/{id}/preview`: the composition approving would render, with its pictures inline.

The real engine (Piper voices), with a two-colour GIF from a media server on 127.0.0.1 as the
first section's background: its frames are what the preview has to carry into the sandbox.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import re
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image
from service_helpers import make_settings
from test_backgrounds import gif

from service.api import create_app
from service.projects import SceneMedia
from service.projects.pipeline_engine import PipelineEngine
from tests.fakes.media_server import MediaServer, Route

RED, BLUE = (230, 30, 30), (30, 60, 230)
TEXT = "Rivers carve valleys.\n\nThey carry the mountains to the sea."


class HeldEngine(PipelineEngine):
    """Holds every section's preparation while `gate` exists (to look at a project InProgress)."""

    def __init__(self, settings: Any, gate: Path) -> None:
        super().__init__(settings)
        self.gate = gate

    async def prepare(self, storyboard: dict[str, Any], index: int, *, folder: Path) -> SceneMedia:
        while self.gate.exists():
            await asyncio.sleep(0.02)
        return await super().prepare(storyboard, index, folder=folder)


def wait_for(client: TestClient, project_id: str, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while (project := client.get(f"/projects/{project_id}").json())["status"] != status:
        assert time.monotonic() < deadline, project
        time.sleep(0.02)
    return project


def test_the_preview_is_the_compiled_storyboard_with_its_pictures_inline(tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    gate.touch()
    with MediaServer({"/river.gif": Route(gif([RED, BLUE], [200, 200]), content_type="image/gif")}) as media:
        settings = make_settings(tmp_path, api_keys="alice-key,bob-key", fetch_allow_hosts=media.host_port)
        alice, bob = ({"Authorization": f"Bearer {k}"} for k in ("alice-key", "bob-key"))
        storyboard = {
            "scenes": [
                {"text": TEXT.split("\n\n")[0], "background": {"src": f"{media.url}/river.gif"}},
                {"text": TEXT.split("\n\n")[1]},
            ]
        }
        with TestClient(create_app(settings, engine=HeldEngine(settings, gate))) as c:
            pid = c.post("/projects", json={"storyboard": storyboard}, headers=alice).json()["id"]
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

    # the GIF's two frames, under the names the page asks for; the colour section has none
    assert project["sections"][0]["background_kind"] == "frames"
    names = sorted(preview["assets"])
    assert len(names) == 2 and all(n.startswith("assets/s0/") for n in names)
    data = json.loads(re.search(r'id="storyboard-data">(.*?)</script>', preview["html"]).group(1))
    assert data["scenes"][0]["bg"]["f"] == names  # two frames are listed as they are
    colours = []
    for name in names:
        kind, data = preview["assets"][name].split(",", 1)
        assert kind.startswith("data:image/") and kind.endswith(";base64")
        frame = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
        colours.append(frame.getpixel((frame.width // 2, frame.height // 2)))
    assert [max(range(3), key=lambda k: c[k]) for c in colours] == [0, 2]  # red, then blue
