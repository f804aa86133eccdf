"""A group of videos at 80x24 (pytest-textual-snapshot): ▶ marks, each clip's poster frame,
its length, size and codec. The clips are real H.264 files made with PyAV; their paths are
shown through /proc/self/cwd (the test runs in their folder), the same on every run.
Update with `pytest tests/tui/test_tui_video_snapshots.py --snapshot-update`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from sidecar.engine.core.models import Member
from sidecar.runtime import open_runtime
from tests.helpers.settings import make_settings
from tests.helpers.snapshots import SnapshotApp
from tests.helpers.tui import settle
from tests.helpers.videos import make_clip

SHOWN = Path("/proc/self/cwd/clips")


@pytest.mark.parametrize("keys", [["g"], ["g", "enter"], ["g", "enter", "c"]], ids="-".join)
def test_video_group(
    snap_compare: Any,
    tmp_path: Path,
    state_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    keys: list[str],
) -> None:
    make_clip(tmp_path / "clips" / "clip.mp4", size=(320, 240), codec="mpeg4")
    make_clip(tmp_path / "clips" / "clip_480.mp4", size=(160, 120), codec="mpeg4")
    monkeypatch.chdir(tmp_path)
    members = [
        Member(
            str(SHOWN / "clip.mp4"),
            str(SHOWN / "clip.mp4"),
            None,
            65_000,
            320,
            240,
            "2022-05-01T09:00:00",
            4_000,
            "mpeg4",
        ),
        Member(
            str(SHOWN / "clip_480.mp4"),
            str(SHOWN / "clip_480.mp4"),
            None,
            33_000,
            160,
            120,
            "2022-05-01T09:00:00",
            4_000,
            "mpeg4",
        ),
    ]
    why = ["more pixels: 320x240 against 160x120 (clip_480.mp4)"]
    settings = make_settings(state_dir)

    async def store() -> None:
        async with open_runtime(settings) as rt:
            await rt.analysis.replace_results(
                1, [("near", "local", members[0].key, why, 2, 33_000, members)], []
            )

    asyncio.run(store())

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(SnapshotApp(settings), terminal_size=(80, 24), run_before=run_before)
