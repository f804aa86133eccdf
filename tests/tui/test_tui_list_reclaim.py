"""The groups list follows what a person decided in a group: on coming back, the reclaim
column of the group decided counts what the decision frees (the members going to the trash;
nothing for "not duplicates"), as do the keeper and decided columns and the group's title."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from sidecar.runtime import open_runtime
from sidecar.tui.app import GroupView
from sidecar.tui.text import human
from tests.fake_immich import FakeImmich
from tests.helpers.tui import goto, press, running
from tests.helpers.writeback import library, prepare, settings_for

SIZES = [(80, 24), (120, 40)]
RECLAIM = 2  # the column


@pytest.mark.parametrize("size", SIZES)
async def test_the_reclaim_column_follows_a_decision_made_in_the_group(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, size: tuple[int, int]
) -> None:
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, review_album=False)
    await prepare(settings)
    async with open_runtime(settings) as rt, running(rt, size=size) as pilot:
        app = pilot.app
        await press(pilot, "g")
        listed = app.screen.query_one(DataTable)
        groups = app.screen.loaded
        row, group = next(
            (i, g) for i, g in enumerate(groups) if len({m.size for m in g.members}) > 1
        )
        assert str(listed.get_row_at(row)[RECLAIM]) == human(group.reclaim)
        await goto(pilot, listed, row)
        await press(pilot, "enter")
        view = app.screen
        assert isinstance(view, GroupView)
        # keep the member whose size differs most from the suggested keeper's
        keeper_size = next(m.size or 0 for m in group.members if m.key == group.keeper)
        at, chosen = max(enumerate(view.rows), key=lambda r: abs((r[1].size or 0) - keeper_size))
        freed = sum(m.size or 0 for m in group.members if m.key != chosen.key)
        assert freed != group.reclaim
        await goto(pilot, view.query_one(DataTable), at)
        await press(pilot, "k")
        await press(pilot, "escape")
        listed = app.screen.query_one(DataTable)
        assert str(listed.get_row_at(row)[RECLAIM]) == human(freed)
        await goto(pilot, listed, row)
        await press(pilot, "enter")
        title = str(app.screen.query_one("#group-title", Static).render())
        assert f"{human(freed)} reclaimable" in title
        await press(pilot, "n")  # "not duplicates" instead: nothing to free
        await press(pilot, "escape")
        listed = app.screen.query_one(DataTable)
        assert str(listed.get_row_at(row)[RECLAIM]) == human(0)
        assert str(listed.get_row_at(row)[-1]) == "not dup"
