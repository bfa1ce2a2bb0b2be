#!/usr/bin/env python3
"""`make bench`, scale rows: does the time grow with the frames alone, and memory stay flat?

Renders with the CLI (`seekreel render … --quiet`) and samples the whole process tree (Python,
every Chromium process, every ffmpeg) with the /proc sampler every bench shares:

- a bench composition (`../shared/bench/title-card.html` unless `--page`) at 1080p30 — the
  reference row — then at 4K (3840×2160) 30 fps and at 1080p 60 fps;
- an animated composition (every frame differs to the last, so no frame is reused) at 720p30
  for `--long` seconds (default 300 = 5 minutes) and for a tenth of that, so that time per
  frame and peak PSS can be compared between a short and a long video of the same kind.

Reported per row: frames, wall s, ms per frame, CPU s, CPU ms per frame, peak PSS of the whole
tree (MB). Time is linear in the frames when ms/frame stays put across a row's pixels; memory
is flat when the long video's peak PSS is the short one's.

    .venv/bin/python scripts/bench_scale.py [--long 300] [--runs 1] [--skip-long]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench_farm import composition as animated_composition  # 1920×1080, animated to its last frame
from proctree import Measured, run_measured

REPO = Path(__file__).resolve().parent.parent
SEEKREEL = REPO / ".venv" / "bin" / "seekreel"


@dataclass
class Row:
    name: str
    page: Path
    resolution: str
    fps: int
    frames: int
    runs: list[Measured] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(float(getattr(run, attribute)) for run in self.runs)


def frame_count(page: Path, fps: int) -> int:
    from sandbox import parse_composition

    return parse_composition(page.read_text(encoding="utf-8"), fps=fps).frame_count


def render(row: Row, out: Path) -> Measured:
    cmd = [
        str(SEEKREEL), "render", str(row.page), "-o", str(out),
        "--resolution", row.resolution, "--fps", str(row.fps), "--quality", "standard", "--quiet",
    ]  # fmt: skip
    # The 5-minute row is past the default longest video (120 s): allow it for this run only.
    env = {**os.environ, "SEEKREEL_MAX_DURATION": str(max(600, row.frames // row.fps + 1))}
    return run_measured(cmd, env)


def print_rows(rows: list[Row]) -> None:
    print("| row | frames | wall s | ms / frame | CPU s | CPU ms / frame | peak PSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        wall, cpu = row.median("seconds"), row.median("cpu_seconds")
        print(
            f"| {row.name} | {row.frames} | {wall:.2f} | {1000 * wall / row.frames:.1f} | {cpu:.1f} "
            f"| {1000 * cpu / row.frames:.1f} | {row.median('peak_pss') / 2**20:.0f} |"
        )


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared folder")
    ap.add_argument("--page", type=Path, help="the composition of the 1080p/4K/60 fps rows")
    ap.add_argument("--long", type=float, default=300.0, help="the long 720p video, in seconds")
    ap.add_argument("--runs", type=int, default=1, help="runs per row (median)")
    ap.add_argument("--skip-long", action="store_true", help="only the 1080p, 4K and 60 fps rows")
    return ap.parse_args()


def main() -> None:
    args = parse_args()
    page = args.page or args.shared / "bench" / "title-card.html"
    if not page.is_file():
        raise SystemExit(f"error: {page} not found (pass --page or --shared)")
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="seekreel-bench-scale-") as tmp:
        work = Path(tmp)
        rows = [
            Row(f"{page.stem} 1080p30", page, "1920x1080", 30, frame_count(page, 30)),
            Row(f"{page.stem} 4K30", page, "3840x2160", 30, frame_count(page, 30)),
            Row(f"{page.stem} 1080p60", page, "1920x1080", 60, frame_count(page, 60)),
        ]
        if not args.skip_long:
            for seconds in (args.long / 10, args.long):
                long_page = work / f"animated-{seconds:g}s.html"
                long_page.write_text(animated_composition(seconds), encoding="utf-8")
                rows.append(
                    Row(
                        f"animated {seconds:g} s 720p30",
                        long_page,
                        "1280x720",
                        30,
                        frame_count(long_page, 30),
                    )
                )
        for _ in range(args.runs):
            for row in rows:  # rows take turns, so a busy spell does not land on one row only
                row.runs.append(render(row, work / "out.mp4"))
                print(f"  {row.name}: {row.runs[-1].seconds:.2f} s", flush=True)
    print_rows(rows)
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
