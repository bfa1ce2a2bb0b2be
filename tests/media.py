"""Test helpers for looking at what the renderer produced: frames of a video, pixels of a PNG."""

from __future__ import annotations

import io
import re
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

from sandbox import ffmpeg_exe

AUDIO_RATE = 48_000


def video_info(path: Path) -> dict[str, object]:
    """Width, height, frame count and duration, read by decoding the whole file."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", "0:v:0", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    size = re.search(r"Video: h264.*?, (\d+)x(\d+)", proc.stderr)
    frames = re.findall(r"frame=\s*(\d+)", proc.stderr)
    duration = re.search(r"Duration: (\d+):(\d+):([\d.]+)", proc.stderr)
    assert size and frames and duration, proc.stderr
    h, m, s = duration.groups()
    return {
        "width": int(size.group(1)),
        "height": int(size.group(2)),
        "frames": int(frames[-1]),
        "duration": int(h) * 3600 + int(m) * 60 + float(s),
        "yuv420p": "yuv420p" in proc.stderr,
    }


def video_frame(path: Path, index: int, fps: float) -> Image.Image:
    """Decode frame `index` of a video as an RGB image."""
    proc = subprocess.run(
        [
            ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path),
            "-vf", f"select=eq(n\\,{index})", "-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-",
        ],
        capture_output=True,
        check=True,
    )  # fmt: skip
    return Image.open(io.BytesIO(proc.stdout)).convert("RGB")


def png(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def close_to(rgb: tuple[int, ...], want: tuple[int, int, int], tol: int = 40) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(rgb[:3], want, strict=True))


def stream_end(path: Path, kind: str) -> Fraction:
    """When the first video ('v') or audio ('a') stream ends, in seconds, from its packets'
    timestamps (exact; no decoding)."""
    proc = subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-i",
            str(path),
            "-map",
            f"0:{kind}:0",
            "-c",
            "copy",
            "-f",
            "framecrc",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    base = re.search(r"^#tb 0: (\d+)/(\d+)$", proc.stdout, re.M)
    ends = [
        int(m[1]) + int(m[2]) for m in re.finditer(r"^0,\s*-?\d+,\s*(-?\d+),\s*(\d+),", proc.stdout, re.M)
    ]
    assert base and ends, proc.stdout
    return max(ends) * Fraction(int(base[1]), int(base[2]))


def decode_audio(path: Path) -> np.ndarray:
    """Stereo float samples at 48 kHz, shape (samples, 2): what a player would hear."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", "0:a:0", "-ac", "2", "-ar", str(AUDIO_RATE),
         "-f", "f32le", "pipe:1"],
        capture_output=True,
        check=True,
    )  # fmt: skip
    return np.frombuffer(proc.stdout, dtype="<f4").reshape(-1, 2)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))
