"""Keys typed faster than decisions are recorded: every key press is one decision, recorded
in the order pressed, on the group or pair current when it was pressed. The bursts of 20 run
at 80x24 only: the order of decisions does not depend on the terminal's size (the lists read
pages of a fixed size), and 80x24 is where the decided column is narrowest; the pairs list,
whose check is that its states are shown whole, runs at 80x24 and 120x40."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from sidecar.engine.core.models import PairDecision
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from sidecar.tui.app import GroupView
from tests.fake_immich import FakeImmich
from tests.helpers.tui import analysed, on_screen, press, running, settle, until
from tests.helpers.writeback import library, prepare, settings_for

SIZES = [(80, 24), (120, 40)]
GROUPS = 20


def copies(root: Path, count: int) -> None:
    """`count` different pictures (noise), each in two folders: `count` exact groups."""
    rng = random.Random(15)
    for i in range(count):
        img = Image.new("RGB", (32, 32))
        img.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(32 * 32)])
        for folder in ("a", "b"):
            (root / folder).mkdir(parents=True, exist_ok=True)
            img.save(root / folder / f"noise-{i:02}.png")


async def test_a_burst_of_decisions_in_the_group_view_is_every_decision_in_order(
    tmp_path: Path, settings: Settings
) -> None:
    copies(tmp_path / "pics", GROUPS)
    async with analysed(settings, tmp_path / "pics") as rt:
        async with running(rt) as pilot:
            app = pilot.app
            await pilot.press("g")
            await settle(pilot)
            groups: Any = app.screen
            assert len(groups.loaded) == GROUPS
            listed = [sorted(m.key for m in g.members) for g in groups.loaded]
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, GroupView)
            await pilot.press(*["n"] * GROUPS)  # without waiting for any of them
            await until(pilot, lambda: app.screen is groups, "the list after the last group")
            await settle(pilot)
            table = groups.table
            assert [str(table.get_row_at(r)[-1]) for r in range(GROUPS)] == ["not dup"] * GROUPS
            assert "not dup" in on_screen(app)  # the decided column fits its words
            assert len(app._notifications) <= 1  # one at a time, not a pile over the table
        decisions = await rt.analysis.decisions()
    assert [kind for kind, _ in decisions] == ["not_duplicates"] * GROUPS
    assert [keys for _, keys in decisions] == listed  # every group once, in the list's order


async def test_a_burst_of_keeps_with_immich_queues_each_group_in_order(
    immich_v2: FakeImmich, tmp_path: Path, state_dir: Path
) -> None:
    """`a` (keep the suggested keeper) typed 20 times: 20 groups decided, each on the group
    shown when it was pressed, queueing that group's other copy for Immich's trash (the
    queue records them in the order pressed: see the burst of `n` above)."""
    photos = tmp_path / "photos"
    copies(photos, GROUPS)
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, review_album=False)
    await prepare(settings)
    async with open_runtime(settings) as rt:
        async with running(rt) as pilot:
            app = pilot.app
            await press(pilot, "g", "enter")
            groups: Any = app.screen.groups
            assert len(groups.loaded) == GROUPS
            expected = {  # the other copy of each group, queued by keeping that group's keeper
                m.asset_id: g.keeper for g in groups.loaded for m in g.members if m.key != g.keeper
            }
            await pilot.press(*["a"] * GROUPS)  # without waiting for any of them
            await until(pilot, lambda: app.screen is groups, "the list after the last group")
            await settle(pilot)
            table = groups.table
            assert [str(table.get_row_at(r)[-1]) for r in range(GROUPS)] == ["trash 1"] * GROUPS
        noted = await rt.writeback.journal.trash_noted("review: kept ")
    assert len(noted) == GROUPS
    assert {asset: note.removeprefix("review: kept ") for asset, note, _ in noted} == expected


@pytest.mark.parametrize("size", SIZES)
async def test_a_burst_of_accepts_in_the_pairs_list_accepts_each_pair(
    analysed_photos: Path, settings: Settings, size: tuple[int, int]
) -> None:
    async with open_runtime(settings) as rt:
        async with running(rt, size) as pilot:
            await pilot.press("p")
            await settle(pilot)
            pairs: Any = pilot.app.screen
            count = len(pairs.loaded)
            assert count >= 2
            await pilot.press(*["a"] * count)
            await settle(pilot)
            states = [str(pairs.table.get_row_at(r)[3]) for r in range(count)]
            await pilot.press("home")
            await settle(pilot)
            shown = on_screen(pilot.app)
            assert shown.count("accepted") >= min(count, 3), shown  # whole, not "accepte"
            members = [frozenset(m.key for m in p.members) for p in pairs.loaded]
        decided = await rt.analysis.pair_decisions()
    assert states == ["accepted"] * count
    assert {k for k, (kind, _) in decided.items() if kind is PairDecision.ACCEPT} == set(members)
