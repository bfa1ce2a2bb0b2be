"""Every surface (API limits, Slack's result line, fetch refusals, farm bundles) writes a byte
count the same way, in the binary units the settings' limits are written in."""

from __future__ import annotations

import pytest

from service.byte_sizes import size_text


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 bytes"),
        (1023, "1023 bytes"),
        (1024, "1 KiB"),
        (48 * 1024, "48 KiB"),
        (2**20, "1.0 MiB"),
        (10 * 2**20, "10.0 MiB"),
        (1_500_000, "1.4 MiB"),
    ],
)
def test_a_byte_count_reads_in_binary_units(n: int, text: str) -> None:
    assert size_text(n) == text
