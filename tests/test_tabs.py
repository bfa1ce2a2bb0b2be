"""Each page gets a tab nobody used; the next tab is made while the browser waits (issue 12)."""

from __future__ import annotations

import asyncio

import pytest

from sandbox import BrowserPool, PageCrashed, RenderOptions, probe_page
from sandbox.browser import Browser
from sandbox.page import PageSession

LEAVES_TRACES = """<!doctype html>
<html data-duration="1" data-width="160" data-height="90" data-fps="10"><body><script>
window.name = 'the page before';
history.replaceState({ mine: 1 }, '');
location.hash = 'visited';
</script></body></html>"""

SHOWS_TRACES = """<!doctype html>
<html data-duration="1" data-width="160" data-height="90" data-fps="10"><body><script>
const traces = [window.name, history.length, JSON.stringify(history.state), location.hash];
throw new Error('what this page finds: ' + traces.join('|'));
</script></body></html>"""


def test_a_page_sees_nothing_of_the_page_before_it_in_the_same_browser(run) -> None:
    async def traces(*pages: str) -> list[str]:
        async with BrowserPool(1) as pool:
            found = [await probe_page(html, [0.0], RenderOptions(), pool=pool) for html in pages]
        return [e.message for probe in found for e in probe.errors]

    first_page = run(traces(SHOWS_TRACES))
    assert len(first_page) == 1 and "what this page finds: |" in first_page[0]
    assert run(traces(LEAVES_TRACES, SHOWS_TRACES)) == first_page


async def page_targets(browser: Browser) -> list[str]:
    targets = (await browser.conn.send("Target.getTargets"))["targetInfos"]
    return sorted(t["targetId"] for t in targets if t["type"] == "page")


def test_a_tab_given_back_is_disposed_of_and_the_next_is_made_ahead(run) -> None:
    async def scenario() -> None:
        browser = await Browser.launch()
        try:
            initial = await page_targets(browser)  # the launch's own about:blank
            first = await browser.tabs.take(160, 90)
            browser.tabs.give_back(first)
            for _ in range(100):  # the tab made ahead appears while nobody waits for it
                now = [t for t in await page_targets(browser) if t not in initial]
                if now and first.target_id not in now:
                    break
                await asyncio.sleep(0.05)
            assert len(now) == 1 and first.target_id not in now
            second = await browser.tabs.take(160, 90)
            assert second.target_id == now[0] and second.context_id != first.context_id

            browser.tabs.give_back(second)
            other_size = await browser.tabs.take(320, 180)  # the one made ahead is 160×90: not used
            assert other_size.size == (320, 180)
            assert [t for t in await page_targets(browser) if t not in initial] == [other_size.target_id]
        finally:
            await browser.close()

    run(scenario())


def test_a_browser_gone_before_its_tab_is_made_is_a_page_crash(run) -> None:
    """Not a bare protocol error: the pool and the job manager know what a PageCrashed means."""

    async def scenario() -> None:
        browser = await Browser.launch()
        browser.kill()
        try:
            with pytest.raises(PageCrashed, match="browser exited"):
                async with PageSession.open(browser, 160, 90, 10):
                    pass
        finally:
            await browser.close()

    run(scenario())
