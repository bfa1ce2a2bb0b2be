"""Runtime validation in the real sandbox: errors with their times, stuck seeks, frozen frames."""

from __future__ import annotations

import re

import pytest

from sandbox import BrowserPool
from service.validation import ValidationLimits, validate, validate_static
from service.validation.runtime import sample_times

LIMITS = ValidationLimits(seek_timeout=1.0, load_timeout=10.0, runtime_timeout=60.0)


def page(render_body: str, *, extra: str = "") -> str:
    """A 2 s composition whose render(t) runs `render_body` (a box moves unless it is replaced)."""
    return f"""<!doctype html>
<html data-duration="2" data-aspect="16:9" data-fps="10">
<head><style>body {{ margin: 0; background: #111 }} #box {{ position: absolute; width: 200px; height: 200px; background: orange }}</style></head>
<body><div id="box"></div>
<script>
const box = document.getElementById('box');
function render(t) {{
  {render_body}
}}
addEventListener('hf-seek', e => render(e.detail.time));
render(0);
{extra}
</script>
</body></html>
"""


MOVING = "box.style.left = (100 + t * 600) + 'px';"


def test_a_good_page_passes(run) -> None:
    report = run(validate(page(MOVING), limits=LIMITS))
    assert report.ok and report.findings == []


def test_an_error_after_half_a_second_is_reported_with_its_time(run) -> None:
    html = page("if (t > 0.5) throw new Error('broke at ' + t.toFixed(1));\n  " + MOVING)
    report = run(validate(html, limits=LIMITS))
    assert not report.ok
    errors = [f for f in report.findings if f.code == "page-error"]
    assert errors and all(f.severity == "error" for f in errors)
    times = [float(m.group(1)) for f in errors if (m := re.search(r"at t=([\d.]+) s", f.message))]
    assert len(times) == len(errors) and min(times) > 0.5
    assert "broke at" in errors[0].message
    throw_line = html[: html.index("throw new Error")].count("\n") + 1
    assert errors[0].line == throw_line


def test_an_error_while_loading(run) -> None:
    report = run(validate(page(MOVING, extra="notDefinedAnywhere();"), limits=LIMITS))
    (f,) = report.findings
    assert f.code == "page-error" and "while loading" in f.message and "notDefinedAnywhere" in f.message


def test_an_endless_loop_in_the_seek_handler_times_out(run) -> None:
    html = page("if (t > 0.5) { while (true) {} }\n  " + MOVING)
    report = run(validate(html, limits=LIMITS))
    (f,) = report.findings
    assert f.code == "seek-timeout" and f.severity == "error"
    assert "within 1 s" in f.message and re.search(r"t=\d", f.message)


def test_an_endless_loop_at_load(run) -> None:
    limits = ValidationLimits(seek_timeout=1.0, load_timeout=2.0)
    report = run(validate(page("while (true) {}"), limits=limits))
    (f,) = report.findings
    assert f.code == "load-timeout" and "within 2 s" in f.message


def test_a_page_where_nothing_moves(run) -> None:
    report = run(validate(page("box.style.left = '100px';"), limits=LIMITS))
    (f,) = report.findings
    assert f.code == "frames-static" and f.severity == "error"


def test_runtime_runs_only_when_static_passed(run) -> None:
    # The endless loop would cost a seek timeout; the static error stops before the browser.
    html = page("while (true) {}", extra="setTimeout(() => {}, 10);")
    report = run(validate(html, limits=LIMITS))
    assert [f.code for f in report.findings] == ["timer-call"]


def test_runtime_can_be_turned_off(run) -> None:
    report = run(validate(page("box.style.left = '100px';"), limits=LIMITS, runtime=False))
    assert report.ok and report.findings == []


def test_a_shared_pool_is_used_and_survives_a_stuck_page(run) -> None:
    async def scenario() -> list[list[str]]:
        async with BrowserPool(1) as pool:
            stuck = await validate(page("if (t > 0.5) { while (true) {} }"), limits=LIMITS, pool=pool)
            good = await validate(page(MOVING), limits=LIMITS, pool=pool)
        return [[f.code for f in stuck.findings], [f.code for f in good.findings]]

    assert run(scenario()) == [["seek-timeout"], []]


def test_no_browser_is_a_warning_not_a_crash(run) -> None:
    async def scenario():
        async with BrowserPool(1, browser="/nonexistent/chromium") as pool:
            return await validate(page(MOVING), limits=LIMITS, pool=pool)

    report = run(scenario())
    (f,) = report.findings
    assert f.code == "runtime-unavailable" and f.severity == "warning" and report.ok


HIDDEN_TIMERS = {
    "joined name": ("setTimeout", "const w = window; w[['set', 'Time', 'out'].join('')](() => {}, 10);"),
    "name from an array": (
        "setInterval",
        "const p = ['set', 'Interval']; window[p[0] + p[1]](() => {}, 100);",
    ),
    "reflect apply": (
        "requestAnimationFrame",
        "Reflect.apply(window[['request', 'Animation', 'Frame'].join('')], window, [() => {}]);",
    ),
    "function call": (
        "setTimeout",
        "const f = window[['set', 'Timeout'].join('')]; Function.prototype.call.call(f, window, () => {}, 0);",
    ),
    "alias in an object": (
        "setInterval",
        "const clock = { tick: globalThis[String.fromCharCode(115) + 'etInterval'] }; clock.tick(() => {}, 50);",
    ),
    "base64 name": ("requestAnimationFrame", "self[atob('cmVxdWVzdEFuaW1hdGlvbkZyYW1l')](() => {});"),
    "idle callback": (
        "requestIdleCallback",
        "window[['request', 'Idle', 'Callback'].join('')](() => {});",
    ),
}


def test_plain_timers_are_static_findings_and_hidden_ones_are_not() -> None:
    assert [f.code for f in validate_static(page(MOVING, extra="setTimeout(() => {}, 10);")).findings] == [
        "timer-call"
    ]
    for spelling, (_, call) in HIDDEN_TIMERS.items():
        assert validate_static(page(MOVING, extra=call)).findings == [], spelling


def test_timers_reached_under_a_hidden_name_are_caught_when_the_page_runs(run) -> None:
    pages = {spelling: page(MOVING, extra=call) for spelling, (_, call) in HIDDEN_TIMERS.items()}

    async def scenario():
        async with BrowserPool(1) as pool:
            return {
                spelling: await validate(html, limits=LIMITS, pool=pool) for spelling, html in pages.items()
            }

    for spelling, report in run(scenario()).items():
        name, call = HIDDEN_TIMERS[spelling]
        (f,) = report.findings
        assert (f.code, f.severity) == ("runtime-timer", "error"), spelling
        assert f"`{name}` while loading," in f.message, (spelling, f.message)
        assert f.line == pages[spelling][: pages[spelling].index(call)].count("\n") + 1, spelling


def test_a_hidden_timer_in_the_seek_handler_names_the_sample_times(run) -> None:
    html = page("if (t > 0.5) window[`set${'Timeout'}`](() => {}, 0);\n  " + MOVING)
    (f,) = run(validate(html, limits=LIMITS)).findings
    assert f.code == "runtime-timer"
    assert "`setTimeout` at t=1, 1.4, 1.9 s," in f.message and "while loading" not in f.message
    assert f.line == html[: html.index("window[`set")].count("\n") + 1


@pytest.mark.parametrize(
    "animation",
    [
        "box.style.animation = 'slide 2s linear both';",
        "box.animate([{ left: '0px' }, { left: '600px' }], { duration: 2000, fill: 'both' });",
    ],
    ids=["css", "web-animations"],
)
def test_animations_the_renderer_drives_are_not_timers(animation: str, run) -> None:
    html = page("", extra=animation).replace("</style>", "@keyframes slide { to { left: 600px } }</style>")
    report = run(validate(html, limits=LIMITS))
    assert report.ok and report.findings == []


def test_the_whole_check_has_a_budget(run) -> None:
    report = run(validate(page(MOVING), limits=ValidationLimits(runtime_timeout=0.001)))
    assert [f.code for f in report.findings] == ["runtime-timeout"]


@pytest.mark.parametrize(
    ("duration", "fps", "expected"),
    [
        (2.0, 10.0, [0.0, 0.5, 1.0, 1.4, 1.9]),
        (0.1, 10.0, [0.0]),
        (0.3, 10.0, [0.0, 0.1, 0.2]),
    ],
)
def test_sample_times_are_frame_times_from_first_to_last(
    duration: float, fps: float, expected: list[float]
) -> None:
    assert sample_times(duration, fps, 5) == pytest.approx(expected)


def test_pictures_stop_once_the_page_moved_but_every_sample_is_still_seeked(run) -> None:
    from sandbox import RenderOptions, probe_page

    times = sample_times(2.0, 10.0, 5)
    late_error = page("if (t > 1.5) throw new Error('late ' + t);\n  " + MOVING)
    options = RenderOptions(seek_timeout=1.0)

    async def scenario():
        async with BrowserPool(1) as pool:
            moving = await probe_page(late_error, times, options, pool=pool, until_moved=True)
            still = await probe_page(page(""), times, options, pool=pool, until_moved=True)
            return moving, still

    moving, still = run(scenario())
    assert len(moving.frame_digests) == 2 and len(set(moving.frame_digests)) == 2
    assert [e.time for e in moving.errors] == [times[-1]] and "late" in moving.errors[0].message
    assert len(moving.seek_seconds) == len(times)
    assert len(still.frame_digests) == len(times) and len(set(still.frame_digests)) == 1
