"""`immich-sidecar demo`: prepare a folder of real sample photos and scan it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from sidecar.cli.commands import SUMMARIES
from sidecar.cli.output import add_json_flag
from sidecar.cli.sample_clips import build_clips
from sidecar.cli.samples import build_samples
from sidecar.cli.scan import scan_and_show
from sidecar.settings import STATE_DIR_ENV, Settings, StorageSettings


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help=SUMMARIES["demo"],
        description="Write real sample photographs and three clips made from one (a small, "
        "messy library) to DIR/photos and scan them into the inventory at DIR/state (or "
        "$IMMICH_SIDECAR_STATE_DIR).",
    )
    p.add_argument("--dir", type=Path, default=Path("sidecar-demo"), help="default: ./sidecar-demo")
    add_json_flag(p)
    p.set_defaults(handler=handle)


async def handle(args: argparse.Namespace, settings: Settings) -> int:
    photos = args.dir / "photos"
    build_samples(photos)
    build_clips(photos)  # a phone's clip, its smaller re-encode and a trim
    if not os.environ.get(STATE_DIR_ENV):
        storage = StorageSettings(state_dir=args.dir / "state")
        settings = settings.model_copy(update={"storage": storage})
    header = f"Sample library: {photos}  (inventory: {settings.storage.db_path})"
    await scan_and_show(settings, [photos], as_json=args.json, analyze=True, header=header)
    if not args.json:
        state = settings.storage.state_dir
        hint = f"{STATE_DIR_ENV}={state} immich-sidecar tui (or report, status)"
        print(f"\nLook around in this inventory: {hint}")
    return 0
