"""`immich-sidecar status [--json]`."""

from __future__ import annotations

import argparse
from typing import Any

from sidecar.cli.commands import SUMMARIES
from sidecar.cli.output import add_json_flag, print_json, shown_path
from sidecar.engine.core.models import Operation
from sidecar.engine.services.drift import drift_counts
from sidecar.runtime import open_runtime
from sidecar.settings import Settings

# what an operation's counts are, per kind, in words (the columns are shared by every kind);
# `{s}` is "s" unless the count is one
COUNTED = {
    "sync": (
        ("scanned", "asset{s} read"),
        ("added", "new"),
        ("changed", "updated"),
        ("removed", "removed"),
        ("errors", "user{s} failed"),
    ),
    "scan": (
        ("scanned", "file{s}"),
        ("added", "new"),
        ("changed", "changed"),
        ("moved", "moved"),
        ("removed", "removed"),
        ("errors", "unreadable"),
    ),
    "analyze": (("scanned", "photo{s}"), ("added", "fingerprinted"), ("errors", "undecodable")),
}


def done(op: Operation) -> str:
    """ "22 files, 22 new, 1 unreadable": what an operation counted, the first count always,
    the others when not zero."""
    words = COUNTED.get(op.kind, COUNTED["scan"])
    counted = [(op.counts.get(key, 0), word) for key, word in words]
    parts = [
        f"{count:,} {word.format(s='' if count == 1 else 's')}"
        for n, (count, word) in enumerate(counted)
        if n == 0 or count
    ]
    return ", ".join(parts)


def register(sub: Any) -> None:
    p = sub.add_parser("status", help=SUMMARIES["status"])
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
            counts = drift_counts(drift.counts["drift"])
            print(f"  drift after the last {drift.id} ({drift.last_ended}): {counts}")
    if not report.operations:
        print("No operations yet: run 'immich-sidecar scan'.")
        return 0
    print("Recent operations:")
    for op in report.operations:
        took = f"{op.duration_s:.1f} s" if op.duration_s is not None else "-"
        print(f"  #{op.id} {op.kind:<7} {op.status:<11} {op.started_at}  {took:>8}  {done(op)}")
        if op.error_message:
            print(f"      {op.error_message}")
    return 0
