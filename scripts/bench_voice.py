#!/usr/bin/env python3
"""Narration speed: how many seconds of speech Piper makes per second, on this machine.

Synthesises a ~60-second, 12-sentence narration (the length of the issue's benchmark
storyboard) with a fresh speech cache each time, in a few configurations:

- `threads=N`: ONNX Runtime intra-op threads for one narration, sentences one after another;
- `scenes=2`: the narration split in two scenes synthesised at once (one thread each) — what
  a storyboard's scenes can do in parallel on 2 cores.

It reports the real-time factor (audio seconds ÷ wall seconds; higher is faster) and the
same per CPU second, which barely moves when other work shares the machine. The best of
`--runs` is kept. The model is loaded once, before timing (as in a long-lived service).

    .venv/bin/python scripts/bench_voice.py [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from service.settings import Settings
from service.speech import VoiceSpec, synthesize

SCRIPT = [
    "Rust is a systems programming language focused on safety, speed, and concurrency.",
    "It has no garbage collector, yet memory errors are caught when the program is compiled.",
    "The borrow checker makes sure every reference is valid for as long as it is used.",
    "Cargo, the package manager, builds your code and fetches the libraries it needs.",
    "Many companies now use Rust for web servers, command line tools, and embedded devices.",
    "Its error messages are famous for explaining what went wrong and how to fix it.",
    "Traits describe shared behaviour, much like interfaces in other languages.",
    "Pattern matching lets you take data apart and handle every case the compiler can see.",
    "Async functions make network services fast without threads for every connection.",
    "The community publishes thousands of crates, from parsers to game engines.",
    "A new edition arrives every three years, and old code keeps compiling.",
    "That is Rust in one minute: fast, safe, and friendly. Thanks for watching!",
]


async def narrate(scenes: list[str], threads: int) -> tuple[float, float, float]:
    """Audio seconds, wall seconds, CPU seconds for synthesising `scenes` at once."""
    settings = Settings(tts_cache_dir=Path(tempfile.mkdtemp(prefix="seekreel-voice-")), piper_threads=threads)
    wall, cpu = time.perf_counter(), time.process_time()
    narrations = await asyncio.gather(*(synthesize(s, VoiceSpec(), settings=settings) for s in scenes))
    return sum(n.duration for n in narrations), time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    whole = " ".join(SCRIPT)
    halves = [" ".join(SCRIPT[:6]), " ".join(SCRIPT[6:])]
    configs = [("threads=1", [whole], 1), ("threads=2", [whole], 2), ("scenes=2, threads=1", halves, 1)]
    for threads in sorted({c[2] for c in configs}):  # load each session before timing
        asyncio.run(narrate(["Warm up."], threads))
    print(f"{'configuration':<22} {'audio s':>8} {'wall s':>7} {'× real time':>12} {'× per CPU s':>12}")
    for name, scenes, threads in configs:
        runs = [asyncio.run(narrate([f"{s} Take {i}." for s in scenes], threads)) for i in range(args.runs)]
        audio, wall, cpu = min(runs, key=lambda r: r[1] / r[0])
        print(f"{name:<22} {audio:8.1f} {wall:7.2f} {audio / wall:12.1f} {audio / cpu:12.1f}")


if __name__ == "__main__":
    main()
