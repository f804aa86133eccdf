"""`immich-sidecar check [--json]`."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from sidecar.cli.commands import SUMMARIES
from sidecar.cli.output import add_json_flag, print_json
from sidecar.immich_client.permissions import READ_ONLY, WRITE_BACK
from sidecar.runtime import open_runtime
from sidecar.settings import Settings


def register(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help=SUMMARIES["check"],
    )
    add_json_flag(p)
    p.set_defaults(handler=handle)


async def handle(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        report = await rt.check.check()
    if args.json:
        print_json(
            {
                "url": report.url,
                "version": report.version,
                "ok": report.ok,
                "error": report.error,
                "keys": [asdict(k) for k in report.keys],
                "unmapped": [asdict(u) for u in report.unmapped],
            }
        )
        return 0 if report.ok else 1
    print(
        f"Immich {report.url}: "
        + (f"version {report.version}" if report.version else f"{report.error}")
    )
    for k in report.keys:
        if k.error and k.error == report.error:
            continue  # said above: the server, not the key
        who = f" (user {k.user_name})" if k.user_name else ""
        print(f"  key for '{k.user}': {k.key_name or '?'}{who}")
        if k.error:
            print(f"    error: {k.error}")
            continue
        print(
            "    read-only use: "
            + ("ok" if not k.missing_read else "MISSING " + ", ".join(k.missing_read))
        )
        print(
            "    write-back:    "
            + ("ok" if not k.missing_write else "missing " + ", ".join(k.missing_write))
        )
        if k.missing_optional:
            print("    optional, not granted: " + ", ".join(k.missing_optional))
    for folder in report.unmapped:
        print(f"  warning: {folder.message()}")
    if not report.ok:
        print("Needed for read-only use: " + ", ".join(READ_ONLY))
        print("Needed for write-back:    " + ", ".join(WRITE_BACK))
    return 0 if report.ok else 1
