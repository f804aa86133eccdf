"""The footer: a key not available now is dimmed in place (not hidden, the footer not made
again); the list's letters while its path field takes the text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.helpers.tui import running, settle


def footer_keys(app: Any) -> dict[str, FooterKey]:
    return {k.key: k for k in app.screen.query(FooterKey)}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_lists_keys_are_dimmed_while_the_path_field_takes_the_text(
    analysed_photos: Path, settings: Settings, size: tuple[int, int]
) -> None:
    async with open_runtime(settings) as rt, running(rt, size) as pilot:
        app = pilot.app
        await pilot.press("g")
        await settle(pilot)
        before = footer_keys(app)
        assert {"o", "t", "f", "slash", "A"} <= before.keys()
        assert not any(k.has_class("-disabled") for k in before.values())
        await pilot.press("slash")
        await settle(pilot)
        typing = footer_keys(app)
        assert typing == before  # the same keys, not made again
        for key in ("o", "t", "f", "slash", "A"):
            assert typing[key].has_class("-disabled"), key
        await pilot.press(*"Summer", "enter")
        await settle(pilot)
        after = footer_keys(app)
        assert after == before
        assert not any(k.has_class("-disabled") for k in after.values())
        assert app.screen.text == "Summer"
