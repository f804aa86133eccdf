"""The footer: a key not available now is dimmed in place (not hidden, the footer not made
again); the list's letters while its path field takes the text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from sidecar.tui.app import GroupView
from sidecar.tui.widgets.keys import keys_shown
from tests.fake_immich import FakeImmich
from tests.helpers.tui import on_screen, press, running, settle
from tests.helpers.writeback import library, prepare, settings_for


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


async def test_a_groups_footer_at_80_columns_shows_every_key_whole_and_the_way_back(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    await prepare(settings)
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await press(pilot, "g", "enter")
        assert isinstance(app.screen, GroupView)
        footer = on_screen(app).splitlines()[-1]
        shown = keys_shown(app.screen)
        assert {k[0] for k, _ in shown} >= {"a", "k", "s", "escape"}  # Immich: all offered
        for (key_name, label, _, _), _ in shown:
            shown_key = "esc" if key_name == "escape" else key_name
            assert f"{shown_key} {label}" in footer, (label, footer)
        assert footer.rstrip().endswith("esc Back"), footer
