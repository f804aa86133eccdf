"""Snapshots at 80x24 (pytest-textual-snapshot) of the write-back screen with a plan from the
test Immich (by kind, paths as Immich names them, the external-library warning first) and of a
long confirmation (warnings first, the body scrolls, the yes/no line at the bottom).
Deterministic: assets are shown by their paths in Immich, no run (and so no time) is shown.
Update with `pytest tests/tui/test_tui_writeback_snapshots.py --snapshot-update` after a
deliberate change."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sidecar.runtime import open_runtime
from sidecar.tui.app import Confirm
from tests.fake_immich import FakeImmich
from tests.helpers.settings import make_settings
from tests.helpers.snapshots import SnapshotApp
from tests.helpers.tui import settle
from tests.helpers.writeback import library, prepare, settings_for

SIZE = (80, 24)
LONG = "\n".join(f"  /mnt/photos/family/2019/Summer/IMG_{n:04}.jpg" for n in range(1, 201))


def test_writeback_with_a_plan(
    snap_compare: Any, immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)

    async def decided() -> None:
        await prepare(settings)
        async with open_runtime(settings) as rt:
            await rt.writeback.decide_trash([assets["Backup/2019/Summer/astronaut.jpg"].id], None)

    asyncio.run(decided())

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in ("w", "l"):
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(SnapshotApp(settings), terminal_size=SIZE, run_before=run_before)


def test_a_long_confirmation(snap_compare: Any, state_dir: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        warnings = ["3 assets to trash belong to an external library: emptying the trash"]
        question = f"Move 200 assets to Immich's trash?\n\n{LONG}"
        pilot.app.push_screen(Confirm(question, warnings=warnings, prompt="Trash them?"))
        await settle(pilot)

    app = SnapshotApp(make_settings(state_dir))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
