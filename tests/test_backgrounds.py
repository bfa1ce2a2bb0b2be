"""Scene backgrounds: colours, pictures by URL or path decoded into frames, AI, search, fallbacks.

Real Pillow and ffmpeg; fake GIPHY, Pexels and OpenAI Images servers and a media host, all on
127.0.0.1 (the media host allowed through SEEKREEL_FETCH_ALLOW_HOSTS).
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import pytest
from fakes.media_search import FakeGiphy, FakePexels
from fakes.media_server import MediaServer, Route
from fakes.openai_images import FakeOpenAIImages
from media import close_to
from PIL import Image

from service.backgrounds import BackgroundError, PreparedBackground, prepare_background
from service.settings import Settings

RED, BLUE, GREEN = (255, 0, 0), (0, 0, 255), (0, 160, 0)
PALETTE = ["#102030", "#405060", "#708090"]


@dataclass(frozen=True)
class Ai:
    prompt: str | None = None
    style: str | None = None


@dataclass(frozen=True)
class Spec:
    """The storyboard model's BackgroundSpec, as far as backgrounds read it."""

    color: str | None = None
    src: str | None = None
    fit: str = "cover"
    pan_zoom: bool = False
    ai: Ai | None = None
    search: str | None = None


def gif(colors: list[tuple[int, int, int]], durations: list[int], size: tuple[int, int] = (32, 18)) -> bytes:
    frames = [Image.new("RGB", size, c) for c in colors]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
    return out.getvalue()


def png(
    size: tuple[int, int] = (32, 18), color: tuple[int, int, int] = GREEN, exif: bytes | None = None
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG", **({"exif": exif} if exif else {}))
    return out.getvalue()


def mp4(tmp_path: Path, seconds: float = 1, rate: int = 10) -> bytes:
    out = tmp_path / "testsrc.mp4"
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc=size=160x90:rate={rate}:duration={seconds}",
            "-pix_fmt", "yuv420p", "-c:v", "libx264", str(out),
        ],
        check=True,
    )  # fmt: skip
    return out.read_bytes()


def prepare(run, spec: Spec, tmp_path: Path, settings: Settings, **kw: object) -> PreparedBackground:
    args: dict[str, object] = {
        "scene_index": 1,
        "scene_text": "Rust keeps memory safe without a garbage collector.",
        "duration": 3.0,
        "assets_dir": tmp_path / "assets",
        "palette": PALETTE,
        "settings": settings,
        "base_dir": None,
    }
    return run(prepare_background(spec, **(args | kw)))


def pixel(assets: Path, name: str, xy: tuple[int, int] = (5, 5)) -> tuple[int, ...]:
    return Image.open(assets / name).convert("RGB").getpixel(xy)


def offline(tmp_path: Path, **kw: object) -> Settings:
    """Settings with no search keys, no AI key and no media folder, whatever the environment says."""
    base: dict[str, object] = {
        "giphy_api_key": None,
        "pexels_api_key": None,
        "openai_api_key": None,
        "media_dir": None,
        "data_dir": tmp_path / "data",
    }
    return Settings(**(base | kw))


# --- colour and explicit sources ----------------------------------------------------------------


def test_a_colour_is_a_colour(run, tmp_path: Path) -> None:
    bg = prepare(run, Spec(color="#0d1117"), tmp_path, offline(tmp_path))
    assert (bg.kind, bg.color, bg.files, bg.warnings) == ("color", "#0d1117", (), ())


def test_a_two_colour_gif_by_url_decodes_into_frames_with_its_timing(run, tmp_path: Path) -> None:
    with MediaServer({"/two.gif": Route(gif([RED, BLUE], [200, 200]), content_type="text/plain")}) as media:
        settings = offline(tmp_path, fetch_allow_hosts=media.host_port)
        bg = prepare(run, Spec(src=f"{media.url}/two.gif", fit="contain"), tmp_path, settings)
    assets = tmp_path / "assets"
    assert bg.kind == "frames" and bg.frame_duration == pytest.approx(0.2)
    assert len(bg.files) == 2 and len(set(bg.files)) == 2
    assert close_to(pixel(assets, bg.files[0]), RED) and close_to(pixel(assets, bg.files[1]), BLUE)
    assert (bg.width, bg.height, bg.fit, bg.warnings) == (32, 18, "contain", ())


def test_frames_of_uneven_length_are_laid_on_one_even_step(run, tmp_path: Path) -> None:
    with MediaServer({"/uneven.gif": Route(gif([RED, BLUE, RED], [100, 300, 200]))}) as media:
        settings = offline(tmp_path, fetch_allow_hosts=media.host_port)
        bg = prepare(run, Spec(src=f"{media.url}/uneven.gif"), tmp_path, settings)
    assert bg.frame_duration == pytest.approx(0.1)
    colours = [pixel(tmp_path / "assets", name) for name in bg.files]
    want = [RED] + [BLUE] * 3 + [RED] * 2
    assert len(colours) == 6 and all(close_to(c, w) for c, w in zip(colours, want, strict=True))
    assert len(set(bg.files)) == 2  # the third frame equals the first: one file


def test_decoding_is_deterministic(run, tmp_path: Path) -> None:
    data = gif([RED, BLUE], [150, 150])
    with MediaServer({"/a.gif": Route(data)}) as media:
        settings = offline(tmp_path, fetch_allow_hosts=media.host_port)
        first = prepare(run, Spec(src=f"{media.url}/a.gif"), tmp_path / "one", settings)
        second = prepare(run, Spec(src=f"{media.url}/a.gif"), tmp_path / "two", settings)
    assert first == second
    for name in first.files:
        assert (tmp_path / "one/assets" / name).read_bytes() == (tmp_path / "two/assets" / name).read_bytes()


def test_a_local_mp4_decodes_into_frames(run, tmp_path: Path) -> None:
    (tmp_path / "clips").mkdir()
    (tmp_path / "clips/test.mp4").write_bytes(mp4(tmp_path, seconds=1, rate=10))
    bg = prepare(run, Spec(src="clips/test.mp4"), tmp_path, offline(tmp_path), base_dir=tmp_path)
    assert bg.kind == "frames"
    assert bg.frame_duration == pytest.approx(0.1)  # the video's own 10 fps, under the 15 fps setting
    assert len(bg.files) == 10 and len(set(bg.files)) == 10
    assert (bg.width, bg.height) == (160, 90)
    assert all((tmp_path / "assets" / name).read_bytes()[:3] == b"\xff\xd8\xff" for name in bg.files)


def test_a_video_is_decoded_only_as_far_as_needed_and_the_cut_is_reported(run, tmp_path: Path) -> None:
    (tmp_path / "long.mp4").write_bytes(mp4(tmp_path, seconds=2, rate=10))
    settings = offline(tmp_path, background_max_seconds=0.5, background_video_fps=5)
    bg = prepare(run, Spec(src="long.mp4"), tmp_path, settings, base_dir=tmp_path, duration=4.0)
    assert bg.frame_duration == pytest.approx(0.2) and len(bg.files) == 3
    assert len(bg.warnings) == 1 and bg.warnings[0].startswith("scene 2: the video lasts 2 s")


def test_a_damaged_video_is_an_error_naming_the_scene(run, tmp_path: Path) -> None:
    (tmp_path / "cut.mp4").write_bytes(mp4(tmp_path)[:600])  # the header box, no pictures
    with pytest.raises(BackgroundError, match=r"^scene 2: background cut\.mp4: the video cannot be decoded"):
        prepare(run, Spec(src="cut.mp4"), tmp_path, offline(tmp_path), base_dir=tmp_path)
    assert not any((tmp_path / "assets").iterdir())  # no half-written frames left behind


def test_a_still_is_turned_upright_by_its_exif_orientation_and_size_capped(run, tmp_path: Path) -> None:
    picture = Image.new("RGB", (400, 200), RED)
    picture.paste(BLUE, (200, 0, 400, 200))  # left red, right blue
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    out = io.BytesIO()
    picture.save(out, "PNG", exif=exif.tobytes())
    (tmp_path / "photo.png").write_bytes(out.getvalue())
    settings = offline(tmp_path, background_max_side=100)
    bg = prepare(run, Spec(src="photo.png", pan_zoom=True), tmp_path, settings, base_dir=tmp_path)
    assert (bg.kind, bg.width, bg.height, bg.pan_zoom) == ("image", 50, 100, True)
    shown = Image.open(tmp_path / "assets" / bg.files[0])
    assert shown.format == "JPEG" and shown.size == (50, 100) and not shown.getexif()
    assert close_to(shown.convert("RGB").getpixel((25, 10)), RED)  # the left side is now the top
    assert close_to(shown.convert("RGB").getpixel((25, 90)), BLUE)


def test_a_picture_over_the_pixel_limit_is_refused_before_decoding(run, tmp_path: Path) -> None:
    (tmp_path / "huge.png").write_bytes(png(size=(3000, 2000)))
    settings = offline(tmp_path, background_max_pixels=1_000_000)
    with pytest.raises(
        BackgroundError, match=r"^scene 2: .*3000×2000 pixels .*SEEKREEL_BACKGROUND_MAX_PIXELS"
    ):
        prepare(run, Spec(src="huge.png"), tmp_path, settings, base_dir=tmp_path)


@pytest.mark.parametrize(
    ("route", "why"),
    [
        (
            Route(b"<!doctype html><p>not a picture</p>" + b" " * 64, content_type="image/gif"),
            "not an accepted",
        ),
        (Route(b"gone", status=404), "answered HTTP 404"),
        (Route(png(), declared_length=10**9), "over the"),
        (Route(b"GIF89a" + bytes(100)), "cannot be decoded"),  # a GIF header, then nothing
    ],
)
def test_an_explicit_url_that_cannot_be_used_is_an_error_naming_the_scene(
    run, tmp_path: Path, route: Route, why: str
) -> None:
    with MediaServer({"/bg": route}) as media:
        settings = offline(tmp_path, fetch_allow_hosts=media.host_port)
        with pytest.raises(BackgroundError, match=f"^scene 2: background {media.url}/bg.*{why}"):
            prepare(run, Spec(src=f"{media.url}/bg"), tmp_path, settings)


def test_an_explicit_url_to_a_refused_address_is_an_error_and_never_fetched(run, tmp_path: Path) -> None:
    with MediaServer({"/bg.png": Route(png())}) as media:  # not allowed: it is loopback
        with pytest.raises(BackgroundError, match=r"^scene 2: .*127\.0\.0\.1 is a loopback address"):
            prepare(run, Spec(src=f"{media.url}/bg.png"), tmp_path, offline(tmp_path))
        assert media.hits == []


@pytest.mark.parametrize(
    ("src", "base", "why"),
    [
        ("photo.png", False, "local files are read only from the command line"),
        ("../outside.png", True, "outside"),
        ("/etc/hostname", True, "outside"),
        ("missing.png", True, "no such file"),
        ("notes.txt", True, "not an accepted image or video file"),
        ("file:///etc/passwd", True, "only http and https"),
    ],
)
def test_local_paths_only_from_the_cli_and_only_inside_its_folder(
    run, tmp_path: Path, src: str, base: bool, why: str
) -> None:
    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "photo.png").write_bytes(png())
    (folder / "notes.txt").write_text("hello " * 20)
    (tmp_path / "outside.png").write_bytes(png())
    with pytest.raises(BackgroundError, match=f"^scene 2: background .*{why}"):
        prepare(run, Spec(src=src), tmp_path, offline(tmp_path), base_dir=folder if base else None)


# --- search and AI: found, or a palette gradient with a warning ---------------------------------


def test_search_without_any_provider_falls_back_with_a_warning(run, tmp_path: Path) -> None:
    bg = prepare(run, Spec(search="rust memory safety"), tmp_path, offline(tmp_path))
    assert bg.kind == "gradient" and bg.css and bg.color == PALETTE[1]  # scene index 1's colour
    assert PALETTE[2] in bg.css and bg.files == ()
    (warning,) = bg.warnings
    assert warning.startswith("scene 2: no background found for 'rust memory safety'")
    for reason in ("SEEKREEL_GIPHY_API_KEY", "SEEKREEL_PEXELS_API_KEY", "SEEKREEL_MEDIA_DIR", "gradient"):
        assert reason in warning


def test_ai_without_a_key_falls_back_with_a_warning(run, tmp_path: Path) -> None:
    bg = prepare(
        run, Spec(ai=Ai(prompt="a crab made of gears")), tmp_path, offline(tmp_path), scene_label="scene 4.2"
    )
    assert bg.kind == "gradient"
    assert bg.warnings == (
        "scene 4.2: no AI background (no OpenAI key set (SEEKREEL_OPENAI_API_KEY or OPENAI_API_KEY)); "
        "used a gradient from the palette",
    )


def test_giphy_finds_a_gif_that_is_fetched_through_the_guard(run, tmp_path: Path) -> None:
    with (
        MediaServer({"/crab.gif": Route(gif([RED, BLUE], [100, 100]))}) as media,
        FakeGiphy({"rust crab": [f"{media.url}/crab.gif"]}) as giphy,
    ):
        settings = offline(
            tmp_path,
            giphy_api_key="giphy-test",
            giphy_api_url=giphy.api_url,
            fetch_allow_hosts=media.host_port,
        )
        bg = prepare(run, Spec(search="rust crab"), tmp_path, settings)
        (request,) = giphy.requests
    assert bg.kind == "frames" and bg.frame_duration == pytest.approx(0.1) and bg.warnings == ()
    assert bg.credit == "GIF via GIPHY"
    assert (
        "q=rust+crab" in request.path and "rating=g" in request.path and "api_key=giphy-test" in request.path
    )


def test_a_search_result_on_a_refused_address_falls_back_and_is_never_fetched(run, tmp_path: Path) -> None:
    with (
        MediaServer({"/crab.gif": Route(gif([RED, BLUE], [100, 100]))}) as media,
        FakeGiphy({"rust crab": [f"{media.url}/crab.gif"]}) as giphy,
    ):
        settings = offline(
            tmp_path, giphy_api_key="giphy-test", giphy_api_url=giphy.api_url
        )  # media not allowed
        bg = prepare(run, Spec(search="rust crab"), tmp_path, settings)
        assert media.hits == []
    assert bg.kind == "gradient"
    assert "GIPHY: " in bg.warnings[0] and "127.0.0.1 is a loopback address" in bg.warnings[0]


def test_a_refused_search_key_falls_through_to_the_next_provider(run, tmp_path: Path) -> None:
    media_dir = tmp_path / "media"
    media_dir.mkdir()
    (media_dir / "rust-crab.png").write_bytes(png(color=GREEN))
    with FakeGiphy({}) as giphy:
        settings = offline(tmp_path, giphy_api_key="wrong", giphy_api_url=giphy.api_url, media_dir=media_dir)
        bg = prepare(run, Spec(search="rust crab"), tmp_path, settings)
    assert bg.kind == "image" and close_to(pixel(tmp_path / "assets", bg.files[0]), GREEN)


def test_pexels_photos_and_videos(run, tmp_path: Path) -> None:
    routes = {"/ocean.png": Route(png(color=BLUE)), "/ocean.mp4": Route(mp4(tmp_path, seconds=1, rate=5))}
    with (
        MediaServer(routes) as media,
        FakePexels(
            photos={"ocean": [f"{media.url}/ocean.png"]}, videos={"ocean": [f"{media.url}/ocean.mp4"]}
        ) as pexels,
    ):
        settings = offline(
            tmp_path,
            pexels_api_key="pexels-test",
            pexels_api_url=pexels.url,
            fetch_allow_hosts=media.host_port,
        )
        photo = prepare(run, Spec(search="ocean"), tmp_path / "p", settings, aspect="9:16")
        video = prepare(
            run, Spec(search="ocean"), tmp_path / "v", settings.model_copy(update={"pexels_media": "videos"})
        )
        nothing = prepare(run, Spec(search="desert"), tmp_path / "n", settings)
        photo_request, video_request, _ = pexels.requests
    assert photo.kind == "image" and photo.credit == "Photo by Ada Example on Pexels"
    assert photo_request.path.startswith("/v1/search?") and "orientation=portrait" in photo_request.path
    assert photo_request.headers["authorization"] == "pexels-test"
    assert (
        video.kind == "frames" and len(video.files) == 5 and video.credit == "Video by Bo Example on Pexels"
    )
    assert video_request.path.startswith("/videos/search?")
    assert [hit.path for hit in media.hits] == [
        "/ocean.png",
        "/ocean.mp4",
    ]  # the 4K rendition was passed over
    assert nothing.kind == "gradient" and "Pexels: nothing found" in nothing.warnings[0]


def test_the_local_media_folder_is_matched_by_file_name_words(run, tmp_path: Path) -> None:
    media_dir = tmp_path / "media"
    (media_dir / "animals").mkdir(parents=True)
    (media_dir / "rust-crab-mascot.png").write_bytes(png(color=RED))
    (media_dir / "animals" / "crab.png").write_bytes(png(color=BLUE))
    (media_dir / "ocean_waves.gif").write_bytes(gif([GREEN, BLUE], [100, 100]))
    (media_dir / ".hidden-crab.png").write_bytes(png(color=GREEN))
    (media_dir / "crab-notes.txt").write_text("crab")
    settings = offline(tmp_path, media_dir=media_dir)

    def found(query: str) -> PreparedBackground:
        return prepare(run, Spec(search=query), tmp_path / query.replace(" ", "_"), settings)

    assert close_to(pixel(tmp_path / "The_Rust_crab/assets", found("The Rust crab").files[0]), RED)
    assert close_to(pixel(tmp_path / "crabs/assets", found("crabs").files[0]), BLUE)  # fewer other words
    assert found("Ocean Waves").kind == "frames"
    missing = found("volcano")
    assert missing.kind == "gradient" and "local media folder: nothing found" in missing.warnings[0]


def test_ai_backgrounds_come_from_the_images_api_and_are_cached(run, tmp_path: Path) -> None:
    with FakeOpenAIImages(png(size=(48, 27), color=GREEN)) as fake:
        settings = offline(
            tmp_path, openai_api_key="sk-test", openai_base_url=fake.base_url, provider_retries=0
        )
        spec = Spec(ai=Ai(style="cartoon"))
        first = prepare(run, spec, tmp_path / "one", settings)
        second = prepare(run, spec, tmp_path / "two", settings)
        (request,) = fake.generations  # the second run reused the picture
    assert request.body == {
        "model": "gpt-image-2",
        "prompt": "Rust keeps memory safe without a garbage collector. Style: cartoon",
        "size": "1536x864",
        "n": 1,
    }
    assert first == second and first.kind == "image" and (first.width, first.height) == (48, 27)
    assert close_to(pixel(tmp_path / "one/assets", first.files[0]), GREEN)


def test_an_images_api_failure_falls_back_with_a_warning(run, tmp_path: Path) -> None:
    with FakeOpenAIImages(png(), models=("another-model",)) as fake:
        settings = offline(
            tmp_path, openai_api_key="sk-test", openai_base_url=fake.base_url, provider_retries=0
        )
        bg = prepare(run, Spec(ai=Ai(prompt="a crab made of gears")), tmp_path, settings, aspect="1:1")
        assert fake.generations[0].body["size"] == "1024x1024"
    assert bg.kind == "gradient"
    assert bg.warnings[0].startswith("scene 2: no AI background (the OpenAI Images API failed (")
    assert "Invalid value: 'gpt-image-2'" in bg.warnings[0]
