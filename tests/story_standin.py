"""STAND-IN for part of the storyboard engine in the service tests — swap it out once the
pipeline's split entry points exist.

A project voices its sections long before it renders them, so it needs the pipeline in steps
(`prepare_scene`, `compile_storyboard`, `finish_storyboard` in service/storyboards/pipeline.py),
which are not written yet. Until they are, `ToneEngine` stands in for exactly those steps:
every scene's "voice" is a sine tone as long as its words take to say, every background a
colour, and the render a tiny composition (160x90, 10 fps) rendered by the real renderer and
muxed with the tones by the real ffmpeg — so the service around the engine (jobs, stages,
files, restarts, signed links) is exercised for real. Everything else is the real
PipelineEngine: storyboard checking, text input, splitting, voices by name, script writing
by a model, the SSRF guard, webhooks.

Once the entry points exist: build `PipelineEngine(settings)` where the tests build
`ToneEngine(settings)` (the gate aside) and delete this file; the assertions hold for both.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import struct
import time
import wave
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import imageio_ffmpeg

from sandbox import BrowserPool, RenderOptions, render_to_file
from service.projects import (
    RenderedStory,
    SceneMedia,
    StoryFailed,
    StoryPreview,
)
from service.projects.engine import StageProgress
from service.projects.pipeline_engine import PipelineEngine
from service.settings import Settings

RATE = 16000
FPS = 10
VOICES = {"joe"}


class ToneEngine(PipelineEngine):
    """PipelineEngine with tones for voices, colours for backgrounds and a real tiny render.

    `voiced` lists every text given a voice, in order (to see what an edit re-voiced).
    `gate`: while that file exists, a render job waits before its first stage (to watch all
    of its stages, or to kill a server mid-render).
    """

    def __init__(self, settings: Settings, *, gate: Path | None = None) -> None:
        super().__init__(settings)
        self.voiced: list[str] = []
        self.gate = gate

    # ---- voices and backgrounds ---------------------------------------------------------

    async def prepare(self, storyboard: dict[str, Any], index: int, *, folder: Path) -> SceneMedia:
        scene = storyboard["scenes"][index]
        background, warnings = _background(scene, index, storyboard.get("palette") or ["#0d1117"])
        audio, duration = self._voice(storyboard, index, folder)
        return SceneMedia(audio, duration, [(0.0, duration, scene["text"])], background, folder, warnings)

    async def revoice(
        self, storyboard: dict[str, Any], index: int, media: SceneMedia, *, folder: Path
    ) -> SceneMedia:
        audio, duration = self._voice(storyboard, index, folder)
        text = storyboard["scenes"][index]["text"]
        return SceneMedia(
            audio, duration, [(0.0, duration, text)], media.background, media.folder, media.warnings
        )

    def _voice(self, storyboard: dict[str, Any], index: int, folder: Path) -> tuple[Path, float]:
        name = (storyboard.get("voice") or {}).get("name", "joe")
        if name not in VOICES:
            raise StoryFailed(f"scene {index + 1}: unknown voice {name!r}")
        text = storyboard["scenes"][index]["text"]
        self.voiced.append(text)
        duration = round(min(1.5, 0.3 + 0.15 * len(text.split())), 2)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "voice.wav"
        write_tone(path, 220 + zlib.crc32(text.encode()) % 440, duration)
        return path, duration

    # ---- rendering ----------------------------------------------------------------------

    def preview(self, storyboard: dict[str, Any], prepared: Sequence[SceneMedia]) -> StoryPreview:
        texts = [scene["text"] for scene in storyboard["scenes"]]
        html, starts, duration = _compiled(prepared, texts)
        return StoryPreview(html, duration, {}, starts)

    async def render(
        self,
        storyboard: dict[str, Any],
        out: Path,
        *,
        folder: Path,
        prepared: Sequence[SceneMedia] | None,
        options: RenderOptions,
        pool: BrowserPool,
        progress: StageProgress,
        cancel: asyncio.Event,
    ) -> RenderedStory:
        composition = folder / "composition"
        composition.mkdir(parents=True, exist_ok=True)
        while self.gate is not None and self.gate.exists():
            if cancel.is_set():
                raise StoryFailed("cancelled while waiting at the gate")
            await asyncio.sleep(0.05)
        if prepared is None:
            n = len(storyboard["scenes"])
            progress("voicing", 0, n)
            media = []
            for i in range(n):
                media.append(await self.prepare(storyboard, i, folder=folder / "voices" / str(i)))
                progress("voicing", i + 1, n)
            for i in range(n + 1):  # the backgrounds (colours) were made with the voices
                progress("fetching", i, n)
            prepared = media
        texts = [p.phrases[0][2] if p.phrases else "" for p in prepared]
        html, starts, t = _compiled(prepared, texts)
        (composition / "index.html").write_text(html, encoding="utf-8")
        silent = folder / "picture.mp4"
        render = RenderOptions(fps=FPS, workers=1, quality=options.quality, assets_dir=composition)
        result = await render_to_file(
            html, silent, render, pool=pool, progress=lambda d, n: progress("rendering", d, n), cancel=cancel
        )
        progress("mixing", 0, 2)
        mix = folder / "mix.wav"
        write_mix(mix, [(m.audio, s) for m, s in zip(prepared, starts, strict=True)], t)
        progress("mixing", 1, 2)
        await mux(silent, mix, out)
        silent.unlink()
        mix.unlink()
        progress("mixing", 2, 2)
        cues = [(s, s + m.duration, text) for s, m, text in zip(starts, prepared, texts, strict=True)]
        vtt, srt = folder / "captions.vtt", folder / "captions.srt"
        vtt.write_text(
            "WEBVTT\n\n" + "".join(f"{_ts(a, '.')} --> {_ts(b, '.')}\n{x}\n\n" for a, b, x in cues)
        )
        srt.write_text(
            "".join(f"{n}\n{_ts(a, ',')} --> {_ts(b, ',')}\n{x}\n\n" for n, (a, b, x) in enumerate(cues, 1))
        )
        return RenderedStory(
            frames=result.frames,
            duration=t,
            html=html,
            composition_dir=composition,
            captions_vtt=vtt,
            captions_srt=srt,
            warnings=[w for m in prepared for w in m.warnings],
        )


def _background(
    scene: Mapping[str, Any], index: int, palette: Sequence[str]
) -> tuple[dict[str, Any], list[str]]:
    background = scene.get("background") or {}
    if background.get("color"):
        return {"kind": "color", "color": background["color"], "files": []}, []
    color = palette[index % len(palette)]
    if background:
        return {"kind": "color", "color": color, "files": []}, [
            f"scene {index + 1}: stand-in engine: a colour instead"
        ]
    return {"kind": "color", "color": color, "files": []}, []


def _compiled(prepared: Sequence[SceneMedia], texts: Sequence[str]) -> tuple[str, list[float], float]:
    """The stand-in page, where each scene starts, and the length: a scene lasts its voice and a beat."""
    starts, t = [], 0.0
    for m in prepared:
        starts.append(t)
        t += math.ceil((m.duration + 0.2) * FPS) / FPS
    return _page(prepared, texts, starts, t), starts, t


def _page(media: Sequence[SceneMedia], texts: Sequence[str], starts: Sequence[float], duration: float) -> str:
    scenes = [{"start": s, "color": m.background.get("color", "#000000"), "text": x}
              for s, m, x in zip(starts, media, texts, strict=True)]  # fmt: skip
    return f"""<!doctype html>
<html data-duration="{duration:g}" data-width="160" data-height="90">
<head><style>body{{margin:0;width:160px;height:90px;overflow:hidden;font:10px sans-serif;color:#fff}}
#bg{{position:absolute;inset:0}} #cap{{position:absolute;bottom:4px;left:4px;right:4px}}</style></head>
<body><div id="bg"></div><div id="cap"></div>
<script type="application/json" id="scenes">{json.dumps(scenes)}</script>
<script>
  const scenes = JSON.parse(document.getElementById('scenes').textContent);
  function render(t) {{
    let s = scenes[0];
    for (const x of scenes) if (x.start <= t) s = x;
    document.getElementById('bg').style.background = s.color;
    document.getElementById('cap').textContent = s.text;
  }}
  addEventListener('hf-seek', e => render(e.detail.time));
  render(0);
</script></body></html>"""


def write_tone(path: Path, frequency: float, seconds: float) -> None:
    n = int(RATE * seconds)
    samples = (int(8000 * math.sin(2 * math.pi * frequency * i / RATE)) for i in range(n))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", s) for s in samples))


def write_mix(path: Path, clips: Sequence[tuple[Path, float]], seconds: float) -> None:
    total = bytearray(2 * int(RATE * seconds))
    for clip, start in clips:
        with wave.open(str(clip), "rb") as w:
            data = w.readframes(w.getnframes())
        at = 2 * int(RATE * start)
        total[at : at + len(data)] = data[: len(total) - at]
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(total))


async def mux(video: Path, audio: Path, out: Path) -> None:
    partial = out.with_name(f".{out.name}.partial.mp4")
    proc = await asyncio.create_subprocess_exec(
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-i", str(video), "-i", str(audio), "-map", "0:v:0", "-map", "1:a:0",
        "-c:v", "copy", "-c:a", "aac", "-b:a", "64k", "-shortest", str(partial),
    )  # fmt: skip
    if await proc.wait() != 0:
        raise StoryFailed("the stand-in mux failed")
    os.replace(partial, out)


def _ts(seconds: float, sep: str) -> str:
    ms = round(seconds * 1000)
    return time.strftime("%H:%M:%S", time.gmtime(ms // 1000)) + f"{sep}{ms % 1000:03d}"
