"""Keys typed faster than decisions are recorded: every key press is one decision, recorded
in the order pressed, on the group or pair current when it was pressed (at 80x24 and
120x40)."""

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
from tests.helpers.tui import running, settle, until

SIZES = [(80, 24), (120, 40)]
GROUPS = 50


def copies(root: Path, count: int) -> None:
    """`count` different pictures (noise), each in two folders: `count` exact groups."""
    rng = random.Random(15)
    for i in range(count):
        img = Image.new("RGB", (32, 32))
        img.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(32 * 32)])
        for folder in ("a", "b"):
            (root / folder).mkdir(parents=True, exist_ok=True)
            img.save(root / folder / f"noise-{i:02}.png")


def on_screen(app: Any) -> str:
    """The terminal's text, line by line, as a person sees it."""
    lines = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in lines)


@pytest.mark.parametrize("size", SIZES)
async def test_a_burst_of_decisions_in_the_group_view_is_every_decision_in_order(
    tmp_path: Path, settings: Settings, size: tuple[int, int]
) -> None:
    copies(tmp_path / "pics", GROUPS)
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([tmp_path / "pics"])
        await rt.analyze.analyze()
        async with running(rt, size) as pilot:
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


@pytest.mark.parametrize("size", SIZES)
async def test_a_burst_of_accepts_in_the_pairs_list_accepts_each_pair(
    photos: Path, settings: Settings, size: tuple[int, int]
) -> None:
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([photos])
        await rt.analyze.analyze()
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
