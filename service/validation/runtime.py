"""The runtime half of validation: load the page in the sandbox and seek a few sample times.

Every failure the sandbox can report becomes a finding; nothing here raises, because a
page that breaks the renderer is exactly what the validator is for.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping

from sandbox import (
    BrowserPool,
    BrowserUnavailable,
    Composition,
    CompositionError,
    PageCrashed,
    PageError,
    ProbeResult,
    RenderError,
    RenderOptions,
    RenderTimeout,
    SeekTimeout,
    TimerCall,
    parse_composition,
    probe_page,
)

from .codes import finding
from .findings import Finding
from .limits import ValidationLimits

log = logging.getLogger("seekreel.validation")
_LINE_SUFFIX = re.compile(r"\s*\(line (\d+)\)$")
"""The sandbox ends a page error's message with the document line it happened on."""
_LOAD_TIMEOUT = re.compile(r"did not finish loading")
"""How the sandbox words a load that ran out of time (it reports it as an error without a time)."""


async def check_runtime(
    html: str,
    variables: Mapping[str, object] | None,
    limits: ValidationLimits,
    pool: BrowserPool | None = None,
) -> list[Finding]:
    try:
        comp = parse_composition(html, variables=variables, max_duration=limits.max_duration)
    except CompositionError as exc:
        return [finding("composition-error", f"the renderer rejects this composition: {exc}")]
    times = sample_times(comp.duration, comp.fps, limits.sample_count)
    options = RenderOptions(
        resolution=probe_resolution(comp, limits.probe_short_side),
        variables=dict(variables or {}),
        seek_timeout=limits.seek_timeout,
        load_timeout=limits.load_timeout,
        max_duration=limits.max_duration,
    )
    try:
        async with asyncio.timeout(limits.runtime_timeout):
            result = await probe_page(html, times, options, pool=pool, until_moved=True)
    except Exception as exc:  # every way the sandbox can fail is a finding, never a crash
        return [_failure(exc, limits)]
    return findings_from_probe(result, times, limits)


def findings_from_probe(result: ProbeResult, times: list[float], limits: ValidationLimits) -> list[Finding]:
    out: list[Finding] = []
    for message, t in dict.fromkeys((e.message.strip(), e.time) for e in result.errors):
        if t is None and _LOAD_TIMEOUT.search(message):
            out.append(
                finding(
                    "load-timeout",
                    f"the page did not finish loading within {limits.load_timeout:g} s (an endless loop "
                    "or heavy work in a script at load?); make loading quick",
                )
            )
            continue
        when = f"at t={t:.2f} s" if t is not None else "while loading"
        m = _LINE_SUFFIX.search(message)
        out.append(
            finding(
                "page-error",
                f"error {when}: {_LINE_SUFFIX.sub('', message)}; fix the script so the page loads and "
                "every seek runs cleanly",
                int(m.group(1)) if m else None,
            )
        )
    out.extend(_timer_findings(result.timer_calls))
    if result.timed_out_at is not None:
        out.append(_seek_timeout(result.timed_out_at, limits))
    elif len(times) > 1 and len(result.frame_digests) == len(times) and len(set(result.frame_digests)) == 1:
        sampled = ", ".join(_seconds(t) for t in times)
        out.append(
            finding(
                "frames-static",
                f"the frames at t = {sampled} s are identical, so nothing moves; draw each frame from "
                "the time in the hf-seek event (e.detail.time)",
            )
        )
    return out


def _timer_findings(calls: list[TimerCall]) -> list[Finding]:
    """One `runtime-timer` per timer the page called: the static check could not see its name."""
    by_name: dict[str, list[TimerCall]] = {}
    for call in calls:
        by_name.setdefault(call.name, []).append(call)
    out: list[Finding] = []
    for name, seen in by_name.items():
        load = ["while loading"] if any(c.time is None for c in seen) else []
        seeks = [_seconds(c.time) for c in seen if c.time is not None]
        when = " and ".join(load + ([f"at t={', '.join(seeks)} s"] if seeks else []))
        out.append(
            finding(
                "runtime-timer",
                f"the script calls `{name}` {when}, under a name it does not spell out; a timer "
                "schedules work on the wall clock, so frames would depend on timing: draw each frame "
                "from the time in the hf-seek event (e.detail.time) instead",
                next((c.line for c in seen if c.line is not None), None),
            )
        )
    return out


def _seconds(t: float) -> str:
    return f"{t:.2f}".rstrip("0").rstrip(".")


def sample_times(duration: float, fps: float, count: int) -> list[float]:
    """`count` frame times spread from the first frame to the last (each a real frame time)."""
    frames = max(1, round(duration * fps))
    count = max(1, min(count, frames))
    if count == 1:
        return [0.0]
    indices = sorted({round(k * (frames - 1) / (count - 1)) for k in range(count)})
    return [i / fps for i in indices]


def probe_resolution(comp: Composition, short_side: int) -> str:
    """A small WxH of the composition's shape (the picture is only hashed, so small is enough)."""
    scale = short_side / min(comp.width, comp.height)
    return f"{_even(comp.width * scale)}x{_even(comp.height * scale)}"


def _even(x: float) -> int:
    return max(16, round(x / 2) * 2)


def _seek_timeout(t: float, limits: ValidationLimits) -> Finding:
    return finding(
        "seek-timeout",
        f"seeking to t={t:.2f} s did not finish within {limits.seek_timeout:g} s (an endless loop, or a "
        "waitUntil promise that never settles?); make the hf-seek handler return promptly",
    )


def _failure(exc: Exception, limits: ValidationLimits) -> Finding:
    if isinstance(exc, SeekTimeout):
        return finding("seek-timeout", f"{exc}; make the hf-seek handler return promptly")
    if isinstance(exc, TimeoutError | RenderTimeout):
        return finding(
            "runtime-timeout",
            f"loading the page and seeking {limits.sample_count} sample times took over "
            f"{limits.runtime_timeout:g} s; make loading and each seek cheaper",
        )
    if isinstance(exc, PageCrashed):
        return finding(
            "page-crashed", f"{exc}; use less memory (fewer or smaller elements, no huge canvases)"
        )
    if isinstance(exc, PageError):
        return finding("page-error", f"{exc}; fix the script so every seek runs cleanly")
    if isinstance(exc, CompositionError):
        return finding("composition-error", f"the renderer rejects this composition: {exc}")
    if isinstance(exc, BrowserUnavailable):
        return finding("runtime-unavailable", f"the runtime checks did not run: {exc}")
    if not isinstance(exc, RenderError):
        log.exception("runtime validation failed unexpectedly", exc_info=exc)
    return finding("runtime-failed", f"the page could not be checked in the renderer: {exc}")
