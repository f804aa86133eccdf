"""Every screen fits the terminal: nothing is laid out below the footer or beside the screen
(a screen that scrolls as a whole hides its title or its highlighted row), at 80x24 and
120x40, with lists longer than the screen."""

from __future__ import annotations

from typing import Any

import pytest

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.helpers.groups import many_groups
from tests.helpers.tui import running, settle


def fits(app: Any) -> str:
    screen = app.screen
    return f"{type(screen).__name__}: {screen.virtual_size} in {screen.size}"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_screen_fits_the_terminal(settings: Settings, size: tuple[int, int]) -> None:
    async with open_runtime(settings) as rt:
        await rt.analysis.replace_results(1, many_groups(150), [])
        async with running(rt, size) as pilot:
            app = pilot.app
            for keys in (
                ["d"],
                ["g"],
                ["end"],
                ["enter"],
                ["c"],
                ["escape", "escape", "p"],
                ["w"],
                ["question_mark"],
            ):
                await pilot.press(*keys)
                await settle(pilot)
                screen = app.screen
                assert screen.max_scroll_y == 0, fits(app)
                assert screen.max_scroll_x == 0, fits(app)
                if keys == ["question_mark"]:
                    await pilot.press("escape")
                    await settle(pilot)
