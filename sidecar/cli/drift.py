"""`immich-sidecar drift [--json]`."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from sidecar.cli.commands import SUMMARIES
from sidecar.cli.output import add_json_flag, print_json, shown_path
from sidecar.engine.services.drift import drift_json
from sidecar.runtime import open_runtime
from sidecar.settings import Settings

SHOWN = 20


def register(sub: Any) -> None:
    p = sub.add_parser(
        "drift",
        help=SUMMARIES["drift"],
        description="Files Immich has not imported, files whose asset is in Immich's trash, "
        "assets whose file is missing, content under several paths, and moved files Immich "
        "re-imported as new assets. Run 'immich-sidecar scan' and 'immich-sidecar sync' first.",
    )
    add_json_flag(p)
    p.set_defaults(handler=handle)


async def handle(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        report = await rt.drift.report()
        unmapped = await rt.drift.unmapped()
    if args.json:
        print_json(drift_json(report) | {"unmapped": [asdict(u) for u in unmapped]})
        return 0
    for folder in unmapped:
        print(f"Warning: {folder.message()}")
    if not settings.libraries:
        print(
            "No [[libraries]] configured: nothing on disk is compared with Immich (add one "
            "with immich_path and local_path, then scan)"
        )
    for root in report.not_checked:
        print(
            f"Not checked: {shown_path(root)} has no files recorded (not mounted here, or "
            "not scanned yet: run scan); its assets are not reported missing"
        )
    sections: list[tuple[str, list[str]]] = [
        ("On disk, not in Immich", [shown_path(p) for p in report.not_in_immich]),
        (
            "On disk, in Immich's trash (restore it in Immich to bring it back)",
            [f"{shown_path(t.path)}  ({', '.join(t.asset_ids)})" for t in report.in_immich_trash],
        ),
        (
            "Assets whose file is missing",
            [
                f"{m.asset_id}  {shown_path(m.path or '?')}  ({m.reason})"
                for m in report.missing_on_disk
            ],
        ),
        (
            "Same content under several paths",
            [", ".join(shown_path(p) for p in m.paths) for m in report.multi_path_content],
        ),
        (
            "Moved on disk and re-imported as a new asset (albums, tags, favourites and "
            "descriptions stay on the old one)",
            [
                f"{m.old_asset_id} -> {m.new_asset_id}  {shown_path(m.old_path)} -> "
                f"{shown_path(m.new_path)}  ({m.evidence})"
                for m in report.reimported_moves
            ],
        ),
    ]
    for title, lines in sections:
        print(f"{title}: {len(lines):,}")
        for line in lines[:SHOWN]:
            print(f"  {line}")
        if len(lines) > SHOWN:
            print(f"  ... and {len(lines) - SHOWN:,} more (drift --json lists them all)")
    return 0
