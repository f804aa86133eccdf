"""`immich-sidecar scan [PATH ...] [--json]`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sidecar.cli.output import human_bytes, print_json, shown_path
from sidecar.cli.progress import ScanProgressView
from sidecar.engine.services.reconcile import ScanReport
from sidecar.runtime import open_runtime
from sidecar.settings import Settings

MAX_ERRORS_SHOWN = 20


def register(sub: Any) -> None:
    p = sub.add_parser(
        "scan",
        help="reconcile media folders with the inventory",
        description="Reconcile the given folders (default: the configured libraries) into the "
        "inventory and print a summary.",
    )
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="folders to scan")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(handler=handle)


async def handle(args: argparse.Namespace, settings: Settings) -> int:
    report = await run_scan(settings, args.paths, progress=not args.json)
    if args.json:
        print_json(report.as_json())
    else:
        print_report(report)
    return 0


async def run_scan(settings: Settings, paths: list[Path], progress: bool = True) -> ScanReport:
    async with open_runtime(settings) as rt:
        with ScanProgressView(enabled=progress) as view:
            return await rt.reconciler.scan_paths(paths, view.update)


def print_report(report: ScanReport) -> None:
    c = report.counts
    print(f"Scan #{report.op_id}: {c.scanned:,} media files in {len(report.scopes)} "
          f"folder(s), {report.duration_s:.1f} s")  # fmt: skip
    for scope in report.scopes:
        print(f"  {shown_path(scope)}")
    print(
        f"  added {c.added:,}   changed {c.changed:,}   moved {c.moved:,}   "
        f"removed {c.removed:,}   unchanged {c.unchanged:,}"
    )
    print(
        f"  hashed {c.hashed:,} ({human_bytes(c.bytes_hashed)})   skipped {c.skipped:,} "
        f"(not media, ignored or links)   errors {c.errors:,}"
    )
    if report.error_details:
        print("Problems (the rest of the scan went on):")
        for path, reason in report.error_details[:MAX_ERRORS_SHOWN]:
            print(f"  {shown_path(path)}: {reason}")
        hidden = len(report.error_details) - MAX_ERRORS_SHOWN
        if hidden > 0:
            print(f"  ... and {hidden:,} more (scan --json lists them all)")
