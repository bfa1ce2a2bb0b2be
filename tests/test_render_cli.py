"""`seekreel render`, `frame` and `doctor` as a person runs them: real process, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from media import close_to, png, video_info

SEEKREEL = str(Path(sys.executable).with_name("seekreel"))
PAGE = """<!doctype html><html data-duration="1" data-width="320" data-height="180" data-fps="10">
<head><script type="application/json" id="hf-variables">{"BG": "rgb(0, 0, 255)"}</script></head>
<body style="margin:0;background:{{$BG}}"><img src="dot.png" style="position:absolute;left:0;top:0;width:40px;height:40px">
<script>addEventListener('hf-seek', e => { document.title = e.detail.time; });</script></body></html>"""


def seekreel(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SEEKREEL, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture
def page(tmp_path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (4, 4), (255, 0, 0)).save(tmp_path / "dot.png")
    p = tmp_path / "page.html"
    p.write_text(PAGE)
    return p


def test_render_with_vars_and_assets(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    proc = seekreel(
        "render", str(page), "-o", str(out), "--var", "BG=rgb(0, 255, 0)", "--resolution", "160x90", "--quiet"
    )
    assert proc.returncode == 0, proc.stderr
    info = video_info(out)
    assert (info["width"], info["height"], info["frames"]) == (160, 90, 10)


def test_frame_png(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "f.png"
    proc = seekreel("frame", str(page), "--at", "0.5", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    img = png(out.read_bytes())
    assert img.size == (320, 180)
    assert close_to(img.getpixel((10, 10)), (255, 0, 0)), "the asset beside the page was served"
    assert close_to(img.getpixel((200, 100)), (0, 0, 255)), "the variable's default was used"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "/nonexistent/page.html"], "no such file"),
        (["render", "{notes}"], "does not look like HTML"),
        (["render", "{noduration}"], "no data-duration"),
        (["render", "{absurd}"], "out of range"),
        (["render", "{page}", "--quality", "ultra"], "'ultra' is not one of"),
        (["render", "{page}", "--resolution", "huge"], "unknown resolution"),
        (["render", "{page}", "--var", "lower=1"], "names are upper case"),
        (["render", "{page}", "-o", "/nonexistent/dir/x.mp4"], "does not exist"),
        (["frame", "{page}", "--at", "7"], "outside the composition"),
    ],
)
def test_clear_errors(args: list[str], message: str, page: Path, tmp_path: Path) -> None:
    files = {
        "page": page,
        "notes": tmp_path / "notes.txt",
        "noduration": tmp_path / "nod.html",
        "absurd": tmp_path / "absurd.html",
    }
    files["notes"].write_text("hello, this is not a page")
    files["noduration"].write_text("<!doctype html><html><body>hi</body></html>")
    files["absurd"].write_text('<!doctype html><html data-duration="99999"><body>hi</body></html>')
    proc = seekreel(*[a.format(**files) for a in args])
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list(tmp_path.glob("*.mp4"))


def test_doctor_reports_layers() -> None:
    proc = seekreel("doctor")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for word in ("browser", "ffmpeg", "fonts", "network namespace", "request interception", "opaque origin"):
        assert word in proc.stdout
