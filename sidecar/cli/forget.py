"""`immich-sidecar forget FOLDER [--json]`: drop a folder scanned by PATH from the inventory."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sidecar.cli.commands import SUMMARIES
from sidecar.cli.output import add_json_flag, print_json, shown_path
from sidecar.runtime import open_runtime
from sidecar.settings import Settings


def register(sub: Any) -> None:
    p = sub.add_parser(
        "forget",
        help=SUMMARIES["forget"],
        description="Drop a scanned folder and the records of its files from the inventory. "
        "Nothing on disk or in Immich is touched. Configured libraries are not forgotten "
        "this way: remove their [[libraries]] entry instead.",
    )
    p.add_argument(
        "folder", type=Path, metavar="FOLDER", help="as 'immich-sidecar status' lists it"
    )
    add_json_flag(p)
    p.set_defaults(handler=handle)


async def handle(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        dropped = await rt.scan.forget(args.folder)
    if args.json:
        print_json({"folder": str(args.folder), "records_dropped": dropped})
    else:
        print(
            f"Forgot {shown_path(str(args.folder))}: {dropped:,} file record(s) dropped "
            "from the inventory (nothing on disk was touched)"
        )
    return 0
