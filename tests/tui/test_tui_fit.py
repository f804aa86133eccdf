"""Every screen fits the terminal: nothing is laid out below the footer or beside the screen
(a screen that scrolls as a whole hides its title or its highlighted row), at 80x24 and
120x40, with lists longer than the screen."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.helpers.groups import many_groups
from tests.helpers.tui import analysed, on_screen, press, running, settle


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


async def test_the_pairs_paths_are_cut_in_the_folder_never_in_the_file_name(
    sample_library: Path, tmp_path: Path, settings: Settings
) -> None:
    """A path longer than the screen is cut in its folder's middle, as the group view does
    (it was wrapped inside the file name: `…/chelsea_edited.` then `jpg`)."""
    deep = tmp_path / ("a-folder-with-a-rather-long-name/" * 3) / "photos"
    shutil.copytree(sample_library, deep)
    async with analysed(settings, deep) as rt, running(rt) as pilot:
        app = pilot.app
        await press(pilot, "p")
        for row in range(3):
            pair = app.screen.loaded[row]
            await press(pilot, *(["down"] if row else []))
            lines = on_screen(app).splitlines()
            for member in pair.members:
                name = Path(member.path).name
                shown = [x.rstrip() for x in lines if x.rstrip().endswith(f"/{name}")]
                assert shown, (name, lines)
                assert shown[0].lstrip("▸ ").startswith("/"), shown  # one line, from its start
                assert "…" in shown[0]  # cut in the folder
