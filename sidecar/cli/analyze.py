"""`immich-sidecar analyze [--json]` and `immich-sidecar report [--json]`."""

from __future__ import annotations

import argparse
from typing import Any

from sidecar.cli.commands import SUMMARIES
from sidecar.cli.output import add_json_flag, print_json, print_json_stream, shown_path
from sidecar.cli.progress import AnalysisProgressView
from sidecar.engine.core.sizes import human_bytes
from sidecar.engine.services.analyze import AnalysisReport
from sidecar.engine.services.report import analysis_report, report_sections
from sidecar.runtime import Runtime, open_runtime
from sidecar.settings import Settings

SHOWN = 10


def register(sub: Any) -> None:
    p = sub.add_parser("analyze", help=SUMMARIES["analyze"])
    add_json_flag(p)
    p.set_defaults(handler=handle_analyze)
    r = sub.add_parser("report", help=SUMMARIES["report"])
    add_json_flag(r)
    r.set_defaults(handler=handle_report)


async def handle_analyze(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        with AnalysisProgressView(enabled=not args.json) as view:
            report = await rt.analyze.analyze(view.update)
        if args.json:
            print_json(report.as_json())
        else:
            await print_analysis(rt, report)
    return 1 if immich_errors(report) else 0


def immich_errors(report: AnalysisReport) -> list[str]:
    """What could not be read from Immich (the rest of the analysis went on)."""
    found = [
        ("albums and tags", report.marks_error),
        ("thumbnails", report.remote_error),
        ("Immich's duplicate groups", report.semantic_error),
    ]
    return [f"{what}: {error}" for what, error in found if error]


async def handle_report(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        if args.json:  # streamed: memory independent of the library's size
            await print_json_stream(report_sections(rt.analysis))
            return 0
        data = await analysis_report(rt.analysis)
        failed = await rt.analysis.video_failures()
    print_groups_and_pairs(data, limit=None)
    for path, reason in failed:
        print(f"Video not fingerprinted: {shown_path(path)}: {reason}")
    return 0


async def print_analysis(rt: Runtime, report: AnalysisReport) -> None:
    print(
        f"Analysis: {report.media:,} media files, {report.fingerprinted:,} newly "
        f"fingerprinted ({report.fingerprint_failures:,} could not be decoded), "
        f"{report.duration_s:.1f} s"
    )
    if report.videos_fingerprinted:
        print(
            f"  of them {report.videos_fingerprinted:,} videos"
            f" ({report.video_failures:,} could not be decoded)"
        )
    for path, reason in report.failures[:SHOWN]:
        print(f"  not fingerprinted: {shown_path(path)}: {reason}")
    if len(report.failures) > SHOWN:
        print(f"  ... and {len(report.failures) - SHOWN:,} more (analyze --json lists them)")
    if report.unchanged_since is not None:
        print(f"  nothing changed since run #{report.unchanged_since}: its results stand")
    if report.remote_pending:
        waiting = f"{report.remote_pending:,} asset(s) have no thumbnail in Immich yet"
        print(f"  {waiting} (an import in progress?): fingerprinted at a later analysis")
    pairs = ", ".join(f"{n} {kind}" for kind, n in report.pairs.items())
    print(
        f"  {report.exact_groups} exact and {report.near_groups} near duplicate groups "
        f"({human_bytes(report.reclaimable_bytes)} reclaimable); pairs: {pairs}"
    )
    for error in immich_errors(report):
        print(f"  not read from Immich, {error}")
    print_groups_and_pairs(await analysis_report(rt.analysis), limit=SHOWN)


def print_groups_and_pairs(data: dict[str, Any], limit: int | None) -> None:
    groups, pairs = data["duplicate_groups"], data["pairs"]
    for title, items in (("Duplicate groups", groups), ("Pairs and bursts", pairs)):
        if not items:
            continue
        print(f"{title}:")
        for item in items[:limit]:
            label = item.get("tier") or item.get("kind")
            lead = item.get("keeper") or item.get("primary")
            print(f"  [{label}] keep/primary: {shown_path(lead or '?')}")
            for m in item["members"]:
                if m["path"] != lead:
                    print(f"      also: {shown_path(m['path'] or '?')}")
            print(f"      why: {'; '.join(item['reasons'])}")
        if limit is not None and len(items) > limit:
            print(f"  ... and {len(items) - limit} more (report --json lists them all)")
