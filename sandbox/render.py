"""The renderer's public operations: a video, one frame, or a probe for the validator.

A render cuts the timeline into fixed-length segments (their boundaries depend only on
the frame rate, never on the number of workers). Each segment is captured in a freshly
loaded page — so its pixels cannot depend on which segments the same worker rendered
before — and encoded on its own; the segments are then joined by stream copy. That is
why 1 worker, N workers, or N machines give the same bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import shutil
import tempfile
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import frame_format
from .composition import Composition, parse_composition
from .encode import IMAGE_CODECS, PRESETS, SegmentEncoder, image_format_of, join_segments
from .errors import PageError, RenderError, RenderTimeout, SeekTimeout
from .page import DEFAULT_SEED, PageErrorInfo, PageSession, TimerCall
from .pool import BrowserPool, pool_or_temporary
from .render_options import SEGMENT_SECONDS, RenderOptions, capture_scale, default_workers, output_size
from .stills import fit_png

Progress = Callable[[int, int], None]


class RenderCancelled(RenderError):
    """The caller cancelled the render."""


@dataclass(frozen=True)
class RenderResult:
    path: Path
    frames: int
    width: int
    height: int
    fps: float
    duration: float
    segments: int
    workers: int
    browser: str
    isolated_network: bool


@dataclass
class ProbeResult:
    errors: list[PageErrorInfo] = field(default_factory=list)
    seek_seconds: list[float] = field(default_factory=list)
    frame_digests: list[str] = field(default_factory=list)
    """A digest of the picture at each time seeked (with `until_moved`, up to the first that differs)."""
    timed_out_at: float | None = None
    refused_requests: list[str] = field(default_factory=list)
    timer_calls: list[TimerCall] = field(default_factory=list)
    """The page's own setTimeout/setInterval/requestAnimationFrame calls (unread after a stuck seek)."""


def plan_segments(frame_count: int, fps: float, seconds: float = SEGMENT_SECONDS) -> list[range]:
    """The video cut into segments: a function of its frames alone, never of the workers.

    About `seconds` long, an even number of them (two cores or two farm hosts get equal
    shares; at least two, so a short video still uses both), none shorter than a second
    (each costs a page load and an ffmpeg), sizes differing by one frame at most.
    """
    per_second = max(1, round(fps))
    count = max(2, round(frame_count / (fps * max(seconds, 1 / fps))))
    count = min(count + count % 2, max(1, frame_count // per_second))
    size, longer = divmod(frame_count, count)
    ends = itertools.accumulate(size + (i < longer) for i in range(count))
    return [range(a, b) for a, b in itertools.pairwise([0, *ends]) if b > a]


def prepare(html: str, options: RenderOptions) -> tuple[Composition, int, int, float]:
    """Parse the composition and resolve output size; raises CompositionError for bad input."""
    comp = parse_composition(
        html, variables=options.variables, fps=options.fps, max_duration=options.max_duration
    )
    w, h, scale = output_size((comp.width, comp.height), options.resolution)
    return comp, w, h, capture_scale(scale)


@dataclass(frozen=True)
class RenderPlan:
    """What a render will make, worked out without a browser: the parsed composition, the
    output size and the fixed segments. The same plan on any machine — which is what lets
    segments be rendered apart (`render_segment`) and joined (`join_segments`) into the
    bytes `render_to_file` writes."""

    composition: Composition
    width: int
    height: int
    scale: float
    """The device scale factor frames are captured at."""
    segments: tuple[range, ...]
    """Frame indices of each segment, in order."""


def plan_render(html: str, options: RenderOptions | None = None) -> RenderPlan:
    """The plan of a render; raises CompositionError for a composition that cannot be rendered."""
    options = options or RenderOptions()
    comp, width, height, scale = prepare(html, options)
    segments = plan_segments(comp.frame_count, comp.fps, options.segment_seconds)
    return RenderPlan(comp, width, height, scale, tuple(segments))


async def render_to_file(
    html: str,
    out: Path,
    options: RenderOptions | None = None,
    *,
    pool: BrowserPool | None = None,
    progress: Progress | None = None,
    cancel: asyncio.Event | None = None,
) -> RenderResult:
    """Render `html` to an MP4 at `out`, written atomically: on any failure no file is left."""
    options = options or RenderOptions()
    plan = plan_render(html, options)
    comp = plan.composition
    out = Path(out)
    if not out.parent.is_dir():
        raise RenderError(f"output folder {out.parent} does not exist")
    workers = _workers(options, plan)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    files: dict[int, Path] = {}
    done = 0

    def frame_done() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, comp.frame_count)

    async def encode(page: PageSession, queue: list[int]) -> None:
        # ffmpeg finishes a segment while the browser captures the next one; at most one
        # segment per worker is finishing, so processes and memory stay bounded.
        finishing: asyncio.Task[Path] | None = None
        try:
            while queue:
                index = queue.pop(0)
                path = work / f"seg{index:05d}.mp4"
                enc = await _encode_segment(page, plan, index, path, options, frame_done, cancel)
                if finishing is not None:
                    await finishing
                finishing = asyncio.create_task(_finish(enc))
                files[index] = path
            if finishing is not None:
                await finishing
        except BaseException:
            if finishing is not None:  # even when done: its own failure is retrieved here
                finishing.cancel()
                await asyncio.gather(finishing, return_exceptions=True)
            raise

    try:
        async with pool_or_temporary(pool, workers) as p, _time_limit(options):
            isolated = await _each_page(p, workers, plan, encode)
            await join_segments([files[i] for i in range(len(plan.segments))], out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return RenderResult(
        out, comp.frame_count, plan.width, plan.height, comp.fps, comp.duration, len(plan.segments),
        workers, p.kind.label, isolated,
    )  # fmt: skip


async def render_segment(
    html: str,
    options: RenderOptions,
    index: int,
    out: Path,
    *,
    pool: BrowserPool | None = None,
    cancel: asyncio.Event | None = None,
) -> bool:
    """Segment `index` of the render of `html`, encoded alone into `out` exactly as
    `render_to_file` encodes it (fresh page, same frames, same encoder), so that segments
    rendered anywhere join into the same bytes. On failure no file is left. Returns whether
    the browser's network was isolated."""
    plan = plan_render(html, options)
    if not 0 <= index < len(plan.segments):
        raise RenderError(f"segment {index} does not exist (the render has {len(plan.segments)})")

    async def encode(page: PageSession, queue: list[int]) -> None:
        await _finish(await _encode_segment(page, plan, queue.pop(), out, options, lambda: None, cancel))

    async with pool_or_temporary(pool, 1) as p, _time_limit(options):
        return await _each_page(p, 1, plan, encode, [index])


def _workers(options: RenderOptions, plan: RenderPlan) -> int:
    """Pages working at once: as asked (else `default_workers`), never more than there are segments."""
    return max(1, min(options.workers or default_workers(), len(plan.segments)))


@contextlib.asynccontextmanager
async def _time_limit(options: RenderOptions) -> AsyncIterator[None]:
    try:
        async with asyncio.timeout(options.render_timeout):
            yield
    except TimeoutError:
        raise RenderTimeout(
            f"the render took longer than {options.render_timeout:g} s and was stopped"
        ) from None


async def capture_frames(
    html: str,
    on_frame: Callable[[int, bytes], Awaitable[None]],
    options: RenderOptions | None = None,
    *,
    image_format: Literal["png", "jpeg"] | None = None,
    pool: BrowserPool | None = None,
) -> list[range]:
    """Every frame exactly as `render_to_file` captures it, handed to `on_frame(index, image)`.

    Same segments, same fresh page load per segment, same handling of frames Chromium
    reports unchanged; only the encoder is left out, so a caller can keep the frames or
    measure what encoding costs (the bench compares a video with lossless PNG frames).
    `image_format` None → the quality preset's. Frames of different segments arrive
    concurrently when `options.workers` > 1. Returns each segment's frame indices, which
    `encode_segments` takes to encode the frames as a render would.
    """
    options = options or RenderOptions()
    preset = PRESETS[options.quality]
    plan = plan_render(html, options)
    workers = _workers(options, plan)

    async def capture(page: PageSession, queue: list[int]) -> None:
        while queue:
            seg = plan.segments[queue.pop(0)]
            fmt = image_format or preset.frame_format
            # A format the caller names is kept for every frame (the bench's lossless frames).
            jpeg_above = preset.jpeg_above if image_format is None else None
            frames = _segment_frames(
                page, plan.composition, seg, options, fmt, preset.jpeg_quality, None, jpeg_above=jpeg_above
            )
            async with contextlib.aclosing(frames):
                index = seg.start
                async for image in frames:
                    await on_frame(index, image)
                    index += 1

    async with pool_or_temporary(pool, workers) as p:
        await _each_page(p, workers, plan, capture)
    return list(plan.segments)


async def _each_page(
    pool: BrowserPool,
    workers: int,
    plan: RenderPlan,
    run: Callable[[PageSession, list[int]], Awaitable[None]],
    indices: list[int] | None = None,
) -> bool:
    """`workers` pages, each running `run` over the shared queue of segment indices (all of
    the plan's unless `indices`); True if every browser's network was isolated."""
    queue = list(range(len(plan.segments)) if indices is None else indices)
    comp = plan.composition
    isolated: list[bool] = []

    async def worker() -> None:
        if not queue:
            return
        async with (
            pool.browser(plan.scale) as browser,
            PageSession.open(browser, comp.width, comp.height, comp.fps) as page,
        ):
            isolated.append(browser.isolated_network)
            await run(page, queue)

    await _run_all([worker() for _ in range(workers)])
    return all(isolated)


async def _segment_frames(
    page: PageSession,
    comp: Composition,
    seg: range,
    options: RenderOptions,
    image_format: str,
    jpeg_quality: int,
    cancel: asyncio.Event | None,
    *,
    jpeg_above: float | None,
) -> AsyncGenerator[bytes, None]:
    """A segment's frames from a freshly loaded page. Chromium sends no picture for a frame
    without damage, so the first is forced and an unchanged frame repeats the previous one.
    A PNG segment whose first frame is costly as PNG goes on as JPEG (`frame_format`)."""
    await _load(page, comp, options)
    page.raise_if_errors()
    previous: bytes | None = None
    fmt = image_format
    for i in seg:
        if cancel is not None and cancel.is_set():
            raise RenderCancelled("the render was cancelled")
        await page.seek(comp.time_of(i), options.seek_timeout)
        image = await page.capture(fmt, jpeg_quality, force=previous is None) or previous
        page.raise_if_errors()
        if image is None:
            raise RenderError(f"the browser returned no picture for frame {i}")
        if previous is None and fmt == "png" and frame_format.wants_jpeg(image, jpeg_above):
            fmt = "jpeg"
            image = await asyncio.to_thread(frame_format.png_to_jpeg, image, jpeg_quality)
        yield image
        previous = image


async def _encode_segment(
    page: PageSession,
    plan: RenderPlan,
    index: int,
    path: Path,
    options: RenderOptions,
    frame_done: Callable[[], None],
    cancel: asyncio.Event | None,
) -> SegmentEncoder:
    """Capture a segment's frames into a running encoder; the caller finishes it."""
    preset = PRESETS[options.quality]
    seg = plan.segments[index]
    frames = _segment_frames(
        page,
        plan.composition,
        seg,
        options,
        preset.frame_format,
        preset.jpeg_quality,
        cancel,
        jpeg_above=preset.jpeg_above,
    )
    enc: SegmentEncoder | None = None
    try:
        async with contextlib.aclosing(frames):
            async for image in frames:
                if enc is None:  # the first frame tells which format the segment is in
                    enc = await SegmentEncoder.start(
                        path,
                        fps=plan.composition.fps,
                        frames=len(seg),
                        quality=options.quality,
                        image_codec=IMAGE_CODECS[image_format_of(image)],
                        size=(plan.width, plan.height),
                    )
                await enc.write(image)
                frame_done()
        assert enc is not None, "plan_segments makes no empty segment"
        return enc
    except BaseException:
        if enc is not None:
            await enc.abort()
        raise


async def _finish(enc: SegmentEncoder) -> Path:
    try:
        return await enc.finish()
    except BaseException:
        await enc.abort()
        raise


async def _run_all(coros: list[Coroutine[Any, Any, None]]) -> None:
    """Run workers together; the first failure cancels the rest and is raised as itself."""
    try:
        async with asyncio.TaskGroup() as tg:
            for c in coros:
                tg.create_task(c)
    except BaseExceptionGroup as group:
        raise _first_leaf(group) from None


def _first_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    exc: BaseException = group
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc


async def _load(page: PageSession, comp: Composition, options: RenderOptions) -> None:
    await page.load(
        comp.html,
        assets_dir=options.assets_dir,
        seed=DEFAULT_SEED,
        timeout=options.load_timeout,
        wait_ms=int(options.seek_timeout * 1000),
    )


@contextlib.asynccontextmanager
async def _open_page(pool: BrowserPool | None, scale: float, comp: Composition) -> AsyncIterator[PageSession]:
    async with (
        pool_or_temporary(pool, 1) as p,
        p.browser(scale) as browser,
        PageSession.open(browser, comp.width, comp.height, comp.fps) as page,
    ):
        yield page


@contextlib.asynccontextmanager
async def _loaded_page(
    pool: BrowserPool | None, scale: float, comp: Composition, options: RenderOptions
) -> AsyncIterator[PageSession]:
    async with _open_page(pool, scale, comp) as page:
        await _load(page, comp, options)
        yield page


async def capture_frame(
    html: str, t: float, options: RenderOptions | None = None, *, pool: BrowserPool | None = None
) -> bytes:
    """The frame at time t as PNG (lossless)."""
    options = options or RenderOptions()
    comp, width, height, scale = prepare(html, options)
    if not 0 <= t <= comp.duration:
        raise RenderError(f"t={t:g} is outside the composition (0 to {comp.duration:g} s)")
    async with _loaded_page(pool, scale, comp, options) as page:
        page.raise_if_errors()
        await page.seek(t, options.seek_timeout)
        image = await page.capture("png", force=True)
        page.raise_if_errors()
        if image is None:
            raise RenderError("the browser returned no picture")
    return await fit_png(image, (width, height))


async def probe_page(
    html: str,
    times: list[float],
    options: RenderOptions | None = None,
    *,
    pool: BrowserPool | None = None,
    until_moved: bool = False,
) -> ProbeResult:
    """Load the page and seek to `times`, collecting errors instead of raising them.

    For the validator's runtime checks. Composition errors (bad root attributes, missing
    variables) still raise: they are the caller's to report. `until_moved` stops taking
    pictures once two differ (whether the page moves is then known): the later times are
    still seeked and drawn, so their errors and timer calls are seen all the same.
    """
    options = options or RenderOptions()
    comp, _, _, scale = prepare(html, options)
    result = ProbeResult()
    loop = asyncio.get_running_loop()
    async with _open_page(pool, scale, comp) as page:
        try:
            await _load(page, comp, options)
            for t in times:
                started = loop.time()
                try:
                    await page.seek(t, options.seek_timeout)
                except SeekTimeout:
                    result.timed_out_at = t
                    break
                except PageError as exc:
                    result.errors.append(PageErrorInfo(exc.message, exc.time))
                result.seek_seconds.append(loop.time() - started)
                if until_moved and len(set(result.frame_digests)) > 1:
                    await page.draw()  # the frame is still drawn, as for a picture; only not read back
                    continue
                image = await page.capture("jpeg", 80, force=not result.frame_digests)
                if image is not None:
                    result.frame_digests.append(hashlib.sha256(image).hexdigest())
                elif result.frame_digests:
                    result.frame_digests.append(result.frame_digests[-1])
            if result.timed_out_at is None:  # a stuck page cannot answer
                result.timer_calls = await page.timer_calls()
        except RenderError as exc:
            if not page.state.errors:
                result.errors.append(PageErrorInfo(str(exc), None))
        result.errors[:0] = page.state.errors
        result.refused_requests = page.refused_requests
    return result
