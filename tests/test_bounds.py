"""A bad page fails its own render, fast and cleanly: clear error, no output file, no browser left."""

from __future__ import annotations

import asyncio
import gc
import os
import time
from pathlib import Path

import pytest

import sandbox.browser
from sandbox import (
    CompositionError,
    MissingVariablesError,
    PageCrashed,
    PageError,
    RenderOptions,
    RenderTimeout,
    SeekTimeout,
    capture_frame,
    render_to_file,
)


def comp(script: str, duration: float = 1.0) -> str:
    return f"""<!doctype html><html data-duration="{duration}" data-width="160" data-height="90" data-fps="10">
<body style="margin:0;background:#222"><div id="b" style="width:20px;height:20px;background:red"></div>
<script>{script}</script></body></html>"""


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Process-group ids of every browser started during the test."""
    pids: list[int] = []
    original = sandbox.browser.Browser.launch.__func__  # type: ignore[attr-defined]

    async def launch(cls, **kw):  # type: ignore[no-untyped-def]
        b = await original(cls, **kw)
        pids.append(b.proc.pid)
        return b

    monkeypatch.setattr(sandbox.browser.Browser, "launch", classmethod(launch))
    return pids


def left_in_groups(groups: list[int], grace: float = 15.0) -> list[int]:
    """Processes of these groups still running once `grace` seconds have passed. A SIGKILLed
    renderer that had filled its memory takes a moment to give it back and exit."""
    deadline = time.monotonic() + grace
    while (alive := alive_in_groups(groups)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def alive_in_groups(groups: list[int]) -> list[int]:
    alive = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[2]) in groups:
                alive.append(int(entry))
    return alive


def test_endless_loop_in_seek_handler(tmp_path: Path, launched: list[int], run) -> None:
    out = tmp_path / "loop.mp4"
    html = comp("addEventListener('hf-seek', e => { if (e.detail.time > 0.25) for (;;) {} });")
    with pytest.raises(SeekTimeout, match=r"t=0\.300s"):
        run(render_to_file(html, out, RenderOptions(seek_timeout=1.0, workers=1)))
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [], "no partial or temporary files are left behind"
    assert launched and left_in_groups(launched) == []


def test_uncaught_error_reports_its_time(tmp_path: Path, launched: list[int], run) -> None:
    out = tmp_path / "err.mp4"
    html = comp("addEventListener('hf-seek', e => { if (e.detail.time >= 0.5) missingFunction(); });")
    with pytest.raises(PageError) as info:
        run(render_to_file(html, out, RenderOptions(workers=1)))
    assert info.value.time == pytest.approx(0.5)
    assert "missingFunction" in str(info.value) and "t=0.500s" in str(info.value)
    assert not out.exists() and left_in_groups(launched) == []


def test_a_worker_stopped_by_anothers_error_leaves_nothing_unretrieved(tmp_path: Path, run) -> None:
    """Worker 2 is in the middle of a seek when worker 1's page throws: its pending browser
    call is cancelled with it, and no "Task exception was never retrieved" reaches stderr."""
    # Every clock a page can read is virtual, so "busy for a while" is spent computing.
    busy = "{ let x = 0; for (let i = 0; i < %d; i++) x ^= i; document.body.dataset.x = x; }"
    html = comp(
        "addEventListener('hf-seek', e => { const t = e.detail.time;"
        f" if (t >= 1) {busy % 1_500_000_000}"
        f" else if (t === 0) {busy % 300_000_000}"
        " else throw new Error('first worker fails'); });",
        duration=2,
    )
    unretrieved: list[str] = []

    async def render() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _, ctx: unretrieved.append(ctx["message"]))
        with pytest.raises(PageError, match="first worker fails"):
            await render_to_file(html, tmp_path / "x.mp4", RenderOptions(workers=2))
        gc.collect()
        await asyncio.sleep(0.1)

    run(render())
    assert unretrieved == []


def test_error_while_loading(run) -> None:
    with pytest.raises(PageError, match=r"while loading: .*boom"):
        run(capture_frame(comp("throw new Error('boom');"), 0.1, RenderOptions()))


def test_out_of_memory_is_a_crash(tmp_path: Path, launched: list[int], run) -> None:
    html = comp(
        "addEventListener('hf-seek', e => { const a = []; for (;;) a.push(new Array(1e6).fill(1.5)); });"
    )
    with pytest.raises((PageCrashed, SeekTimeout)):
        run(render_to_file(html, tmp_path / "oom.mp4", RenderOptions(seek_timeout=60, workers=1)))
    assert left_in_groups(launched) == []


def test_whole_render_timeout(tmp_path: Path, run) -> None:
    html = comp(
        "addEventListener('hf-seek', () => { let x = 0; for (let i = 0; i < 4e7; i++) x += i; });", duration=5
    )
    with pytest.raises(RenderTimeout):
        run(render_to_file(html, tmp_path / "slow.mp4", RenderOptions(render_timeout=1.0, workers=1)))
    assert list(tmp_path.iterdir()) == []


def test_waituntil_that_never_settles(run) -> None:
    html = comp("addEventListener('hf-seek', e => e.detail.waitUntil(new Promise(() => {})));")
    with pytest.raises((PageError, SeekTimeout), match=r"waitUntil|took longer"):
        run(capture_frame(html, 0.2, RenderOptions(seek_timeout=1.0)))


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<!doctype html><html><body></body></html>", "no data-duration"),
        ('<!doctype html><html data-duration="0"><body></body></html>', "out of range"),
        ('<!doctype html><html data-duration="100000"><body></body></html>', "out of range"),
        ('<!doctype html><html data-duration="six"><body></body></html>', "not a number"),
        ('<!doctype html><html data-duration="2" data-aspect="3:2"><body></body></html>', "not supported"),
        ("just some text", "not an HTML document"),
    ],
)
def test_bad_compositions_are_caller_errors(html: str, message: str, tmp_path: Path, run) -> None:
    with pytest.raises(CompositionError, match=message):
        run(render_to_file(html, tmp_path / "x.mp4"))


def test_variables_are_escaped_and_required(run) -> None:
    from media import png

    html = """<!doctype html><html data-duration="1" data-width="160" data-height="90">
<head><script type="application/json" id="hf-variables">{"COLOR": "blue"}</script></head>
<body style="margin:0"><div id="t">{{$TITLE}}</div>
<script>addEventListener('hf-seek', () => {
  const injected = document.querySelector('#t img, #t script');
  document.body.style.background = injected ? 'red' : (document.getElementById('t').textContent.includes('<img') ? 'lime' : 'black');
});</script></body></html>"""
    with pytest.raises(MissingVariablesError, match=r"\{\{\$TITLE\}\}"):
        run(capture_frame(html, 0.5, RenderOptions()))
    evil = '<img src=x onerror="document.body.innerHTML=1">'
    img = png(run(capture_frame(html, 0.5, RenderOptions(variables={"TITLE": evil}))))
    assert img.getpixel((150, 80))[:3] == (0, 255, 0), "the markup arrived as text, not as elements"
