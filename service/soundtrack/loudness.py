"""Loudness normalisation to about −16 LUFS (EBU R128 integrated), the level of spoken-word
podcasts and web video, with ffmpeg's `loudnorm` in two passes.

Pass 1 measures the whole mix; pass 2 applies the measured values with `linear=true`, i.e.
one fixed gain for the whole track — the loudness of every moment relative to the others
stays as mixed. loudnorm falls back to its dynamic mode only when that gain would push the
true peak above −1.5 dBTP. Both passes are deterministic, so the same mix gives the same bytes.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from .ffmpeg import SoundtrackError, run_ffmpeg
from .pcm import RATE, Samples, raw, raw_input

TARGET_LUFS = -16.0
TRUE_PEAK_DBTP = -1.5
LOUDNESS_RANGE_LU = 11.0
SILENT_LUFS = -70.0
"""EBU R128's absolute gate: below it there is nothing to normalise."""

_TARGETS = f"I={TARGET_LUFS}:TP={TRUE_PEAK_DBTP}:LRA={LOUDNESS_RANGE_LU}"


async def measure(mix: Samples) -> dict[str, str]:
    """loudnorm's first-pass measurement (input_i, input_tp, input_lra, input_thresh, target_offset)."""
    _, log = await run_ffmpeg(
        [*raw_input(mix.shape[1]), "-af", f"loudnorm={_TARGETS}:print_format=json", "-f", "null", "-"],
        stdin=raw(mix),
        what="measuring the loudness",
    )
    found = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", log)
    if found is None:
        raise SoundtrackError("measuring the loudness failed: loudnorm printed no measurement")
    values: dict[str, str] = json.loads(found.group(0))
    return values


async def write_normalised(mix: Samples, out: Path, encode: list[str]) -> None:
    """`mix` at TARGET_LUFS, exactly as many samples long at RATE (silence is written as it is),
    encoded by the ffmpeg output options `encode` (`formats.encoding`)."""
    m = await measure(mix)
    loud = math.isfinite(float(m["input_i"])) and float(m["input_i"]) > SILENT_LUFS
    measured = (
        f":measured_I={m['input_i']}:measured_TP={m['input_tp']}:measured_LRA={m['input_lra']}"
        f":measured_thresh={m['input_thresh']}:offset={m['target_offset']}"
    )
    normalise = [f"loudnorm={_TARGETS}{measured}:linear=true", f"aresample={RATE}"] if loud else []
    length = [f"apad=whole_len={len(mix)}", f"atrim=end_sample={len(mix)}"]  # loudnorm works at 192 kHz
    await run_ffmpeg(
        [*raw_input(mix.shape[1]), "-af", ",".join([*normalise, *length]), *encode, str(out)],
        stdin=raw(mix),
        what="normalising the loudness",
    )  # fmt: skip
