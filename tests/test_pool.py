"""The browser pool: warm browsers for a service, short-lived ones for a single render."""

from __future__ import annotations

import asyncio

from sandbox import BrowserPool


def test_a_pool_for_one_render_closes_a_browser_given_back_while_another_still_works(run) -> None:
    async def scenario() -> None:
        pool = BrowserPool(2, keep_idle=False)
        async with pool, pool.browser() as first:
            async with pool.browser() as second:
                pass
            # Closed in the background: the first worker is not held up by it.
            await asyncio.wait_for(second.proc.wait(), 15)
            assert not second.alive
            assert first.alive
            assert "product" in await first.conn.send("Browser.getVersion")
        assert first.proc.returncode is not None  # close() waited for the background close

    run(scenario())


def test_a_shared_pool_hands_the_same_warm_browser_out_again(run) -> None:
    async def scenario() -> None:
        async with BrowserPool(1) as pool:
            async with pool.browser() as first:
                pass
            async with pool.browser() as again:
                assert again is first and again.alive

    run(scenario())
