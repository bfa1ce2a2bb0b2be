"""What the pipeline itself owns, with the real parts (Piper, Chromium, ffmpeg, backgrounds):
the steps one by one as a project with an approval step runs them, the stages reported, the
music bed, errors naming the scene or the field (once), the caps, and no output file left
behind by a failure. The issue's own end-to-end test is tests/test_storyboard_end_to_end.py.
"""

from __future__ import annotations

import asyncio
import io
import re
import socket
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fakes.media_server import MediaServer, Route
from media import close_to, stream_end, video_frame, video_info
from PIL import Image

from sandbox import BrowserPool, RenderOptions
from service.projects import RenderedStory, SceneMedia
from service.projects.pipeline_engine import PipelineEngine
from service.settings import Settings
from service.storyboards import (
    Storyboard,
    StoryboardInvalid,
    StoryError,
    StoryOutputs,
    compile_storyboard,
    finish_storyboard,
    prepare_scene,
    prepare_scenes,
    render_storyboard,
)

OPTIONS = RenderOptions(resolution="160x90", workers=1, quality="draft")
REFUSED = "http://10.0.0.1/x.png"


@pytest.fixture(scope="module")
def speech_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared by this module's tests: none of them is about synthesis itself."""
    return tmp_path_factory.mktemp("speech-cache")


@pytest.fixture
def settings(speech_cache: Path) -> Iterator[Settings]:
    yield Settings(tts_cache_dir=speech_cache)


def board(**extra: object) -> Storyboard:
    return Storyboard.model_validate(
        {
            "fps": 10,
            "scenes": [
                {"text": "Hello.", "background": {"color": "#102030"}, "min_duration": 1},
                {"text": "One. Two.", "split": "sentence", "background": {"src": "still.png"}},
            ],
            **extra,
        }
    )


def tone_wav(path: Path, seconds: float) -> Path:
    t = np.arange(round(seconds * 16_000)) / 16_000
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes((0.3 * 32767 * np.sin(2 * np.pi * 220 * t)).astype("<i2").tobytes())
    return path


def test_the_steps_one_by_one_with_a_music_bed(tmp_path: Path, settings: Settings) -> None:
    """prepare_scenes → compile_storyboard → finish_storyboard, as a project with approval runs them."""
    tone_wav(tmp_path / "bed.wav", 0.7)  # shorter than the video: it loops
    Image.new("RGB", (32, 18), (0, 200, 0)).save(tmp_path / "still.png")
    story = board(music={"src": "bed.wav", "volume": 0.2})
    assets = tmp_path / "page.assets"
    assets.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    stages: list[str] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in stages:
            stages.append(stage)

    async def steps() -> tuple[object, ...]:
        scenes = await prepare_scenes(
            story, assets_dir=assets, settings=settings, base_dir=tmp_path, progress=progress
        )
        again = await prepare_scene(story, 2, assets_dir=assets, settings=settings, base_dir=tmp_path)
        compiled = compile_storyboard(story, scenes, assets_name="page.assets")
        result = await finish_storyboard(
            compiled,
            StoryOutputs(out / "story.mp4", out / "story.srt", out / "page.html"),
            assets_dir=tmp_path,
            settings=settings,
            render_options=OPTIONS,
            base_dir=tmp_path,
            progress=progress,
        )
        return scenes, again, compiled, result

    scenes, again, compiled, result = asyncio.run(steps())
    assert [s.text for s in scenes] == ["Hello.", "One.", "Two."]  # type: ignore[attr-defined]
    assert again.narration == scenes[2].narration  # type: ignore[attr-defined, index]
    assert again.background == scenes[2].background  # type: ignore[attr-defined, index]
    assert stages == ["voicing", "fetching", "rendering", "mixing"]
    assert result.scenes == 3 and result.times.render > 0 and result.times.mux > 0  # type: ignore[attr-defined]
    video = out / "story.mp4"
    assert video_info(video)["frames"] == round(compiled.duration * 10)  # type: ignore[attr-defined]
    assert abs(stream_end(video, "a") - stream_end(video, "v")) <= 0.1
    page = (out / "page.html").read_text()
    assert all(f"page.assets/{name}" in page for name in scenes[1].background.files)  # type: ignore[attr-defined, index]
    assert all((out / "page.assets" / name).is_file() for name in scenes[1].background.files)  # type: ignore[attr-defined, index]
    assert sorted(p.name for p in out.iterdir()) == ["page.assets", "page.html", "story.mp4", "story.srt"]


def test_a_refused_url_in_scene_2_is_named_once_and_nothing_is_left(
    tmp_path: Path, settings: Settings
) -> None:
    story = Storyboard.model_validate(
        {"scenes": [{"text": "Hello."}, {"text": "Look.", "background": {"src": REFUSED}}]}
    )
    with pytest.raises(StoryboardInvalid) as caught:
        asyncio.run(
            render_storyboard(story, StoryOutputs(tmp_path / "x.mp4"), settings=settings, options=OPTIONS)
        )
    assert str(caught.value) == (
        "scene 2: background http://10.0.0.1/x.png: 10.0.0.1 is a private address (RFC 1918); "
        "only public addresses are fetched (SEEKREEL_FETCH_ALLOW_HOSTS exempts named host:port pairs)"
    )
    assert list(tmp_path.iterdir()) == []


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("src", "error", "message"),
    [
        (
            "still.png",
            StoryboardInvalid,
            r"^music\.src: still\.png: not an accepted audio file \(it is image/png\)$",
        ),
        ("missing.mp3", StoryboardInvalid, r"^music\.src: missing\.mp3: no such file in "),
        (
            "../bed.wav",
            StoryboardInvalid,
            r"^music\.src: \.\./bed\.wav: outside .*; local files must be in that folder$",
        ),
        (
            REFUSED,
            StoryboardInvalid,
            r"^music\.src: http://10\.0\.0\.1/x\.png: 10\.0\.0\.1 is a private address",
        ),
        ("http://127.0.0.1:{port}/bed.mp3", StoryError, r"^music\.src: http://127\.0\.0\.1:\d+/bed\.mp3: "),
    ],
)
def test_unusable_music_is_named_and_nothing_is_left(
    tmp_path: Path, speech_cache: Path, src: str, error: type[Exception], message: str
) -> None:
    folder, out = tmp_path / "story", tmp_path / "out"
    folder.mkdir()
    out.mkdir()
    tone_wav(tmp_path / "bed.wav", 0.5)  # exists, but outside the storyboard's folder
    Image.new("RGB", (32, 18), (0, 200, 0)).save(folder / "still.png")
    port = closed_port()
    settings = Settings(tts_cache_dir=speech_cache, fetch_allow_hosts=f"127.0.0.1:{port}")
    story = board(music={"src": src.format(port=port)})
    with pytest.raises(error, match=message):
        asyncio.run(
            render_storyboard(
                story, StoryOutputs(out / "x.mp4"), settings=settings, options=OPTIONS, base_dir=folder
            )
        )
    assert list(out.iterdir()) == []


def test_local_files_are_refused_without_a_folder_to_read_them_from(
    tmp_path: Path, settings: Settings
) -> None:
    """What the HTTP API gets: base_dir None, so a path is a mistake, named with its scene."""
    story = Storyboard.model_validate({"scenes": [{"text": "Hi.", "background": {"src": "cat.gif"}}]})
    with pytest.raises(
        StoryboardInvalid,
        match=r"^scene 1: background cat\.gif: local files are read only from the command line",
    ):
        asyncio.run(
            render_storyboard(story, StoryOutputs(tmp_path / "x.mp4"), settings=settings, options=OPTIONS)
        )


def test_narration_caps_before_and_after_synthesis(tmp_path: Path, speech_cache: Path) -> None:
    out = StoryOutputs(tmp_path / "x.mp4")
    capped = Settings(tts_cache_dir=speech_cache, story_max_narration_seconds=5)
    words = Storyboard.model_validate({"scenes": [{"text": "word " * 20}]})  # estimated at 8 s
    with pytest.raises(StoryboardInvalid, match=r"would last about 8 seconds .* the limit is 5 seconds"):
        asyncio.run(render_storyboard(words, out, settings=capped))
    digits = Storyboard.model_validate(
        {"scenes": [{"text": "123456789123456789."}]}
    )  # one word, ~10 s spoken
    with pytest.raises(StoryboardInvalid, match=r"the narration lasts 10 s, over the 5 s limit"):
        asyncio.run(render_storyboard(digits, out, settings=capped))
    assert list(tmp_path.iterdir()) == []


def test_a_projects_sections_rendered_later_by_the_real_engine(tmp_path: Path, speech_cache: Path) -> None:
    """The project flow on the real pipeline: each section voiced and fetched on its own (kept as
    SceneMedia, as the database keeps it), then compiled and rendered from what was kept."""
    picture = io.BytesIO()
    Image.new("RGB", (32, 18), (0, 200, 0)).save(picture, "PNG")
    with MediaServer({"/still.png": Route(picture.getvalue())}) as media:
        engine = PipelineEngine(Settings(tts_cache_dir=speech_cache, fetch_allow_hosts=media.host_port))
        board = engine.check(
            {
                "fps": 10,
                "scenes": [
                    {"text": "Hello.", "background": {"color": "#ff0000"}, "min_duration": 1},
                    {"text": "Look.", "background": {"src": f"{media.url}/still.png"}, "min_duration": 1},
                ],
            }
        )
        kept = [
            SceneMedia.from_json(
                asyncio.run(engine.prepare(board, i, folder=tmp_path / f"section{i}")).to_json()
            )
            for i in range(2)
        ]

    async def render() -> RenderedStory:
        async with BrowserPool(1) as pool:
            return await engine.render(
                board,
                tmp_path / "out.mp4",
                folder=tmp_path / "render",
                prepared=kept,
                options=OPTIONS,
                pool=pool,
                progress=lambda stage, done, total: None,
                cancel=asyncio.Event(),
            )

    rendered = asyncio.run(render())
    video = tmp_path / "out.mp4"
    assert rendered.duration == 2.0 and video_info(video)["frames"] == 20
    assert abs(stream_end(video, "a") - stream_end(video, "v")) <= 0.1
    assert close_to(video_frame(video, 5, 10).getpixel((80, 20)), (255, 0, 0))
    assert close_to(video_frame(video, 15, 10).getpixel((80, 20)), (0, 200, 0))
    page = (rendered.composition_dir / "index.html").read_text()
    still = re.search(r'"(s1/[^"]+)"', page)
    assert still and (rendered.composition_dir / still.group(1)).is_file()
    vtt = rendered.captions_vtt.read_text()
    assert vtt.index("Hello.") < vtt.index("Look.") and "Look." in rendered.captions_srt.read_text()
