"""STAND-IN storyboard engine for the service tests — swap it for the real one after the merge.

The storyboard engine (service/storyboards, speech, captions, soundtrack) is built on other
branches; until it is merged, the projects, storyboard-job and compatible-API tests run on
`ToneEngine`: every scene's "voice" is a sine tone as long as its words take to say, every
background a colour, and the render a tiny composition (160x90, 10 fps) rendered by the real
renderer and muxed with the tones by the real ffmpeg — so the service around the engine
(jobs, stages, files, restarts, signed links) is exercised for real. Source checks and
webhooks are the real PipelineEngine's (the SSRF guard is merged).

After the merge: make the tests' `engine` fixtures build `PipelineEngine(settings)` (Piper
voice, real backgrounds) and delete this file; the assertions hold for both.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import struct
import time
import wave
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import imageio_ffmpeg

from sandbox import BrowserPool, RenderOptions, render_to_file
from service.generation.providers import Message, get_provider
from service.projects import (
    NoScriptWriter,
    RenderedStory,
    SceneMedia,
    ScriptNotWritten,
    StoryboardInvalid,
    StoryFailed,
)
from service.projects.engine import StageProgress
from service.projects.pipeline_engine import PipelineEngine
from service.settings import Settings

RATE = 16000
FPS = 10
VOICES = {"joe": {"provider": "piper", "name": "joe"}}
PALETTE = ["#0d1117", "#1e3a5f", "#3b1f4a", "#14532d", "#7c2d12"]
TOP_LEVEL = {"title", "aspect", "fps", "voice", "captions", "music", "split", "palette", "scenes"}
HEX = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")


class ToneEngine(PipelineEngine):
    """StoryEngine stand-in: tones for voices, colours for backgrounds, a real tiny render.

    `voiced` lists every text given a voice, in order (to see what an edit re-voiced).
    `gate`: while that file exists, a render job waits before its first stage (to watch all
    of its stages, or to kill a server mid-render).
    """

    def __init__(self, settings: Settings, *, gate: Path | None = None) -> None:
        super().__init__(settings)
        self.voiced: list[str] = []
        self.gate = gate

    # ---- storyboards --------------------------------------------------------------------

    def check(self, data: Mapping[str, Any]) -> dict[str, Any]:
        data = dict(data)
        if "video_transcript" in data:
            lines = data.pop("video_transcript")
            data["scenes"] = [
                {"text": line.get("text", ""), **({"background": {"search": h}} if (h := line.get("gifHint") or line.get("gif")) else {})}
                for line in lines
            ]  # fmt: skip
        problems = [f"{k}: unknown field" for k in data if k not in TOP_LEVEL]
        scenes = data.get("scenes")
        if not isinstance(scenes, list) or not scenes:
            problems.append("scenes: give at least one scene")
            scenes = []
        for i, scene in enumerate(scenes):
            where = f"scene {i + 1} (scenes[{i}]"
            if not isinstance(scene, dict) or not str(scene.get("text", "")).strip():
                problems.append(f"{where}.text): the text is empty: write what the narrator says")
                continue
            background = scene.get("background") or {}
            kinds = [k for k in ("color", "src", "ai", "search") if background.get(k) is not None]
            if background and len(kinds) != 1:
                problems.append(f"{where}.background): give exactly one of color, src, ai or search")
            if "color" in background and not HEX.fullmatch(str(background["color"])):
                problems.append(f"{where}.background.color): {background['color']!r} is not a colour")
        if problems:
            raise StoryboardInvalid(problems)
        return {
            "aspect": "16:9",
            "fps": 30,
            "voice": {"provider": "piper", "name": "joe", "speed": 1.0},
            "captions": {"enabled": True},
            "split": "none",
            "palette": PALETTE,
            **data,
            "scenes": [{**s, "text": s["text"].strip()} for s in scenes],
        }

    def from_text(self, text: str, *, title: str = "") -> dict[str, Any]:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        return self.check({"title": title, "scenes": [{"text": p} for p in paragraphs]})

    def split(self, storyboard: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for scene in storyboard["scenes"]:
            how = scene.get("split") or storyboard.get("split", "none")
            text = scene["text"]
            parts = [text] if how == "none" else [p.strip() for p in text.splitlines() if p.strip()]
            if how == "sentence":
                parts = [s for line in parts for s in re.split(r"(?<=[.!?])\s+", line) if s]
            out += [{**{k: v for k, v in scene.items() if k != "split"}, "text": p} for p in parts]
        return out

    def find_voice(self, name: str) -> dict[str, Any] | None:
        return VOICES.get(name.lower())

    # ---- writing: the real provider asked, the answer checked as the real writer does -----

    def check_writer(self) -> None:
        if self.settings.provider == "offline":
            raise NoScriptWriter("the offline provider cannot write a script: send text or a storyboard")

    async def write(self, topic: str, *, aspect: str | None) -> dict[str, Any]:
        provider = get_provider(None, None, self.settings)
        problems: list[str] = []
        try:
            for _ in range(self.settings.max_attempts):
                answer = await provider.complete(  # type: ignore[union-attr]
                    "Answer with a storyboard as one JSON object.", [Message("user", topic)]
                )
                try:
                    return self.check(json.loads(answer.text))
                except ValueError as exc:
                    problems = exc.problems if isinstance(exc, StoryboardInvalid) else [f"not JSON: {exc}"]
        finally:
            await provider.aclose()
        raise ScriptNotWritten(f"the model's storyboard is still invalid: {problems[0]}", problems)

    # ---- voices and backgrounds ---------------------------------------------------------

    async def prepare(self, storyboard: dict[str, Any], index: int, *, folder: Path) -> SceneMedia:
        scene = storyboard["scenes"][index]
        background, warnings = _background(scene, index, storyboard.get("palette") or PALETTE)
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
        starts, t = [], 0.0
        for m in prepared:
            starts.append(t)
            t += math.ceil((m.duration + 0.2) * FPS) / FPS
        html = _page(prepared, texts, starts, t)
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
