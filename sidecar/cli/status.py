"""`immich-sidecar status [--json]`."""

from __future__ import annotations

import argparse
from typing import Any

from sidecar.cli.output import add_json_flag, print_json, shown_path
from sidecar.runtime import open_runtime
from sidecar.settings import Settings


def register(sub: Any) -> None:
    p = sub.add_parser("status", help="inventory counts and recent operations")
    add_json_flag(p)
    p.add_argument("--limit", type=int, default=10, help="how many recent operations")
    p.set_defaults(handler=handle)


async def handle(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        report = await rt.status.report(limit=args.limit)
    if args.json:
        print_json(report.as_json())
        return 0
    print(f"Inventory: {report.db_path}")
    print(
        f"  files on disk {report.files:,} (removed {report.files_removed:,})   "
        f"Immich assets {report.assets:,}"
    )
    for root in report.roots:
        print(f"  root {shown_path(root)}")
    if report.jobs or report.heartbeat:
        print(f"Daemon: last heartbeat {report.heartbeat or 'never'}, watcher {report.watcher}")
        for job in report.jobs:
            print(
                f"  job {job.id:<6} next {job.next_run or '-'}  last {job.last_status or '-'}"
                f" at {job.last_started or '-'}"
                + (f": {job.last_message}" if job.last_message else "")
            )
        drift = max(
            (j for j in report.jobs if j.counts.get("drift")),
            key=lambda j: j.last_ended or "",
            default=None,
        )
        if drift is not None:
            counts = ", ".join(
                f"{k.replace('_', ' ')} {v:,}" for k, v in drift.counts["drift"].items()
            )
            print(f"  drift after the last {drift.id} ({drift.last_ended}): {counts}")
    if not report.operations:
        print("No operations yet: run `immich-sidecar scan`.")
        return 0
    print("Recent operations:")
    for op in report.operations:
        c = op.counts
        took = f"{op.duration_s:.1f} s" if op.duration_s is not None else "-"
        print(
            f"  #{op.id} {op.kind:<6} {op.status:<11} {op.started_at}  {took:>8}  "
            f"scanned {c['scanned']:,} added {c['added']:,} changed {c['changed']:,} "
            f"moved {c['moved']:,} removed {c['removed']:,} errors {c['errors']:,}"
        )
        if op.error_message:
            print(f"      {op.error_message}")
    return 0
