"""`immich-sidecar tui`: the review TUI."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sidecar.cli.commands import SUMMARIES
from sidecar.cli.logfile import logging_into
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from sidecar.tui.app import SidecarApp
from sidecar.tui.probe import probe_graphics

LOG_FILE = "tui.log"  # in the state dir: where log records go while the TUI runs


def register(sub: Any) -> None:
    p = sub.add_parser(
        "tui",
        help=SUMMARIES["tui"],
        description="A keyboard-first terminal UI (works over SSH and 'docker exec -it'). "
        "Press ? for the keys.",
    )
    p.add_argument(
        "--colours",
        choices=("auto", "16", "full"),
        default="auto",
        help="16: the terminal's own ANSI colours; full: the full-colour theme; auto (default): "
        "16 when the terminal reports 16 colours (e.g. TERM=xterm without COLORTERM)",
    )
    p.set_defaults(handler=handle)


async def handle(args: argparse.Namespace, settings: Settings) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        message = "tui needs a terminal (over SSH: ssh -t; in Docker: docker exec -it)"
        print(f"immich-sidecar: {message}", file=sys.stderr)
        return 2
    if sys.stdout.isatty():
        probe_graphics()  # answered already when the entry point asked early
    ansi = {"auto": None, "16": True, "full": False}[args.colours]
    with logging_into(settings.storage.state_dir / LOG_FILE):  # nothing drawn over the screen
        async with open_runtime(settings) as rt:
            await SidecarApp(rt, ansi=ansi).run_async()
    return 0
