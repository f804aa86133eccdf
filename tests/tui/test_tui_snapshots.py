"""Snapshots of the main TUI screens at 80x24 (pytest-textual-snapshot), on the sample library
in local mode. Deterministic: no clock or network is shown, and the group view's full paths are
the same on every run: each test's own copy of the photos (under pytest's tmp_path) is scanned
through /proc/self/cwd while the test runs in that folder, so two runs never share a folder.
Update with `pytest tests/tui/test_tui_snapshots.py --snapshot-update` after a deliberate change."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.helpers.pictures import nine_copies
from tests.helpers.settings import make_settings
from tests.helpers.snapshots import SnapshotApp
from tests.helpers.tui import settle

SIZE = (80, 24)


SHOWN = Path("/proc/self/cwd/photos")  # the photos as the screens show them


def analysed(photos: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """`photos` scanned (as SHOWN) and analysed; the test then runs in the folder holding them."""
    monkeypatch.chdir(photos.parent)
    assert SHOWN.resolve() == photos.resolve()
    settings = make_settings(state_dir)

    async def prepare() -> None:
        async with open_runtime(settings) as rt:
            await rt.scan.scan_paths([SHOWN])
            await rt.analyze.analyze()

    asyncio.run(prepare())
    return settings


SCREENS = {  # screen -> the keys that lead there from the start
    "dashboard": [],
    "groups": ["g"],
    "group_view_with_previews": ["g", "enter"],
    "compare": ["g", "enter", "c"],
    "pairs": ["p"],
    "writeback": ["w"],
    "help": ["question_mark"],
}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(
    snap_compare: Any,
    photos: Path,
    state_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    screen: str,
) -> None:
    app = SnapshotApp(analysed(photos, state_dir, monkeypatch))

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in SCREENS[screen]:
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_group_of_nine(
    snap_compare: Any, tmp_path: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every member of a group of nine at 80x24: the keeper first, the previews smaller."""
    nine_copies(tmp_path / "nine" / "photos")
    app = SnapshotApp(analysed(tmp_path / "nine" / "photos", state_dir, monkeypatch))

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in ("g", "enter"):
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
