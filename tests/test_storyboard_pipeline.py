"""Storyboard → MP4 through the whole pipeline: real renderer and ffmpeg, with the TEST
STAND-INS of tests/storyboard_stand_ins.py for speech, captions, soundtrack and backgrounds.

They check what the pipeline itself owns (order of stages, timing, placement, atomic outputs,
errors naming the scene, the caps). The same kinds of scenes run with the real packages,
through the CLI, in tests/test_story_cli.py; once those packages are merged, `parts()` below
may become `real_parts()` for the tests that do not rely on a stand-in's behaviour.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from media import close_to, video_frame, video_info
from PIL import Image
from storyboard_stand_ins import sine_wav, stand_in_parts

from sandbox import RenderOptions
from sandbox.encode import ffmpeg_exe
from service.settings import Settings
from service.storyboards import (
    Parts,
    Storyboard,
    StoryboardInvalid,
    StoryError,
    StoryOutputs,
    render_storyboard,
)

NAVY, YELLOW, GREEN, RED, BLUE = (16, 32, 48), (255, 255, 0), (0, 200, 0), (255, 0, 0), (0, 0, 255)
OPTIONS = RenderOptions(resolution="320x180", workers=1, quality="draft")


def parts(tmp: Path, **kwargs: object) -> Parts:
    return stand_in_parts(tmp, **kwargs)  # type: ignore[arg-type]


def story_folder(tmp: Path) -> Path:
    folder = tmp / "story"
    folder.mkdir()
    still = Image.new("RGB", (160, 90), GREEN)
    still.paste(YELLOW, (0, 0, 80, 90))
    still.save(folder / "still.png")
    Image.new("RGB", (8, 8), RED).save(folder / "red.png")
    Image.new("RGB", (8, 8), BLUE).save(folder / "blue.png")
    return folder


def board(**extra: object) -> Storyboard:
    """Colour 0–1 s, still 1–2 s, two-colour frames 2–4 s, a search with no search set up 4–5 s."""
    return Storyboard.model_validate(
        {
            "fps": 10,
            "scenes": [
                {"text": "Hello there.", "background": {"color": "#102030"}, "min_duration": 1},
                {"text": "Still picture.", "background": {"src": "still.png"}, "min_duration": 1},
                {
                    "text": "Frames that alternate.",
                    "background": {"src": "red.png|blue.png"},
                    "min_duration": 2,
                },
                {"text": "The end.", "background": {"search": "rust"}, "min_duration": 1},
            ],
            **extra,
        }
    )


def stream_seconds(path: Path, kind: str) -> float:
    """Length of the first video ('v') or audio ('a') stream, by decoding it."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", f"0:{kind}:0", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    h, m, s = re.findall(r"time=(\d+):(\d+):([\d.]+)", proc.stderr)[-1]
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_storyboard_to_mp4_with_sound_captions_and_page(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    folder = story_folder(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    outputs = StoryOutputs(out_dir / "story.mp4", out_dir / "story.vtt", out_dir / "page.html")
    stages: list[str] = []

    def progress(stage: str, done: int, total: int) -> None:
        if not stages or stages[-1] != stage:
            stages.append(stage)

    result = run(
        render_storyboard(
            board(),
            outputs,
            settings=Settings(),
            options=OPTIONS,
            base_dir=folder,
            parts=parts(tmp_path),
            on_progress=progress,
        )
    )
    assert stages == ["voicing", "fetching", "rendering", "mixing"]
    assert result.duration == 5.0 and result.scenes == 4
    assert result.warnings == ["scene 4: no media search configured; used a colour background"]
    assert result.credits == [
        "scene 2: still.png by the test suite",
        "scene 3: red.png|blue.png by the test suite",
    ]

    info = video_info(outputs.video)
    assert (info["width"], info["height"], info["frames"]) == (320, 180, 50)
    assert abs(stream_seconds(outputs.video, "a") - stream_seconds(outputs.video, "v")) <= 0.1
    frame = lambda i: video_frame(outputs.video, i, 10)  # noqa: E731
    assert close_to(frame(5).getpixel((20, 20)), NAVY, 12)
    still = frame(15)
    assert close_to(still.getpixel((40, 60)), YELLOW) and close_to(still.getpixel((280, 60)), GREEN)
    assert close_to(frame(22).getpixel((160, 60)), RED) and close_to(frame(23).getpixel((160, 60)), BLUE)
    assert close_to(frame(26).getpixel((160, 60)), RED) and close_to(
        frame(28).getpixel((160, 60)), BLUE
    )  # looped over the scene's length
    assert not close_to(frame(45).getpixel((20, 20)), NAVY, 12)  # the fallback colour differs from scene 1

    vtt = outputs.captions.read_text()  # type: ignore[union-attr]
    texts = re.findall(r"-->.*\n(.+)", vtt)
    assert texts == ["Hello there.", "Still picture.", "Frames that alternate.", "The end."]
    page = outputs.html.read_text()  # type: ignore[union-attr]
    files = re.findall(r'"(page\.assets/[^"]+)"', page)
    assert files and all((out_dir / f).is_file() for f in files)
    assert sorted(p.name for p in out_dir.iterdir()) == ["page.assets", "page.html", "story.mp4", "story.vtt"]


def test_a_failing_scene_is_named_and_nothing_is_left(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    folder = story_folder(tmp_path)
    outputs = StoryOutputs(tmp_path / "story.mp4", tmp_path / "story.srt")
    with pytest.raises(StoryError, match=r"^scene 2: .*unknown voice 'joe'"):
        run(
            render_storyboard(
                board(),
                outputs,
                settings=Settings(),
                options=OPTIONS,
                base_dir=folder,
                parts=parts(tmp_path, fail_speech_on="Still"),
            )
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["speech-cache", "story"]


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("not-audio.png", r"^music\.src: not-audio\.png is not an audio file"),
        ("missing.mp3", r"^music\.src: .*missing\.mp3: no such file"),
        (
            "https://media.example.org/bed.mp3",
            r"^music\.src: https://media\.example\.org/bed\.mp3: no network",
        ),
    ],
)
def test_unusable_music_is_named(tmp_path: Path, run, src: str, message: str) -> None:  # type: ignore[no-untyped-def]
    folder = story_folder(tmp_path)
    (folder / "not-audio.png").write_bytes((folder / "red.png").read_bytes())
    with pytest.raises(StoryError, match=message):
        run(
            render_storyboard(
                board(music={"src": src}),
                StoryOutputs(tmp_path / "story.mp4"),
                settings=Settings(),
                options=OPTIONS,
                base_dir=folder,
                parts=parts(tmp_path),
            )
        )
    assert not (tmp_path / "story.mp4").exists()


def test_music_bed_from_a_local_file(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    folder = story_folder(tmp_path)
    sine_wav(folder / "bed.wav", 1.0, hz=220)
    short = Storyboard.model_validate(
        {
            "fps": 10,
            "music": {"src": "bed.wav", "volume": 0.2},
            "scenes": [{"text": "Hi.", "min_duration": 1}],
        }
    )
    result = run(
        render_storyboard(
            short,
            StoryOutputs(tmp_path / "story.mp4"),
            settings=Settings(),
            options=OPTIONS,
            base_dir=folder,
            parts=parts(tmp_path),
        )
    )
    assert result.duration == 1.0 and stream_seconds(tmp_path / "story.mp4", "a") > 0.9


def test_narration_caps_before_and_after_synthesis(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    words = " ".join(["word"] * 20) + "."  # estimated at 8 s (150 words a minute)
    story = Storyboard.model_validate({"scenes": [{"text": words}]})
    out = StoryOutputs(tmp_path / "x.mp4")
    with pytest.raises(StoryboardInvalid, match="the limit is 7 seconds"):
        run(
            render_storyboard(
                story, out, settings=Settings(story_max_narration_seconds=7), parts=parts(tmp_path)
            )
        )
    slow_voice = parts(tmp_path, seconds_per_word=1.0)  # the synthesis takes 20 s
    with pytest.raises(StoryError, match=r"the narration lasts 20 s, over the 10 s limit"):
        run(
            render_storyboard(story, out, settings=Settings(story_max_narration_seconds=10), parts=slow_voice)
        )
