"""A picture's size as shown (core/media.displayed_size): values in, values out."""

from __future__ import annotations

import pytest

from sidecar.engine.core.media import displayed_size


@pytest.mark.parametrize("orientation", [None, 1, "1", "2", "3", "4", "", "junk"])
def test_upright_orientations_keep_width_and_height(orientation: str | int | None) -> None:
    assert displayed_size(4000, 3000, orientation) == (4000, 3000)


@pytest.mark.parametrize("orientation", [5, "6", "7", 8])
def test_quarter_turns_swap_width_and_height(orientation: str | int) -> None:
    assert displayed_size(4000, 3000, orientation) == (3000, 4000)


def test_an_unknown_side_is_no_size() -> None:
    assert displayed_size(None, 3000, "6") is None
    assert displayed_size(4000, 0, None) is None
