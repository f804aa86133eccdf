"""What a person chose in the review is what the next start of the app shows: two app runs,
each on its own runtime, on the same inventory files, against the test Immich."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from sidecar.runtime import open_runtime
from sidecar.tui.text import name_of
from tests.fake_immich import FakeImmich
from tests.helpers.tui import goto, open_group_of, press, running
from tests.helpers.writeback import library, prepare, settings_for


async def test_a_changed_primary_and_keeper_show_after_a_restart_and_reach_immich(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    """`c` on the RAW+JPEG pair and `k` on another member of a group; quit; a new app on the
    same files lists the chosen primary and keeper (not the suggested ones), its next `c`
    goes on from the chosen primary, and the plan and the apply stack the chosen primary
    on top in Immich."""
    key, assets = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, review_album=False)
    await prepare(settings)
    backup = assets["Backup/2019/Summer/astronaut.jpg"].id
    async with open_runtime(settings) as rt, running(rt) as pilot:
        await press(pilot, "p")
        pairs: Any = pilot.app.screen
        row = [p.kind for p in pairs.loaded].index("raw+jpeg")
        await goto(pilot, pairs.table, row)
        suggested = pairs.loaded[row]
        await press(pilot, "c")
        chosen = pairs.loaded[row].primary
        assert chosen != suggested.primary
        await press(pilot, "g", "t")  # exact groups
        view = await open_group_of(pilot, backup)
        group = view.group
        table = view.query_one(DataTable)
        row = next(r for r in range(table.row_count) if str(table.get_row_at(r)[0]) != "keep")
        await goto(pilot, table, row)  # a member the suggestion does not keep
        await press(pilot, "k")
        queued = await rt.writeback.journal.trash_decided()
        (kept,) = [m.key for m in group.members if m.asset_id not in queued]
        assert kept != group.keeper
        await press(pilot, "q", "q")  # back to the list, then quit

    async with open_runtime(settings) as rt, running(rt) as pilot:
        await press(pilot, "p")
        pairs = pilot.app.screen
        row = next(i for i, p in enumerate(pairs.loaded) if p.id == suggested.id)
        assert pairs.loaded[row].primary == chosen
        cells = [str(c) for c in pairs.table.get_row_at(row)]
        assert cells[2] == name_of(chosen, suggested.members)
        assert cells[3] == "primary set"
        await goto(pilot, pairs.table, row)
        await press(pilot, "c")  # the next member after the chosen one: the suggested again
        assert pairs.loaded[row].primary == suggested.primary
        await press(pilot, "c")
        assert pairs.loaded[row].primary == chosen
        await press(pilot, "u")  # taken back: the suggested primary shows again
        assert pairs.loaded[row].primary == suggested.primary
        assert [str(c) for c in pairs.table.get_row_at(row)][2:4] == [
            name_of(suggested.primary, suggested.members),
            "",
        ]
        await goto(pilot, pairs.table, row)  # u moved on to the next pair
        await press(pilot, "c")
        assert pairs.loaded[row].primary == chosen
        (said,) = [n.message for n in pilot.app._notifications]
        assert said == (
            f"{name_of(suggested.primary, suggested.members)} (raw+jpeg): "
            f"the primary is {name_of(chosen, suggested.members)} now"
        )
        await press(pilot, "g", "t")
        groups: Any = pilot.app.screen
        listed = next(i for i, g in enumerate(groups.loaded) if g.id == group.id)
        cells = [str(c) for c in groups.table.get_row_at(listed)]
        assert cells[groups.KEEPER_COLUMN] == name_of(kept, group.members)
        assert cells[groups.STATE_COLUMN] == f"trash {len(group.members) - 1}"

    async with open_runtime(settings) as rt:
        on_top = next(m.asset_id for m in suggested.members if m.key == chosen)
        pending = await rt.writeback.plan(refresh=False, trash_decided=True)
        stacks = [a for a in pending.plan.actions if a.category == "raw+jpeg"]
        assert [a.asset_ids[0] for a in stacks] == [on_top]  # the plan as things stand
        report = await rt.writeback.apply(await rt.writeback.plan(trash_decided=True))
        assert not report.failed
    stacked = [p for p, members in immich_v2.state.stacks.values() if on_top in members]
    assert stacked == [on_top]
    trashed = {a.id for a in immich_v2.state.assets.values() if a.is_trashed}
    assert trashed == {m.asset_id for m in group.members if m.key != kept}
