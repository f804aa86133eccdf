"""The group view shows what is decided: every member of a group of nine at 80x24 (and
120x40), the keeper first, a verdict per member that follows each decision, full capture times,
sizes as shown; the full-screen compare flips between the keeper and a member so a 4% crop or a
brightness edit shows; previews are drawn again for a new terminal size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.widgets import Static

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from sidecar.tui.app import Compare, GroupView
from tests.helpers.pictures import edits, nine_copies
from tests.helpers.tui import analysed, goto, on_screen, press, running, settle

SIZES = [(80, 24), (120, 40)]


def picture_text(app: Any, selector: str) -> list[str]:
    """A half-block picture's rows as text with their colours (what the terminal shows)."""
    rendered = app.screen.query_one(selector, Static).render()
    return [line.markup for line in rendered.split("\n") if line.plain]


@pytest.mark.parametrize("size", SIZES)
async def test_every_member_of_a_group_of_nine_is_shown_and_its_verdict_follows_decisions(
    tmp_path: Path, settings: Settings, size: tuple[int, int]
) -> None:
    names = nine_copies(tmp_path / "pics")
    async with analysed(settings, tmp_path / "pics") as rt, running(rt, size) as pilot:
        app = pilot.app
        await press(pilot, "g", "enter")
        view = app.screen
        assert isinstance(view, GroupView)
        assert len(view.group.members) == 9
        shown = on_screen(app)
        assert all(name in shown for name in names), shown  # every one, names whole
        assert shown.count("2021-05-06 07:08:09") == 9  # capture time to the second
        assert shown.count("48x64") == 9  # as shown: EXIF orientation 6 applied
        table = view.members
        assert view.rows[0].key == view.group.keeper
        marks = [str(table.get_row_at(r)[0]) for r in range(9)]
        assert marks == ["keep"] + [""] * 8
        await goto(pilot, table, 3)
        taken_out = view.rows[3]
        await press(pilot, "m")  # the verdict column follows the decision
        assert app.screen is view
        marks = [str(table.get_row_at(r)[0]) for r in range(9)]
        assert marks == ["keep", "", "", "out", "", "", "", "", ""]
        assert view.rows[3] == taken_out
        await press(pilot, "v")  # previews off: the table and reasons keep the room
        assert not view.query_one("#previews").display
        assert all(name in on_screen(app) for name in names)
        await press(pilot, "v")
        assert view.query_one("#previews").display
        await press(pilot, "u")
        marks = [str(table.get_row_at(r)[0]) for r in range(9)]
        assert marks == ["keep"] + [""] * 8


async def test_at_a_small_height_the_previews_make_room_for_every_member(
    tmp_path: Path, settings: Settings
) -> None:
    names = nine_copies(tmp_path / "pics")
    async with analysed(settings, tmp_path / "pics") as rt, running(rt, (80, 18)) as pilot:
        app = pilot.app
        await press(pilot, "g", "enter")
        view = app.screen
        assert isinstance(view, GroupView)
        assert not view.query_one("#previews").display  # off: they do not fit
        assert all(name in on_screen(app) for name in names)
        await press(pilot, "v")  # asked for: shown (the table scrolls)
        assert view.query_one("#previews").display
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert view.query_one("#previews").display
        assert all(name in on_screen(app) for name in names)


@pytest.mark.parametrize("size", SIZES)
async def test_compare_flips_between_the_keeper_and_a_member_full_screen(
    photos: Path, tmp_path: Path, settings: Settings, size: tuple[int, int]
) -> None:
    edits(photos, tmp_path / "pics")
    async with analysed(settings, tmp_path / "pics") as rt, running(rt, size) as pilot:
        app = pilot.app
        await press(pilot, "g", "enter")
        view = app.screen
        assert isinstance(view, GroupView)
        names = {m.key: (m.path or "").rsplit("/", 1)[-1] for m in view.rows}
        assert sorted(names.values()) == ["base.jpg", "bright.jpg", "crop.jpg"]
        for row in (1, 2):
            await goto(pilot, view.members, row)
            member = view.rows[row]
            await press(pilot, "c")
            compare = app.screen
            assert isinstance(compare, Compare)
            title = str(compare.query_one("#compare-title", Static).render())
            assert title.startswith(f"member {names[member.key]}")
            other = picture_text(app, "#compare-picture")
            assert len(other) >= size[1] - 3  # the whole height there is
            await press(pilot, "f")
            title = str(compare.query_one("#compare-title", Static).render())
            assert title.startswith(f"keeper {names[view.keeper.key]}")
            keeper = picture_text(app, "#compare-picture")
            assert len(keeper) == len(other)  # the same place, the same scale
            differ = sum(a != b for a, b in zip(keeper, other, strict=True))
            assert differ > len(keeper) // 2, names[member.key]  # the edit shows
            await press(pilot, "space")
            assert picture_text(app, "#compare-picture") == other
            await press(pilot, "escape")
            assert app.screen is view


async def test_a_new_terminal_size_draws_the_previews_again(
    photos: Path, tmp_path: Path, settings: Settings
) -> None:
    edits(photos, tmp_path / "pics")
    async with analysed(settings, tmp_path / "pics") as rt, running(rt, (80, 24)) as pilot:
        app = pilot.app
        await press(pilot, "g", "enter")
        assert isinstance(app.screen, GroupView)

        def widths(selector: str) -> set[int]:
            rendered = app.screen.query_one(selector, Static).render()
            return {len(line.plain) for line in rendered.split("\n") if line.plain}

        small = max(widths("#preview-left"))
        assert small <= 40
        await pilot.resize_terminal(160, 50)
        await settle(pilot)
        large = max(widths("#preview-left"))
        assert large > small
        assert large <= 80  # half the terminal: drawn for the new size, not wrapped
        await press(pilot, "c")
        assert isinstance(app.screen, Compare)
        wide = max(widths("#compare-picture"))
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert max(widths("#compare-picture")) < wide <= 160
        await press(pilot, "g")  # another screen's key: from the compare, to that screen
        assert type(app.screen).__name__ == "Groups"
        assert len(app.screen_stack) == 2


async def test_back_at_80x24_after_120x40_the_group_is_laid_out_as_at_first(
    analysed_photos: Path, settings: Settings
) -> None:
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await press(pilot, "g", "enter")
        view = app.screen
        assert isinstance(view, GroupView)
        parts = ("#group-title", "#members", "#previews", "#detail", "#reasons-box")

        def layout() -> list[Region]:
            return [view.query_one(p).region for p in parts]

        first, screen = layout(), on_screen(app)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert layout() != first
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert layout() == first
        assert on_screen(app) == screen  # no scrollbar left under the members
