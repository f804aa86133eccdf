"""`immich-sidecar sync [--full] [--json]`."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from sidecar.cli.commands import SUMMARIES
from sidecar.cli.output import add_json_flag, print_json
from sidecar.engine.services.sync import SyncReport
from sidecar.runtime import open_runtime
from sidecar.settings import Settings


def register(sub: Any) -> None:
    p = sub.add_parser(
        "sync",
        help=SUMMARIES["sync"],
        description="Mirror the assets of every configured Immich user into the inventory: "
        "incremental after the first run, a full pass with --full or when one is due.",
    )
    p.add_argument("--full", action="store_true", help="a full pass instead of incremental")
    add_json_flag(p)
    p.set_defaults(handler=handle)


async def handle(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        report = await rt.sync.sync(full=args.full)
        unmapped = await rt.drift.unmapped()
    if args.json:
        print_json(report.as_json() | {"unmapped": [asdict(u) for u in unmapped]})
    else:
        print(headline(report))
        for u in report.users:
            kind = "full" if u.full else "incremental"
            line = (
                f"  {u.user}: {kind}, {u.received:,} received in {u.pages} page(s), "
                f"added {u.added:,}, updated {u.updated:,}, removed {u.removed:,}, "
                f"{u.requests} request(s)"
            )
            print(line)
            if u.error:
                print(f"    failed: {u.error}")
        for folder in unmapped:
            print(f"  warning: {folder.message()}")
    return 1 if report.errors else 0


def headline(report: SyncReport) -> str:
    """What the run did, honestly: a run that failed for every user mirrored nothing, and
    the inventory's count is what earlier runs left."""
    took = f"{report.duration_s:.1f} s"
    failed = sum(1 for u in report.users if u.error)
    if report.users and failed == len(report.users):
        return (
            f"Sync failed ({took}); the inventory keeps the "
            f"{report.assets_total:,} assets of earlier syncs"
        )
    partly = f"; failed for {failed} of {len(report.users)} users" if failed else ""
    return f"Sync: {report.assets_total:,} assets mirrored ({took}){partly}"
