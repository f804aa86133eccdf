"""The app driven with Textual's pilot in an 80x24 terminal, on an inventory the test made."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual import events
from textual.widgets import DataTable

from sidecar.runtime import Runtime, open_runtime
from sidecar.settings import Settings
from sidecar.tui.app import GroupView, SidecarApp

SIZE = (80, 24)


async def settle(pilot: Any) -> None:
    """Wait until the workers started so far have ended (a failed one too: the app shows its
    failure, as a person would see it)."""
    await pilot.pause()
    await asyncio.gather(*(w.wait() for w in pilot.app.workers), return_exceptions=True)
    await pilot.pause()


async def press(pilot: Any, *keys: str) -> None:
    """Press keys, then wait until what they started has finished."""
    await pilot.press(*keys)
    await settle(pilot)


@asynccontextmanager
async def analysed(settings: Settings, *paths: Path) -> AsyncIterator[Runtime]:
    """A runtime on `settings` with `paths` scanned and analysed (local mode): what the app
    reviews. Open the app on it with `running`."""
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths(list(paths))
        await rt.analyze.analyze()
        yield rt


@asynccontextmanager
async def running(rt: Any, size: tuple[int, int] = SIZE) -> AsyncIterator[Any]:
    """The app on `rt` in an 80x24 terminal (or `size`), its first screen ready: the pilot."""
    app = SidecarApp(rt)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield pilot


async def at_once(pilot: Any, *keys: str) -> None:
    """Send keys the way a terminal delivers a paste or `tmux send-keys`: every key queued
    before any is handled, then wait until what they started has finished.

    `pilot.press` waits for the app to be idle after each key, so a screen it opens is
    always ready for the next one; the keys go through the driver's queue instead (its
    private `_driver`, as the terminal's input thread hands them over) to test what a person
    sees when a screen is still opening as the next key arrives."""
    for key in keys:
        char = key if len(key) == 1 else None
        name = {"/": "slash"}.get(key, key)
        event = events.Key(name, char)
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)
    await settle(pilot)


async def until(pilot: Any, check: Any, what: str) -> None:
    """Wait for a condition (e.g. a confirmation shown by a worker that waits on it)."""
    for _ in range(300):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def on_screen(app: Any) -> str:
    """The terminal's text, line by line, as a person sees it."""
    lines = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in lines)


async def goto(pilot: Any, table: DataTable[Any], row: int) -> None:
    """Move a table's cursor to `row` with the arrow keys."""
    while table.cursor_row != row:
        await pilot.press("down" if table.cursor_row < row else "up")


async def open_group_of(pilot: Any, asset_id: str) -> GroupView:
    """From the groups list, open (with the keyboard) the group that has this asset."""
    groups: Any = pilot.app.screen
    row = next(
        i for i, g in enumerate(groups.loaded) if asset_id in {m.asset_id for m in g.members}
    )
    await goto(pilot, groups.query_one(DataTable), row)
    await press(pilot, "enter")
    view = pilot.app.screen
    assert isinstance(view, GroupView)
    return view
