"""Sizes in words, the same on the command line and in the TUI: decimal units (1 KB = 1,000
bytes, as file managers and disk makers count), one decimal above bytes."""

from __future__ import annotations

__all__ = ["human_bytes"]

UNITS = ("B", "KB", "MB", "GB", "TB")


def human_bytes(n: int) -> str:
    """ "512 B", "465.9 KB", "1.2 GB" (TB is the largest unit)."""
    value, unit = float(n), 0
    while abs(value) >= 1000 and unit < len(UNITS) - 1:
        value /= 1000
        unit += 1
    return f"{n:,} B" if unit == 0 else f"{value:,.1f} {UNITS[unit]}"
