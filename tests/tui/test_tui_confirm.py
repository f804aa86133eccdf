"""Confirmations fit the terminal however long they are (80x24 and 120x40): warnings first,
the body scrolls with the arrow and page keys, the yes/no line is always on screen, and y and
n still answer."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from sidecar.tui.app import Confirm
from tests.helpers.tui import on_screen, running, settle

SIZES = [(80, 24), (120, 40)]
LONG = "\n".join(f"line {n:03} of the question" for n in range(1, 201))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("answer", ["y", "n"])
async def test_a_200_line_question_scrolls_and_its_yes_no_line_stays(
    settings: Settings, size: tuple[int, int], answer: str
) -> None:
    answers: list[bool | None] = []
    async with open_runtime(settings) as rt, running(rt, size=size) as pilot:
        app = pilot.app
        warnings = ["2 of the assets belong to an external library"]
        app.push_screen(Confirm(LONG, warnings=warnings, prompt="Go on?"), answers.append)
        await settle(pilot)
        shown = on_screen(app)
        assert len(shown.splitlines()) == size[1]  # nothing is drawn below the terminal
        assert "Go on?   y yes    n no" in shown
        assert "⚠ 2 of the assets belong to an external library" in shown  # first
        assert shown.index("external library") < shown.index("line 001")
        assert "line 200" not in shown
        body = app.screen.query_one("#confirm-body", VerticalScroll)
        assert body.has_focus
        await pilot.press("pagedown", "down")
        await settle(pilot)
        assert body.scroll_y > 0
        await pilot.press("end")
        await settle(pilot)
        shown = on_screen(app)
        assert "line 200" in shown  # the end ...
        assert "y yes" in shown  # ... and still the keys
        await pilot.press(answer)
        await settle(pilot)
        assert answers == [answer == "y"]
        assert not isinstance(app.screen, Confirm)


async def test_a_short_question_is_as_before(settings: Settings) -> None:
    answers: list[bool | None] = []
    async with open_runtime(settings) as rt, running(rt) as pilot:
        pilot.app.push_screen(Confirm("Undo run #1?"), answers.append)
        await settle(pilot)
        shown = on_screen(pilot.app)
        assert "Undo run #1?" in shown
        assert "y yes" in shown
        assert "⚠" not in shown
        await pilot.press("escape")
        await settle(pilot)
    assert answers == [False]
