"""A job's report, as the dashboard says it: a sentence, never the report's JSON keys; sizes
as the command line writes them."""

from __future__ import annotations

from sidecar.engine.core.sizes import human_bytes
from sidecar.tui.reports import sentence
from sidecar.tui.text import human


def test_each_job_report_is_a_sentence_without_json_keys() -> None:
    sync = {"op_id": 7, "assets_total": 1234, "added": 12, "updated": 3, "removed": 0}
    scan = {"op_id": 8, "scanned": 40, "added": 2, "errors": 1, "bytes_hashed": 9000}
    analysis = {
        "op_id": 9,
        "exact_groups": 2,
        "near_groups": 3,
        "pairs": {"raw+jpeg": 1, "burst": 1},
        "reclaimable_bytes": 2048,
    }
    said = [
        sentence("sync", {**sync, "duration_s": 2.14}),
        sentence("scan", scan),
        sentence("analyze", analysis),
        sentence("scan", None),
    ]
    assert said == [
        "Sync: 1,234 assets, 12 new, 3 updated in 2.1 s",
        "Scan: 40 files, 2 new, 1 unreadable",
        "Analysis: 2 exact and 3 near groups, 2 pairs, 2.0 KB reclaimable",
        "Scan done",
    ]
    assert not any("_" in s for s in said)


def test_a_scan_says_which_folder_it_could_not_read_as_written() -> None:
    missing = {"path": "/media/photos [2019]", "reason": "folder not found; nothing changed"}
    other = {"path": "/media/x [/b].jpg", "reason": "permission denied"}
    one = {"scanned": 0, "errors": 1, "error_details": [missing], "duration_s": 0.04}
    two = {"scanned": 3, "errors": 2, "error_details": [missing, other]}
    assert sentence("scan", one) == (
        "Scan: 0 files, 1 unreadable in 0.0 s"
        " (/media/photos [2019]: folder not found; nothing changed)"
    )
    assert sentence("scan", two) == (
        "Scan: 3 files, 2 unreadable"
        " (/media/photos [2019]: folder not found; nothing changed; and 1 more)"
    )


def test_the_tui_writes_sizes_as_the_command_line() -> None:
    assert human(465_900) == human_bytes(465_900) == "465.9 KB"  # not 455.0 (1024-based)
    assert human(None) == "-"
