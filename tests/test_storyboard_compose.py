"""The compiled composition: valid by the validator's own rules, small for many scenes, and —
rendered by the real renderer — showing the right background, frame and caption at known times."""

from __future__ import annotations

import json
import re
from pathlib import Path

from media import close_to, png
from PIL import Image

from sandbox import BrowserPool, RenderOptions, capture_frame, parse_composition
from service.backgrounds import PreparedBackground
from service.captions import Cue
from service.storyboards import Storyboard, compile_composition, expand_scenes, time_scenes
from service.validation import ValidationLimits, validate_static

NAVY = (16, 32, 48)
YELLOW, GREEN, RED, BLUE = (255, 255, 0), (0, 200, 0), (255, 0, 0), (0, 0, 255)
HIGHLIGHT = (255, 209, 102)
LIMITS = ValidationLimits(max_duration=600)


def storyboard(*, enabled: bool = True, **style: object) -> Storyboard:
    return Storyboard.model_validate(
        {
            "title": "Test",
            "captions": {"enabled": enabled, "style": {"highlight": "#ffd166", **style}},
            "scenes": [{"text": "Hello there."}, {"text": "A picture."}, {"text": "Frames."}],
        }
    )


def three_scenes(tmp: Path, board: Storyboard) -> str:
    """Colour 0–1 s, a still (left yellow, right green) 1–2 s, two-colour frames 2–4 s (0.25 s each)."""
    assets = tmp / "assets"
    assets.mkdir(exist_ok=True)
    picture = Image.new("RGB", (160, 90), GREEN)
    picture.paste(YELLOW, (0, 0, 80, 90))
    picture.save(assets / "still.png")
    Image.new("RGB", (8, 8), RED).save(assets / "gif-000.png")
    Image.new("RGB", (8, 8), BLUE).save(assets / "gif-001.png")
    timed = time_scenes(expand_scenes(board), [0.7, 0.7, 1.7], board.fps)
    backgrounds = [
        PreparedBackground("color", color="#102030"),
        PreparedBackground("image", files=("still.png",), pan_zoom=True),
        PreparedBackground("frames", files=("gif-000.png", "gif-001.png"), frame_duration=0.25),
    ]
    cues = [Cue(0.0, 0.9, "Hello there"), Cue(2.0, 3.9, "Frames")]
    return compile_composition(board, timed, backgrounds, cues, asset_prefix="assets/")


def test_the_page_is_a_valid_composition(tmp_path: Path) -> None:
    html = three_scenes(tmp_path, storyboard())
    report = validate_static(html, limits=LIMITS)
    assert report.findings == []
    comp = parse_composition(html)
    assert (comp.duration, comp.fps, comp.aspect, comp.width) == (4.0, 30.0, "16:9", 1920)


def test_fifty_scenes_stay_far_below_the_size_limit() -> None:
    text = "A sentence of narration that is about as long as most scenes have. And a second one."
    board = Storyboard.model_validate({"scenes": [{"text": text}] * 50})
    timed = time_scenes(expand_scenes(board), [5.0] * 50, board.fps)
    backgrounds = [
        PreparedBackground(
            "frames", files=tuple(f"scene{i}-{k:03d}.png" for k in range(60)), frame_duration=0.1
        )
        if i % 2
        else PreparedBackground("image", files=(f"scene{i}.jpg",), pan_zoom=True)
        for i in range(50)
    ]
    cues = [Cue(t.start + k, t.start + k + 1, text[:40]) for t in timed for k in range(3)]
    html = compile_composition(board, timed, backgrounds, cues, asset_prefix="story.assets/")
    assert len(html.encode()) < 25_000
    assert validate_static(html, limits=LIMITS).findings == []


def test_text_is_data_never_markup_or_placeholders(tmp_path: Path) -> None:
    sneaky = "</script><img src=x onerror=alert(1)> {{$TOKEN}} & more"
    board = Storyboard.model_validate({"title": "{{$TITLE}} <b>", "scenes": [{"text": sneaky}]})
    timed = time_scenes(expand_scenes(board), [1.0], board.fps)
    html = compile_composition(
        board, timed, [PreparedBackground("color", color="#000000")], [Cue(0, 1, sneaky)]
    )
    parse_composition(html)  # no placeholder left unfilled, no broken root
    assert validate_static(html, limits=LIMITS).findings == []
    block = re.search(r'id="storyboard-data">(.*?)</script>', html, re.DOTALL)
    assert block is not None and json.loads(block.group(1))["cues"][0][2] == sneaky


def test_pixels_at_known_times(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    html = three_scenes(tmp_path, storyboard())
    plain = three_scenes(tmp_path, storyboard(enabled=False))
    options = RenderOptions(assets_dir=tmp_path, resolution="320x180")

    async def frames() -> dict[tuple[str, float], Image.Image]:
        async with BrowserPool(1) as pool:
            shots = {}
            for name, page, times in (
                ("on", html, (0.5, 1.0, 1.5, 2.2, 2.35, 2.6, 2.85)),
                ("off", plain, (0.5,)),
            ):
                for t in times:
                    shots[name, t] = png(await capture_frame(page, t, options, pool=pool))
            return shots

    shots = run(frames())
    assert close_to(shots["on", 0.5].getpixel((20, 20)), NAVY, 8)
    mid = shots["on", 1.0].getpixel((20, 90))  # halfway through the crossfade into the still
    assert not close_to(mid, NAVY, 20) and not close_to(mid, YELLOW, 20)
    assert close_to(shots["on", 1.5].getpixel((40, 90)), YELLOW) and close_to(
        shots["on", 1.5].getpixel((280, 90)), GREEN
    )
    colours = [shots["on", t].getpixel((160, 60)) for t in (2.2, 2.35, 2.6, 2.85)]
    assert [close_to(c, RED) for c in colours] == [True, False, True, False]
    assert [close_to(c, BLUE) for c in colours] == [False, True, False, True]

    box = (90, 140, 230, 172)  # bottom centre, inside the 5% safe area
    assert _count(shots["on", 0.5], box, lambda p: min(p) > 200) > 15, "no caption text"
    assert _count(shots["on", 0.5], box, lambda p: close_to(p, HIGHLIGHT, 50)) > 3, "no highlighted word"
    assert _count(shots["off", 0.5], box, lambda p: not close_to(p, NAVY, 8)) == 0, (
        "caption with captions off"
    )


def test_caption_position_and_box(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    html = three_scenes(tmp_path, storyboard(position="top", background=None))
    img = png(run(capture_frame(html, 0.5, RenderOptions(assets_dir=tmp_path, resolution="320x180"))))
    assert _count(img, (90, 8, 230, 40), lambda p: min(p) > 200) > 15
    assert _count(img, (90, 140, 230, 172), lambda p: not close_to(p, NAVY, 8)) == 0


def test_a_repeated_frame_is_one_picture_shown_again(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    three_scenes(tmp_path, storyboard())  # writes the assets
    board = Storyboard.model_validate({"scenes": [{"text": "Frames."}]})
    timed = time_scenes(expand_scenes(board), [1.5], board.fps)
    frames = PreparedBackground(
        "frames", files=("gif-000.png", "gif-000.png", "gif-001.png"), frame_duration=0.25
    )
    html = compile_composition(board, timed, [frames], [], asset_prefix="assets/")
    assert html.count("gif-000.png") == 1 and '"seq":[0,0,1]' in html

    async def colours() -> list[tuple[int, ...]]:
        options = RenderOptions(assets_dir=tmp_path, resolution="320x180")
        async with BrowserPool(1) as pool:
            return [
                png(await capture_frame(html, t, options, pool=pool)).getpixel((160, 90))
                for t in (0.1, 0.35, 0.6, 0.85)
            ]

    assert [close_to(c, RED) for c in run(colours())] == [True, True, False, True]


def _count(img: Image.Image, box: tuple[int, int, int, int], test) -> int:  # type: ignore[no-untyped-def]
    x0, y0, x1, y1 = box
    return sum(1 for x in range(x0, x1) for y in range(y0, y1) if test(img.getpixel((x, y))))
