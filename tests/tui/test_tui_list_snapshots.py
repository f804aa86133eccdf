"""Snapshots at 80x24 (pytest-textual-snapshot) of the groups list with its filters, and of the
confirmation of a bulk accept (external-library warning first), on the sample tree imported
into the test Immich under a fixed library id (nothing random is shown: the list names files,
the confirmation Immich's paths). Update with `pytest tests/tui/test_tui_list_snapshots.py
--snapshot-update` after a deliberate change."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sidecar.settings import Settings
from sidecar.tui.app import Confirm
from tests.fake_immich import FakeImmich
from tests.helpers.snapshots import SnapshotApp
from tests.helpers.tui import settle, until
from tests.helpers.writeback import library, prepare, settings_for

SIZE = (80, 24)
LIBRARY_ID = "5f0c1a2e-0000-4000-8000-00000000f00d"


def imported(fake: FakeImmich, photos: Path, state_dir: Path) -> Settings:
    """The sample tree in the test Immich's external library (its id fixed), synced and
    analysed."""
    state = fake.state
    real = state.libraries  # the one library `library` makes, renamed before any import
    add = state.add_library

    def fixed_library(*args: Any, **kwargs: Any) -> Any:
        made = add(*args, **kwargs)
        real.pop(made.id)
        made.id = LIBRARY_ID
        real[LIBRARY_ID] = made
        return made

    state.add_library = fixed_library  # type: ignore[method-assign]
    key, _ = library(fake, photos)
    settings = settings_for(fake, key, photos, state_dir, stacks=[], review_album=False)
    asyncio.run(prepare(settings))
    return settings


def test_groups_filtered_by_state_and_path(
    snap_compare: Any, immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    app = SnapshotApp(imported(immich_v2, photos, state_dir))

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in ("g", "f", "slash", *"exports", "enter"):
            await pilot.press(key)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_bulk_accept_confirmation(
    snap_compare: Any, immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    app = SnapshotApp(imported(immich_v2, photos, state_dir))

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("A")
        await until(pilot, lambda: isinstance(pilot.app.screen, Confirm), "the confirmation")
        await pilot.pause()  # not settle: the worker that asks waits for the answer

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
