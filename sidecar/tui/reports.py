"""A sync's, scan's or analysis' report as one sentence for a person (never its JSON keys)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sidecar.tui.text import human

__all__ = ["sentence"]


def _n(report: Mapping[str, Any], key: str) -> int:
    value = report.get(key)
    return value if isinstance(value, int) else 0


def _counted(report: Mapping[str, Any], words: tuple[tuple[str, str], ...]) -> list[str]:
    """ "12 new", "3 updated"...: the counts that are not zero."""
    return [f"{_n(report, key):,} {word}" for key, word in words if _n(report, key)]


def _seconds(report: Mapping[str, Any]) -> str:
    value = report.get("duration_s")
    return f" in {value:.1f} s" if isinstance(value, int | float) else ""


def _first_error(report: Mapping[str, Any]) -> str:
    """ " (/photos/2019: folder not found…; and 2 more)": which path could not be read,
    as written, and how many more (a scan reports each one)."""
    details = [
        d
        for d in report.get("error_details") or []
        if isinstance(d, dict) and d.get("path") and d.get("reason")
    ]
    if not details:
        return ""
    more = f"; and {len(details) - 1:,} more" if len(details) > 1 else ""
    return f" ({details[0]['path']}: {details[0]['reason']}{more})"


def sentence(what: str, report: Mapping[str, Any] | None) -> str:
    """ "Sync: 1,234 assets, 12 new, 3 updated in 2.1 s" (and the like for a scan or an
    analysis); just "<What> done" when there is no report."""
    if not report:
        return f"{what.capitalize()} done"
    if what == "sync":
        parts = [
            f"{_n(report, 'assets_total'):,} assets",
            *_counted(report, (("added", "new"), ("updated", "updated"), ("removed", "removed"))),
        ]
        return "Sync: " + ", ".join(parts) + _seconds(report)
    if what == "scan":
        words = (
            ("added", "new"),
            ("changed", "changed"),
            ("moved", "moved"),
            ("removed", "removed"),
            ("errors", "unreadable"),
        )
        parts = [f"{_n(report, 'scanned'):,} files", *_counted(report, words)]
        return "Scan: " + ", ".join(parts) + _seconds(report) + _first_error(report)
    pairs = report.get("pairs")
    paired = sum(v for v in pairs.values() if isinstance(v, int)) if isinstance(pairs, dict) else 0
    parts = [
        f"{_n(report, 'exact_groups'):,} exact and {_n(report, 'near_groups'):,} near groups",
        f"{paired:,} pairs",
        f"{human(_n(report, 'reclaimable_bytes'))} reclaimable",
    ]
    if _n(report, "fingerprint_failures"):
        parts.append(f"{_n(report, 'fingerprint_failures'):,} files unreadable")
    return "Analysis: " + ", ".join(parts) + _seconds(report)
