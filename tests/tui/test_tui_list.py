"""The groups and pairs lists at scale, driven with Textual's pilot at 80x24 and 120x40: the
decided-state and path filters, the position with the real total, home and end (end reads
the last page only), and accepting every suggested keeper of a view at once (and taking the
batch back), against a real inventory and the test Immich."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from sidecar.engine.services.keepers import BATCH_NOTE
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from sidecar.tui.app import Confirm
from sidecar.tui.screens.paged import PAGE
from tests.fake_immich import FakeImmich
from tests.helpers import LIB
from tests.helpers.groups import many_groups
from tests.helpers.tui import press, running, settle, until
from tests.helpers.writeback import library, prepare, settings_for

SIZES = [(80, 24), (120, 40)]


def title(app: Any) -> str:
    return str(app.screen.query_one("#groups-title", Static).render())


def rows(app: Any) -> int:
    return int(app.screen.query_one(DataTable).row_count)


@pytest.mark.parametrize("size", SIZES)
async def test_filters_position_and_bulk_accept_of_a_view(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, size: tuple[int, int]
) -> None:
    key, assets = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, stacks=[], review_album=False)
    await prepare(settings)
    backup = assets["Backup/2019/Summer/astronaut.jpg"].id
    async with open_runtime(settings) as rt:
        journal = rt.review.journal
        await rt.writeback.decide_trash([backup], "a person")  # exact 1 decided before
        async with running(rt, size) as pilot:
            app = pilot.app
            await press(pilot, "g")
            assert "all tiers · all · by reclaim · 1 of 5" in title(app)
            await press(pilot, "down")
            assert "2 of 5" in title(app)  # follows the cursor
            await press(pilot, "f")  # undecided
            assert "· undecided ·" in title(app)
            assert "1 of 4" in title(app)
            assert rows(app) == 4
            await press(pilot, "f")  # decided
            assert "1 of 1" in title(app)
            assert str(app.screen.query_one(DataTable).get_row_at(0)[-1]) == "trash 1"
            await press(pilot, "f")  # all again
            await press(pilot, "slash", *"EXPORTS", "enter")  # any case
            assert 'path "EXPORTS"' in title(app)
            assert "1 of 2" in title(app)
            assert rows(app) == 2
            assert app.screen.query_one(DataTable).has_focus
            await press(pilot, "escape")  # clears the path filter
            assert "1 of 5" in title(app)
            await press(pilot, "o")  # sorted by a column it shows
            assert "by date" in title(app)
            await press(pilot, "t")  # exact: the decided group and an undecided one
            assert "exact · all · by date · 1 of 2" in title(app)

            await pilot.press("A")
            await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirmation")
            question = str(app.screen.query_one("#question", Static).render())
            warned = [str(w.render()) for w in app.screen.query(".confirm-warning")]
            assert warned[0].startswith("⚠ 1 asset to trash is in an external library")
            assert warned[1].startswith(f"⚠ 1 asset in {LIB}/")
            assert "1 undecided group (exact · all)" in question
            assert "1 asset to Immich's trash queue" in question
            assert "skipped: 1 group: a person already decided" in question
            await press(pilot, "n")  # nothing recorded
            assert set(await journal.trash_decided()) == {backup}

            await pilot.press("A")
            await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirmation")
            await press(pilot, "y")
            noted = {a: n for a, n, _ in await journal.trash_noted("")}
            assert noted.pop(backup) == "a person"  # the decided group is left alone
            assert list(noted.values()) == [f"{BATCH_NOTE}1"]
            states = [str(app.screen.query_one(DataTable).get_row_at(r)[-1]) for r in (0, 1)]
            assert states == ["trash 1", "trash 1"]  # the list shows the batch at once

            await pilot.press("U")  # the whole batch back
            await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirmation")
            asked = str(app.screen.query_one("#question", Static).render())
            assert "keepers batch 1 (1 group, 1 asset in the trash queue)?" in asked
            await press(pilot, "y")
            assert set(await journal.trash_decided()) == {backup}
            await press(pilot, "U")  # nothing left to take back: said, nothing asked
            assert not isinstance(app.screen, Confirm)
    assert not any(a.is_trashed for a in immich_v2.state.assets.values())  # decisions only


@pytest.mark.parametrize("size", SIZES)
async def test_home_and_end_go_over_the_whole_list_reading_one_page(
    settings: Settings, size: tuple[int, int]
) -> None:
    total = 450  # more than two pages (the path filter below counts on 450)
    assert total > 2 * PAGE
    async with open_runtime(settings) as rt:
        await rt.analysis.replace_results(1, many_groups(total), [])
        async with running(rt, size) as pilot:
            app = pilot.app
            await press(pilot, "g")
            screen = app.screen
            assert f"1 of {total:,}" in title(app)
            await press(pilot, "end")
            assert f"{total:,} of {total:,}" in title(app)
            assert screen.base > 0
            assert len(screen.loaded) <= PAGE + 20  # the last page, not every page
            assert screen.loaded[-1].reclaim == 1  # the smallest comes last
            await press(pilot, "up")
            assert f"{total - 1:,} of {total:,}" in title(app)
            first_base = screen.base
            for _ in range(12):  # up to the start of what is loaded: the page before it
                await press(pilot, "pageup")
            assert screen.base < first_base
            at = screen.base + screen.query_one(DataTable).cursor_row + 1
            assert f"{at:,} of {total:,}" in title(app)
            assert screen.loaded[screen.query_one(DataTable).cursor_row].reclaim == total - at + 1
            await press(pilot, "home")
            assert f"1 of {total:,}" in title(app)
            assert screen.base == 0
            assert screen.loaded[0].reclaim == total
            await press(pilot, "slash", *"/p/4", "home", "end")  # in the field: its own
            assert app.screen.query_one("#find").has_focus
            await press(pilot, "enter")
            assert "1 of 61" in title(app)  # /p/4/, /p/40/ to /p/49/, /p/400/ to /p/449/


@pytest.mark.parametrize("size", SIZES)
async def test_pairs_show_the_position_and_go_home_and_end(
    analysed_photos: Path, settings: Settings, size: tuple[int, int]
) -> None:
    async with open_runtime(settings) as rt:
        total = sum((await rt.analysis.pair_counts()).values())
        assert total > 1
        async with running(rt, size) as pilot:
            app = pilot.app
            await press(pilot, "p")
            shown = app.screen.query_one("#pairs-title", Static)
            assert f"1 of {total:,}" in str(shown.render())
            await press(pilot, "end")
            assert f"{total:,} of {total:,}" in str(shown.render())
            await press(pilot, "home")
            assert f"1 of {total:,}" in str(shown.render())
            await settle(pilot)
