"""Sizes are written one way everywhere: decimal units (1 KB = 1,000 bytes; the TUI uses this
too, see tests/tui/test_reports.py)."""

from __future__ import annotations

import pytest

from sidecar.engine.core.sizes import human_bytes


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1.0 KB"),
        (465_900, "465.9 KB"),
        (999_949, "999.9 KB"),
        (26_000_000_000, "26.0 GB"),
        (3_500_000_000_000_000, "3,500.0 TB"),
    ],
)
def test_sizes_in_decimal_units(n: int, words: str) -> None:
    assert human_bytes(n) == words
