"""Keys sent together (as a terminal pastes them, or `tmux send-keys` sends them): none is
dropped while a screen opens. A decision pressed while a group's screen loads is that group's,
in order; text typed right after `/` is the path filter's (at 80x24 and 120x40)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from sidecar.tui.app import GroupView
from sidecar.tui.screens.paged import PAGE
from tests.helpers.groups import many_groups
from tests.helpers.tui import at_once, running, settle

SIZES = [(80, 24), (120, 40)]


def title(app: Any) -> str:
    return str(app.screen.query_one("#groups-title", Static).render())


def group_title(app: Any) -> str:
    return str(app.screen.query_one("#group-title", Static).render())


@pytest.mark.parametrize("size", SIZES)
async def test_a_decision_pressed_with_enter_is_the_opened_groups(
    analysed_photos: Path, settings: Settings, size: tuple[int, int]
) -> None:
    async with open_runtime(settings) as rt:
        async with running(rt, size) as pilot:
            app = pilot.app
            await pilot.press("g")
            await settle(pilot)
            groups: Any = app.screen
            total = len(groups.loaded)
            assert total >= 3
            await pilot.press("d")
            await settle(pilot)
            await at_once(pilot, "g", "enter", "x", "x")  # from the dashboard: the third
            assert isinstance(app.screen, GroupView)
            assert f"3 of {total}" in group_title(app)
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("home")
            await settle(pilot)
            await at_once(pilot, "enter", "n")  # no pause for the group to load
            assert isinstance(app.screen, GroupView)
            assert app.screen.index == 1  # "n" decided the first group, the second is open
            assert f"2 of {total}" in group_title(app)
            await pilot.press("escape")
            await settle(pilot)
            assert str(groups.table.get_row_at(0)[-1]) == "not dup"
            await pilot.press("home")
            await settle(pilot)
            await at_once(pilot, "enter", "x", "x")  # skipped twice: the third group
            assert isinstance(app.screen, GroupView)
            assert f"3 of {total}" in group_title(app)
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("home", "down", "enter", "x", "n", "n")  # the pilot's way too
            await settle(pilot)
            assert isinstance(app.screen, GroupView)
            assert f"5 of {total}" in group_title(app)
            decided = [sorted(m.key for m in groups.loaded[r].members) for r in (0, 2, 3)]
        decisions = await rt.analysis.decisions()
    assert decisions == [("not_duplicates", keys) for keys in decided]


@pytest.mark.parametrize("size", SIZES)
async def test_text_typed_right_after_slash_is_the_path_filters(
    analysed_photos: Path, settings: Settings, size: tuple[int, int]
) -> None:
    async with open_runtime(settings) as rt, running(rt, size) as pilot:
        app = pilot.app
        await pilot.press("g")
        await settle(pilot)
        groups: Any = app.screen
        await at_once(pilot, "/", *"zzz", "enter")  # no pause for the field
        assert app.screen is groups  # no group opened
        assert 'path "zzz"' in title(app)
        assert "No group in this view" in title(app)
        assert not groups.query_one("#find").display
        await pilot.press("escape")
        await settle(pilot)
        assert 'path "' not in title(app)
        await at_once(pilot, "/", *"EXPORTS", "enter")  # capitals: not the app's keys
        assert app.screen is groups
        assert 'path "EXPORTS"' in title(app)
        assert groups.table.has_focus
        assert len(groups.loaded) >= 1
        await pilot.press("escape", "slash", *"zzz", "enter")  # the pilot's way too
        await settle(pilot)
        assert app.screen is groups
        assert 'path "zzz"' in title(app)


@pytest.mark.parametrize("size", SIZES)
async def test_keys_sent_with_the_first_visit_to_the_list_wait_for_its_first_page(
    analysed_photos: Path, settings: Settings, size: tuple[int, int]
) -> None:
    """From the dashboard, the list never shown yet: `g enter n` opens the first group and
    records "not duplicates" about it (enter and n wait for the first page, not dropped)."""
    async with open_runtime(settings) as rt:
        async with running(rt, size) as pilot:
            app = pilot.app
            await at_once(pilot, "g", "enter", "n")
            assert isinstance(app.screen, GroupView)
            assert app.screen.index == 1  # the first group decided, the second open
            first = sorted(m.key for m in app.screen.groups.loaded[0].members)
        decisions = await rt.analysis.decisions()
    assert decisions == [("not_duplicates", first)]


async def test_a_path_typed_with_the_first_visit_to_the_list_filters_it(
    analysed_photos: Path, settings: Settings
) -> None:
    """`g / zzz enter` sent at once from the dashboard: the text is the path filter's (the keys
    went to the dashboard before `g` switched screens) and no group opens."""
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await at_once(pilot, "g", "/", *"zzz", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, GroupView)
        assert 'path "zzz"' in title(app)


async def test_enter_sent_with_a_new_path_filter_opens_a_group_of_the_filtered_view(
    analysed_photos: Path, settings: Settings
) -> None:
    """`/ name enter enter` at once (a file name of the last group): the second enter waits
    for the filtered rows and opens the first of them, not the first row of the view shown
    before (still on screen while the filtered one is read)."""
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await pilot.press("g")
        await settle(pilot)
        groups: Any = app.screen
        first = " ".join(m.path.lower() for m in groups.loaded[0].members)
        name = next(
            Path(m.path).name
            for m in groups.loaded[-1].members
            if Path(m.path).name.lower() not in first
        )
        await at_once(pilot, "/", *name, "enter", "enter")
        assert isinstance(app.screen, GroupView), (name, title(app), groups.text)
        opened = app.screen.group
        assert opened is groups.loaded[0]
        assert any(name.lower() in m.path.lower() for m in opened.members)


async def test_accept_all_sent_with_a_new_path_filter_is_about_the_filtered_view(
    analysed_photos: Path, settings: Settings
) -> None:
    """`/ Exports enter A` at once: A is about the filtered view (its groups counted), not
    the view shown before. Local mode: every group is skipped, and counted."""
    async with open_runtime(settings) as rt:
        async with running(rt) as pilot:
            app = pilot.app
            await pilot.press("g")
            await settle(pilot)
            groups: Any = app.screen
            every = len(groups.loaded)
            await at_once(pilot, "/", *"Exports", "enter", "A")
            await settle(pilot)
            shown = len(groups.loaded)
            assert 0 < shown < every
            (note,) = app._notifications
            assert 'path "Exports"' in note.message
            assert f"{shown} skipped" in note.message, note.message
        assert await rt.analysis.decisions() == []


async def test_keys_sent_with_g_after_a_path_filters_enter_are_the_lists(
    analysed_photos: Path, settings: Settings
) -> None:
    """From the dashboard, `g / name enter enter` opens the first group of the filtered view
    and `g / name enter A` asks about it (the keys went to the dashboard first)."""
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await at_once(pilot, "g", "/", *"Exports", "enter", "enter")
        assert isinstance(app.screen, GroupView)
        opened = app.screen.group
        assert any("exports" in m.path.lower() for m in opened.members)
        groups: Any = app.screen.groups
        assert opened is groups.loaded[0]
        await pilot.press("escape", "escape")  # back to the list, its filter cleared
        await settle(pilot)
        assert groups.text == ""
        await pilot.press("d")
        await settle(pilot)
        await at_once(pilot, "g", "/", *"Summer", "enter", "A")
        await settle(pilot)
        shown = len(groups.loaded)
        (note,) = app._notifications
        assert 'path "Summer"' in note.message
        assert f"{shown} skipped" in note.message, note.message
        assert groups.text == "Summer"


@pytest.mark.parametrize("size", SIZES)
async def test_pagedowns_sent_together_go_past_the_rows_read_so_far(
    settings: Settings, size: tuple[int, int]
) -> None:
    """Six pagedowns in one go move six pages, reading the pages they reach on the way (none
    stops at the end of the rows read so far); six pageups come back to the first row."""
    async with open_runtime(settings) as rt:
        await rt.analysis.replace_results(1, many_groups(3 * PAGE), [])
        async with running(rt, size) as pilot:
            app = pilot.app
            await pilot.press("g")
            await settle(pilot)
            groups: Any = app.screen
            table = groups.table
            page = table.scrollable_content_region.height - 1
            await at_once(pilot, *["pagedown"] * 6)
            at = groups.base + table.cursor_row
            assert at >= min(6 * (page - 1), 3 * PAGE - 1), (at, page)
            assert f"{at + 1:,} of {3 * PAGE:,}" in title(app)
            await at_once(pilot, "down", "down")
            assert groups.base + table.cursor_row == at + 2
            await at_once(pilot, *["pageup"] * 8)
            assert groups.base + table.cursor_row == 0
