"""Issue 9 end to end, with the real parts: Piper's voice, Chromium, ffmpeg, backgrounds fetched
from a media server on 127.0.0.1 (allowed through SEEKREEL_FETCH_ALLOW_HOSTS).

A colour scene, a still picture and a two-colour GIF become one MP4 whose picture, sound and
captions are checked at known times; a second run from fresh caches gives the same bytes. Then
what a person gets from the command line: a `video_transcript` with no search key, and one
line (exit 2, or 1 for a failure) with no output file for every kind of bad input.
"""

from __future__ import annotations

import io
import json
import random
import re
import socket
from collections.abc import Iterator
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import pytest
from fakes.media_server import MediaServer, Route
from media import AUDIO_RATE, close_to, decode_audio, rms, stream_end, video_frame, video_info
from PIL import Image

from sandbox import RenderOptions
from service.settings import Settings
from service.storyboards import Storyboard, StoryOutputs, StoryResult, render_storyboard
from tests.test_generate_cli import assert_one_line_error, seekreel

FPS = 10
BLUE, YELLOW, GREEN, RED, PURE_BLUE = (16, 48, 192), (255, 255, 0), (0, 200, 0), (255, 0, 0), (0, 0, 255)
OPTIONS = RenderOptions(resolution="160x90", workers=1)
TOP = (80, 20)
"""A pixel well above the captions."""


def png_bytes(size: tuple[int, int] = (64, 36)) -> bytes:
    """Yellow on the left, green on the right: a picture, not a flat colour."""
    image = Image.new("RGB", size, GREEN)
    image.paste(YELLOW, (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def noise_png() -> bytes:
    """A picture that does not compress: tens of kilobytes."""
    out = io.BytesIO()
    Image.frombytes("RGB", (100, 100), random.Random(9).randbytes(30_000)).save(out, "PNG")
    return out.getvalue()


def gif_bytes() -> bytes:
    """Red and blue, 250 ms each, looping."""
    red, blue = Image.new("RGB", (32, 18), RED), Image.new("RGB", (32, 18), PURE_BLUE)
    out = io.BytesIO()
    red.save(out, "GIF", save_all=True, append_images=[blue], duration=250, loop=0)
    return out.getvalue()


@pytest.fixture(scope="module")
def media() -> Iterator[MediaServer]:
    routes = {
        "/still.png": Route(png_bytes(), content_type="image/png"),
        "/two.gif": Route(gif_bytes(), content_type="image/gif"),
        "/big.png": Route(noise_png(), content_type="image/png"),
        "/page.png": Route(b"<!doctype html><title>not a picture</title>", content_type="image/png"),
    }
    with MediaServer(routes) as server:
        yield server


def three_scenes(media: MediaServer) -> dict[str, object]:
    """Colour 0–1.5 s, the still 1.5–3 s, the GIF 3–5 s (each narration is shorter than that)."""
    return {
        "title": "Three scenes",
        "fps": FPS,
        "scenes": [
            {"text": "Blue.", "background": {"color": "#1030c0"}, "min_duration": 1.5},
            {"text": "Green.", "background": {"src": f"{media.url}/still.png"}, "min_duration": 1.5},
            {"text": "Red and blue.", "background": {"src": f"{media.url}/two.gif"}, "min_duration": 2},
        ],
    }


def render(media: MediaServer, folder: Path) -> StoryResult:
    """One run from nothing: a fresh speech cache and a fresh output folder."""
    import asyncio

    folder.mkdir()
    settings = Settings(tts_cache_dir=folder / "speech-cache", fetch_allow_hosts=media.host_port)
    outputs = StoryOutputs(folder / "story.mp4", folder / "story.vtt", folder / "story.html")
    board = Storyboard.model_validate(three_scenes(media))
    return asyncio.run(render_storyboard(board, outputs, settings=settings, options=OPTIONS))


def vtt_cues(path: Path) -> list[tuple[float, float, str]]:
    def seconds(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    found = re.findall(r"([\d:.]+) --> ([\d:.]+)\n(.+)", path.read_text(encoding="utf-8"))
    return [(seconds(a), seconds(b), text) for a, b, text in found]


def test_colour_still_and_gif_scenes_make_one_mp4_with_voice_and_captions(
    media: MediaServer, tmp_path: Path
) -> None:
    result = render(media, tmp_path / "first")
    video = result.outputs.video
    assert (result.duration, result.scenes, result.warnings) == (5.0, 3, [])
    info = video_info(video)
    assert (info["width"], info["height"], info["frames"]) == (160, 90, 50)

    # the sound lasts as long as the picture, to the frame
    assert stream_end(video, "v") == 5
    assert abs(stream_end(video, "a") - stream_end(video, "v")) <= Fraction(1, FPS)

    # the picture: the colour, the still (both halves), then the GIF alternating and looping
    def at(frame: int, xy: tuple[int, int] = TOP) -> tuple[int, ...]:
        return video_frame(video, frame, FPS).getpixel(xy)

    assert close_to(at(7), BLUE)
    assert close_to(at(22, (30, 20)), YELLOW) and close_to(at(22, (130, 20)), GREEN)
    # the GIF's scene starts at 3 s: 0.2 and 0.6 s into it show red, 0.3 and 0.8 s blue
    red_blue = [at(i) for i in (32, 33, 36, 38)]
    assert [close_to(c, RED) for c in red_blue] == [True, False, True, False]
    assert [close_to(c, PURE_BLUE) for c in red_blue] == [False, True, False, True]

    # the captions: the narration in order, each cue starting on its scene's start
    cues = vtt_cues(result.outputs.captions)  # type: ignore[arg-type]
    assert [text for *_, text in cues] == ["Blue.", "Green.", "Red and blue."]
    assert [start for start, *_ in cues] == [0.0, 1.5, 3.0]
    assert all(a_end <= b_start for (_, a_end, _), (b_start, _, _) in pairwise(cues))

    # the voice speaks while its cue shows and is silent between (AAC's edges allowed for)
    sound = decode_audio(video)[:, 0]

    def level(start: float, end: float) -> float:
        return rms(sound[round(start * AUDIO_RATE) : round(end * AUDIO_RATE)])

    for start, end, _ in cues:
        assert level(start + 0.05, end - 0.05) > 0.02
    gaps = [(end + 0.1, next_start - 0.1) for (_, end, _), (next_start, _, _) in pairwise(cues)]
    assert gaps and all(b - a > 0.3 and level(a, b) < 0.002 for a, b in gaps)

    # the composition is kept beside its pictures, as the editor opens it
    page = result.outputs.html.read_text(encoding="utf-8")  # type: ignore[union-attr]
    still = re.search(r'"(story\.assets/bg001-[^"]+)"', page)
    assert still and (tmp_path / "first" / still.group(1)).is_file() and 'data-duration="5.0"' in page

    # everything again from fresh caches (Piper included): the same bytes
    again = render(media, tmp_path / "second")
    assert again.outputs.video.read_bytes() == video.read_bytes()
    assert again.outputs.captions.read_bytes() == result.outputs.captions.read_bytes()  # type: ignore[union-attr]


# --- the command line -----------------------------------------------------------------------


def story(folder: Path, board: object, *extra: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    (folder / "board.json").write_text(board if isinstance(board, str) else json.dumps(board))
    return seekreel(
        "story", "--storyboard", "board.json", "-o", "out.mp4", "--resolution", "160x90", *extra,
        cwd=folder, env={"SEEKREEL_TTS_CACHE_DIR": str(folder / "speech-cache"), **(env or {})},
    )  # fmt: skip


def test_a_video_transcript_without_a_search_key_falls_back_with_a_warning(tmp_path: Path) -> None:
    transcript = {
        "video_transcript": [
            {"timestamp": "00:00:00", "text": "Welcome.", "gifHint": "rust programming language"},
            {"timestamp": "00:00:04", "text": "Bye.", "gif": "waving crab"},
        ]
    }
    proc = story(tmp_path, transcript)
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2, proc.stderr
    assert re.match(
        r"warning: scene 1: no background found for 'rust programming language' \(GIPHY: no key", warnings[0]
    )
    assert warnings[1].startswith("warning: scene 2: no background found for 'waving crab'")
    # the fallback is the palette's gradient: its first stop is the first colour (#0d1117)
    out = tmp_path / "out.mp4"
    assert close_to(video_frame(out, 2, 30).getpixel((2, 2)), (13, 17, 23), 12)
    assert stream_end(out, "a") > 0


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def one_scene(src: str, **scene: object) -> dict[str, object]:
    return {
        "fps": FPS,
        "scenes": [
            {"text": "Hi.", "background": {"color": "#000000"}},
            {"text": "Two.", "background": {"src": src}, **scene},
        ],
    }


@pytest.mark.parametrize(
    ("case", "code", "needle"),
    [
        ("unreachable", 1, "error: scene 2: background http://127.0.0.1:{port}/x.png: "),
        (
            "refused address",
            2,
            "error: scene 2: background http://10.0.0.1/x.png: 10.0.0.1 is a private address",
        ),
        ("too large", 2, "/big.png: 29 KiB is over the 2 KiB limit"),
        (
            "not an image",
            2,
            "/page.png: not an accepted image or video file (its bytes are no known media format)",
        ),
        ("unknown voice", 2, "error: voice: unknown Piper voice 'nobody'"),
        ("empty scene text", 2, "error: board.json: scene 2 (scenes[1].text): the text is empty"),
        ("text over the cap", 2, "error: board.json: scenes: the narration would last about 16 seconds"),
        ("narration over the cap", 2, "error: scenes: the narration lasts 10 s, over the 5 s limit"),
        ("unknown field", 2, "error: board.json: scene 2 (scenes[1].background.colour): unknown field"),
        ("not JSON", 2, "error: board.json: not valid JSON"),
    ],
)
def test_bad_input_is_one_line_and_leaves_no_file(
    media: MediaServer, tmp_path: Path, case: str, code: int, needle: str
) -> None:
    port = closed_port()
    env = {
        "SEEKREEL_FETCH_ALLOW_HOSTS": f"{media.host_port},127.0.0.1:{port}",
        "SEEKREEL_FETCH_MAX_BYTES": "2000",
    }
    board: object = {
        "unreachable": one_scene(f"http://127.0.0.1:{port}/x.png"),
        "refused address": one_scene("http://10.0.0.1/x.png"),
        "too large": one_scene(f"{media.url}/big.png"),
        "not an image": one_scene(f"{media.url}/page.png"),
        "unknown voice": {**one_scene(f"{media.url}/still.png"), "voice": {"name": "nobody"}},
        "empty scene text": {"scenes": [{"text": "Hi."}, {"text": "  "}]},
        "text over the cap": {"scenes": [{"text": "word " * 40}]},
        "narration over the cap": {"scenes": [{"text": "123456789123456789."}]},
        "unknown field": {"scenes": [{"text": "Hi."}, {"text": "Two.", "background": {"colour": "#fff"}}]},
        "not JSON": '{"scenes": [',
    }[case]
    if case in ("text over the cap", "narration over the cap"):
        env["SEEKREEL_STORY_MAX_NARRATION_SECONDS"] = "5"
    proc = story(tmp_path, board, env=env)
    assert_one_line_error(proc, code, needle.format(port=port))
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "speech-cache") == ["board.json"]
