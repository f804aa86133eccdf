"""`immich-sidecar scan [PATH ...] [--json]`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sidecar.cli.analyze import print_analysis
from sidecar.cli.commands import SUMMARIES
from sidecar.cli.output import add_json_flag, counted, print_json, shown_path
from sidecar.cli.progress import AnalysisProgressView, ScanProgressView
from sidecar.engine.core.sizes import human_bytes
from sidecar.engine.services.scan import ScanReport
from sidecar.runtime import open_runtime
from sidecar.settings import Settings

MAX_ERRORS_SHOWN = 20


def register(sub: Any) -> None:
    p = sub.add_parser(
        "scan",
        help=SUMMARIES["scan"],
        description="Reconcile the given folders (default: the configured libraries) into the "
        "inventory and print a summary.",
    )
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="folders to scan")
    add_json_flag(p)
    p.add_argument(
        "--no-analyze",
        action="store_true",
        help="with PATHs: do not run the duplicate and pair analysis afterwards",
    )
    p.set_defaults(handler=handle)


async def handle(args: argparse.Namespace, settings: Settings) -> int:
    analyze = bool(args.paths) and not args.no_analyze
    await scan_and_show(settings, args.paths, as_json=args.json, analyze=analyze)
    return 0


async def scan_and_show(
    settings: Settings, paths: list[Path], *, as_json: bool, analyze: bool, header: str = ""
) -> None:
    """Scan; with `analyze` (local mode: folders given on the command line) also find
    duplicates and pairs, and print everything."""
    async with open_runtime(settings) as rt:
        with ScanProgressView(enabled=not as_json) as view:
            report = await rt.scan.scan_paths(paths, view.update)
        analysis = None
        if analyze:
            with AnalysisProgressView(enabled=not as_json) as progress:
                analysis = await rt.analyze.analyze(progress.update)
        if as_json:
            data = report.as_json()
            if analysis is not None:
                data["analysis"] = analysis.as_json()
            print_json(data)
            return
        if header:
            print(header)
        print_report(report)
        if analysis is not None:
            await print_analysis(rt, analysis)


def print_report(report: ScanReport) -> None:
    c = report.counts
    print(
        f"Scan: {counted(c.scanned, 'media file')} in {counted(len(report.scopes), 'folder')}, "
        f"{report.duration_s:.1f} s"
    )
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
