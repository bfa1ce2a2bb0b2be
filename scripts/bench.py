#!/usr/bin/env python3
"""`make bench`: seekreel's speed, memory and picture quality on the shared bench compositions.

For every `../shared/bench/*.html` it

1. renders the composition at 1080p30 with the CLI (`seekreel render … --quiet`) `--runs`
   times, reporting the median wall time, frames per second achieved, and the CPU time
   and peak memory of the whole process tree (Python + browsers + ffmpeg) from /proc;
2. checks that speed was not bought with quality: it captures the same frames losslessly
   (PNG, same per-segment page reloads as the renderer) and reports the PSNR of the default
   output against them, and of those lossless frames run through the very same encoder
   settings (the gap shows what JPEG segments cost) — the bar is ≥ 45 dB on every one;
3. when the reference renderer (HyperFrames) is installed, runs
   `../shared/tools/anchor_bench.py` side by side (the official speed ratio) and, with
   `--anchor-memory`, also runs HyperFrames under the same sampler, alternating with
   seekreel's runs, for the CPU time and memory of both.

    .venv/bin/python scripts/bench.py [--only NAME] [--runs N] [--skip-anchor] [--skip-quality]
                                      [--anchor-memory] [--render-args "--workers 1"]
See docs/benchmark.md for what the numbers mean and the last measured table.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import math
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from proctree import ROLES, Measured, run_measured  # the /proc sampler every bench shares

REPO = Path(__file__).resolve().parent.parent
SEEKREEL = REPO / ".venv/bin/seekreel"
if TYPE_CHECKING:
    from sandbox import Quality

RESOLUTION, FPS = "1080p", 30.0
QUALITY: Quality = "standard"
PSNR_FLOOR = 45.0
"""The default output against the lossless frames, on every composition (issue 12's bar)."""


# --- seekreel speed -----------------------------------------------------------------------


@dataclass
class SpeedRow:
    name: str
    frames: int
    runs: list[Measured] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_rss(self) -> int:
        return max(r.peak_rss for r in self.runs)

    @property
    def peak_pss(self) -> int:
        return max(r.peak_pss for r in self.runs)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs)

    def cpu_of(self, role: str) -> float:
        return statistics.median(r.cpu_by_role.get(role, 0.0) for r in self.runs)


def render_command(src: Path, out: Path, extra: list[str]) -> list[str]:
    return [
        str(SEEKREEL), "render", str(src), "-o", str(out),
        "--resolution", RESOLUTION, "--fps", f"{FPS:g}", "--quality", QUALITY, "--quiet", *extra,
    ]  # fmt: skip


def frame_count(src: Path) -> int:
    from sandbox import parse_composition

    return parse_composition(src.read_text(encoding="utf-8"), fps=FPS).frame_count


def measure_speed(
    src: Path, out: Path, runs: int, extra: list[str], reference: ReferenceRunner | None
) -> tuple[SpeedRow, SpeedRow | None]:
    """seekreel's runs, alternating with the reference renderer's when one is given."""
    ours = SpeedRow(src.stem, frame_count(src))
    theirs = SpeedRow(src.stem, ours.frames) if reference else None
    for _ in range(runs):
        ours.runs.append(run_measured(render_command(src, out, extra)))
        if reference and theirs:
            theirs.runs.append(reference.run(src))
    return ours, theirs


# --- quality ------------------------------------------------------------------------------


async def capture_lossless(src: Path, frames_dir: Path, workers: int) -> list[range]:
    """PNG of every frame, captured exactly as the renderer captures its frames
    (`sandbox.capture_frames`); returns each segment's frame indices."""
    from sandbox import RenderOptions, capture_frames

    options = RenderOptions(
        fps=FPS, resolution=RESOLUTION, quality=QUALITY, workers=workers, assets_dir=src.resolve().parent
    )

    async def keep(index: int, png: bytes) -> None:
        (frames_dir / f"{index:05d}.png").write_bytes(png)

    return await capture_frames(src.read_text(encoding="utf-8"), keep, options, image_format="png")


def reference_filter(size: tuple[int, int]) -> str:
    """The ideal conversion to the output's format (BT.709, limited range, 4:2:0).

    Fixed, and as accurate as swscale gets, so that a cheaper conversion in the renderer's
    preset is charged to the renderer rather than hidden in the reference.
    """
    return (
        f"scale={size[0]}:{size[1]}:out_color_matrix=bt709:out_range=tv:"
        "flags=lanczos+accurate_rnd+full_chroma_int,format=yuv420p"
    )


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def encode_like_renderer(frames_dir: Path, segments: list[range], size: tuple[int, int], out: Path) -> None:
    """The lossless frames through the renderer's encoder: same segments, same command, same join."""
    from sandbox import encode_segments

    frames = ([(frames_dir / f"{i:05d}.png").read_bytes() for i in seg] for seg in segments)
    asyncio.run(encode_segments(frames, out, fps=FPS, quality=QUALITY, size=size))


def lossless_reference(frames_dir: Path, size: tuple[int, int], out: Path) -> None:
    """FFV1 of the lossless frames converted to the output's YUV 4:2:0 format.

    Comparing in the output's colour space measures what capture and encoding lose, not
    the 4:2:0 subsampling every H.264 delivery format shares.
    """
    from sandbox import ffmpeg_exe

    cmd = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-framerate", f"{FPS:g}", "-i", str(frames_dir / "%05d.png"),
        "-vf", reference_filter(size), "-c:v", "ffv1",
        "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
        str(out),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True)


def psnr(a: Path, b: Path) -> float:
    """Average PSNR (Y, U, V weighted) of video `a` against reference `b`, via ffmpeg's psnr filter."""
    from sandbox import ffmpeg_exe

    # Pair frames by index, not by timestamp: the MP4 (1/90000) and the reference's
    # container (1/1000) round frame times differently, and timestamp pairing then compares
    # neighbouring frames. Both sides get one time base first, so equal N means equal time.
    by_index = f"settb=AVTB,setpts=N/({FPS:g}*TB)"
    cmd = [
        ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(a), "-i", str(b),
        "-lavfi", f"[0:v]{by_index}[a];[1:v]{by_index}[b];[a][b]psnr", "-f", "null", "-",
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True)
    m = re.search(r"PSNR y:\S+ u:\S+ v:\S+ average:(\S+)", proc.stderr)
    if not m:
        raise RuntimeError(f"no PSNR from ffmpeg comparing {a.name} with {b.name}")
    return math.inf if m.group(1) == "inf" else float(m.group(1))


def video_frames(path: Path) -> int:
    import imageio_ffmpeg

    return int(imageio_ffmpeg.count_frames_and_secs(str(path))[0])


@dataclass
class QualityRow:
    name: str
    default_db: float
    lossless_encoded_db: float

    @property
    def gap(self) -> float:
        return self.lossless_encoded_db - self.default_db

    @property
    def passes(self) -> bool:
        return self.default_db >= PSNR_FLOOR


def measure_quality(src: Path, default_out: Path, work: Path, workers: int) -> QualityRow:
    frames_dir = work / f"{src.stem}.frames"
    frames_dir.mkdir()
    try:
        segments = asyncio.run(capture_lossless(src, frames_dir, workers))
        total = sum(len(seg) for seg in segments)
        if video_frames(default_out) != total:
            raise RuntimeError(f"{default_out.name} does not have {total} frames")
        size = png_size(frames_dir / "00000.png")
        ref, enc = work / f"{src.stem}.lossless.mkv", work / f"{src.stem}.png-encoded.mp4"
        lossless_reference(frames_dir, size, ref)
        encode_like_renderer(frames_dir, segments, size, enc)
        return QualityRow(src.stem, psnr(default_out, ref), psnr(enc, ref))
    finally:
        shutil.rmtree(frames_dir, ignore_errors=True)


# --- the reference renderer ---------------------------------------------------------------


def load_anchor_bench(shared: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("anchor_bench", shared / "tools/anchor_bench.py")
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def anchor_installed() -> bool:
    home = Path(os.environ.get("SEEKREEL_ANCHOR_DIR", Path.home() / ".cache/seekreel-anchor"))
    return (home / "node_modules/.bin/hyperframes").exists()


@dataclass
class AnchorRow:
    name: str
    reference_s: float
    seekreel_s: float
    ratio: float
    agreement_db: float | None


def run_anchor_bench(shared: Path, comps: list[Path], runs: int, extra: list[str]) -> list[AnchorRow]:
    """Run anchor_bench.py, echoing its output, and parse its table."""
    template = shlex.join([str(SEEKREEL), "render"]) + " {src} -o {out} --quiet"
    if extra:
        template += " " + shlex.join(extra)
    cmd = [
        sys.executable, str(shared / "tools/anchor_bench.py"),
        "--seekreel", template, "--runs", str(runs), *map(str, comps),
    ]  # fmt: skip
    rows = []
    # Run from a neutral folder: started inside this repository, the reference CLI fails.
    with subprocess.Popen(
        cmd, stdout=subprocess.PIPE, text=True, cwd=tempfile.gettempdir(), env={**os.environ, **DETACHED}
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            print("  " + line, end="", flush=True)
            parts = line.split()
            if len(parts) == 7 and _is_number(parts[1]):
                db = None if parts[6] == "-" else float(parts[6])
                rows.append(AnchorRow(parts[0], float(parts[1]), float(parts[2]), float(parts[3]), db))
    if proc.returncode != 0:
        raise RuntimeError(f"anchor_bench.py exited with status {proc.returncode}")
    return rows


DETACHED = {"HYPERFRAMES_RENDER_DETACHED": "1"}
"""Set for every run of the reference renderer. HyperFrames cancels its render when any ancestor
process (up to 64 levels: shells, terminals, job runners) exits or changes identity; on a machine
where other work starts and ends, that failed whole bench runs with
"render_cancelled_parent_exited". Its own switch for detached renders turns that watch off and
changes nothing about how it renders."""


class ReferenceRunner:
    """Runs HyperFrames exactly as anchor_bench.py does, but under the same sampler as seekreel."""

    def __init__(self, shared: Path, work: Path) -> None:
        self.module = load_anchor_bench(shared)
        if self.module is None:
            raise RuntimeError("cannot load anchor_bench.py")
        self.work = work / "reference"
        self.work.mkdir()

    def run(self, src: Path) -> Measured:
        cmd, env = self.module.hyperframes_cmd(src, self.work / f"{src.stem}.mp4", self.work)
        return run_measured(cmd, {**env, **DETACHED}, log=self.work / "hyperframes.log", cwd=self.work)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- report -------------------------------------------------------------------------------


def mb(n: int) -> str:
    return f"{n / 2**20:.0f}"


def geomean(xs: list[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else math.nan


def print_speed(rows: list[SpeedRow], who: str) -> None:
    print(f"\n{who:<16} {'seconds':>8} {'frames':>6} {'fps':>6} {'CPU s':>6} {'RSS MB':>7} {'PSS MB':>7}")
    for r in rows:
        print(
            f"{r.name:<16} {r.seconds:>8.2f} {r.frames:>6} {r.frames / r.seconds:>6.1f} "
            f"{r.cpu_seconds:>6.1f} {mb(r.peak_rss):>7} {mb(r.peak_pss):>7}"
        )


def print_cpu_roles(rows: list[SpeedRow]) -> None:
    """Median CPU seconds per process role (and per frame, in ms), one column per composition."""
    print(f"\n{'CPU s by role':<14}" + "".join(f" {r.name[:15]:>15}" for r in rows))
    for role in (*ROLES, "total"):
        cells = []
        for r in rows:
            s = r.cpu_seconds if role == "total" else r.cpu_of(role)
            cells.append(f"{s:6.2f} {1000 * s / r.frames:5.1f}ms")
        print(f"{role:<14}" + "".join(f" {c:>15}" for c in cells))
    print(f"{'wall s':<14}" + "".join(f" {r.seconds:>15.2f}" for r in rows))


def print_quality(rows: list[QualityRow]) -> None:
    print(
        f"\n{'composition':<16} {'default dB':>10} {'PNG+enc dB':>10} {'gap':>5}   (bar: ≥ {PSNR_FLOOR:g} dB)"
    )
    for q in rows:
        verdict = "ok" if q.passes else "FAIL"
        print(f"{q.name:<16} {q.default_db:>10.2f} {q.lossless_encoded_db:>10.2f} {q.gap:>5.2f}   {verdict}")


def print_summary(
    speed: dict[str, SpeedRow],
    quality: dict[str, QualityRow],
    anchor: dict[str, AnchorRow],
    reference: dict[str, SpeedRow],
) -> None:
    """One Markdown table with everything measured, ready for docs/benchmark.md.

    Wall times come from anchor_bench.py when it ran (alternating runs, no sampler), else
    from our own runs; CPU and memory from the sampled runs ("-" where not measured).
    """
    print(
        "\n| composition | HyperFrames s | seekreel s | speedup | CPU s HF / ours "
        "| peak RSS MB HF / ours | peak PSS MB HF / ours | PSNR default dB | PSNR PNG+enc dB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, s in speed.items():
        a, q, r = anchor.get(name), quality.get(name), reference.get(name)
        cells = [
            name,
            f"{a.reference_s:.2f}" if a else "-",
            f"{a.seekreel_s:.2f}" if a else f"{s.seconds:.2f}",
            f"{a.ratio:.2f}" if a else "-",
            f"{r.cpu_seconds:.1f} / {s.cpu_seconds:.1f}" if r else f"- / {s.cpu_seconds:.1f}",
            f"{mb(r.peak_rss)} / {mb(s.peak_rss)}" if r else f"- / {mb(s.peak_rss)}",
            f"{mb(r.peak_pss)} / {mb(s.peak_pss)}" if r else f"- / {mb(s.peak_pss)}",
            f"{q.default_db:.2f}" if q else "-",
            f"{q.lossless_encoded_db:.2f}" if q else "-",
        ]
        print("| " + " | ".join(cells) + " |")
    if anchor:
        print(f"\ngeomean speedup vs HyperFrames: {geomean([a.ratio for a in anchor.values()]):.2f} "
              f"(worst {min(a.ratio for a in anchor.values()):.2f})")  # fmt: skip
    if reference:
        ratios = [reference[n].cpu_seconds / speed[n].cpu_seconds for n in reference]
        print(f"geomean CPU-time ratio (HyperFrames / seekreel): {geomean(ratios):.2f}")


def sandbox_commit() -> str:
    proc = subprocess.run(
        ["git", "log", "-1", "--format=%h %cI", "--", "sandbox"], cwd=REPO, capture_output=True, text=True
    )
    dirty = subprocess.run(["git", "diff", "--quiet", "--", "sandbox"], cwd=REPO).returncode != 0
    return (proc.stdout.strip() or "unknown") + (" + uncommitted changes" if dirty else "")


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- main ---------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared folder")
    ap.add_argument("--only", action="append", default=[], metavar="NAME", help="just this composition")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per composition (median)")
    ap.add_argument("--skip-anchor", action="store_true", help="do not run the reference renderer")
    ap.add_argument("--skip-quality", action="store_true", help="no lossless capture / PSNR check")
    ap.add_argument(
        "--anchor-memory",
        action="store_true",
        help="also run HyperFrames under the sampler, alternating with seekreel: its memory and CPU time",
    )
    ap.add_argument(
        "--cpu-roles",
        action="store_true",
        help="also print CPU seconds per process role (browser, GPU, renderer, ffmpeg, Python)",
    )
    ap.add_argument("--render-args", default="", help="extra `seekreel render` flags, e.g. '--workers 1'")
    return ap.parse_args()


def pick_compositions(shared: Path, only: list[str]) -> list[Path]:
    bench = shared / "bench"
    comps = sorted(bench.glob("*.html"))
    if not comps:
        sys.exit(f"no compositions in {bench} (use --shared DIR)")
    if only:
        wanted = {Path(n).stem for n in only}
        missing = wanted - {c.stem for c in comps}
        if missing:
            sys.exit(f"not in {bench}: {', '.join(sorted(missing))}")
        comps = [c for c in comps if c.stem in wanted]
    return comps


def main() -> None:
    args = parse_args()
    if not SEEKREEL.exists():
        sys.exit(f"{SEEKREEL} not found: run `make setup` first")
    if args.runs < 1:
        sys.exit("--runs must be at least 1")
    shared = args.shared.resolve()
    comps = pick_compositions(shared, args.only)
    extra = shlex.split(args.render_args)
    print(f"seekreel bench: {len(comps)} compositions at {RESOLUTION} {FPS:g} fps, quality {QUALITY}, "
          f"{os.cpu_count()} cores, load average {load_average()}")  # fmt: skip
    print(f"sandbox at {sandbox_commit()}")

    use_anchor = not args.skip_anchor and anchor_installed()
    if not args.skip_anchor and not use_anchor:
        print(f"reference renderer not installed: `bash {shared}/tools/anchor-setup.sh` to compare")
    speed: dict[str, SpeedRow] = {}
    reference: dict[str, SpeedRow] = {}
    quality: dict[str, QualityRow] = {}
    anchor: dict[str, AnchorRow] = {}
    with tempfile.TemporaryDirectory(prefix="seekreel-bench-") as tmp:
        work = Path(tmp)
        runner = ReferenceRunner(shared, work) if use_anchor and args.anchor_memory else None
        for src in comps:
            out = work / f"{src.stem}.mp4"
            row, theirs = measure_speed(src, out, args.runs, extra, runner)
            speed[src.stem] = row
            print(f"  {src.stem}: {row.seconds:.2f} s, {row.cpu_seconds:.1f} CPU s, "
                  f"peak RSS {mb(row.peak_rss)} MB", flush=True)  # fmt: skip
            if theirs:
                reference[src.stem] = theirs
                print(f"  {src.stem} (HyperFrames): {theirs.seconds:.2f} s, {theirs.cpu_seconds:.1f} CPU s, "
                      f"peak RSS {mb(theirs.peak_rss)} MB", flush=True)  # fmt: skip
            if not args.skip_quality:
                q = quality[src.stem] = measure_quality(src, out, work, workers=2)
                print(f"  {src.stem}: PSNR {q.default_db:.2f} dB (PNG+enc {q.lossless_encoded_db:.2f})")
        print_speed(list(speed.values()), "seekreel")
        if args.cpu_roles:
            print_cpu_roles(list(speed.values()))
        if reference:
            print_speed(list(reference.values()), "HyperFrames")
        if quality:
            print_quality(list(quality.values()))
        if use_anchor:
            print(f"\nanchor_bench.py (median of {args.runs}, alternating runs):", flush=True)
            anchor = {r.name: r for r in run_anchor_bench(shared, comps, args.runs, extra)}
    print_summary(speed, quality, anchor, reference)
    print(f"\nload average at the end: {load_average()}")
    if quality and not all(q.passes for q in quality.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
