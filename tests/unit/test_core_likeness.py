"""The second look at near-duplicate candidates (pure): small thumbnails compared by
correlation, whole frames and one-sided crops (synthetic thumbnails made in memory)."""

from __future__ import annotations

import math
from collections.abc import Callable

from sidecar.engine.core.likeness import (
    CONFIRM_AT,
    THUMB_EDGE,
    Side,
    correlation,
    cropped_likeness,
    likeness,
)

Scene = Callable[[float, float], float]


def scene(x: float, y: float) -> float:
    """A smooth picture over the unit square: a few blobs and a gradient, 0..1."""
    blobs = (
        math.exp(-((x - 0.3) ** 2 + (y - 0.4) ** 2) / 0.02)
        + 0.7 * math.exp(-((x - 0.75) ** 2 + (y - 0.7) ** 2) / 0.01)
        + 0.5 * math.exp(-((x - 0.6) ** 2 + (y - 0.2) ** 2) / 0.005)
    )
    return min(1.0, 0.2 * x + 0.1 * y + 0.6 * blobs)


def other(x: float, y: float) -> float:
    return 0.5 + 0.5 * math.sin(9 * x) * math.cos(7 * y)


def thumb(
    picture: Scene,
    box: tuple[float, float, float, float] = (0, 0, 1, 1),
    gain: float = 1.0,
    offset: float = 0.0,
) -> bytes:
    """THUMB_EDGE x THUMB_EDGE 8-bit samples of `picture` over `box` (left, top, right,
    bottom in the unit square), with a brightness gain and offset, clipped like a file's."""
    left, top, right, bottom = box
    n = THUMB_EDGE
    out = bytearray()
    for row in range(n):
        y = top + (row + 0.5) / n * (bottom - top)
        for col in range(n):
            x = left + (col + 0.5) / n * (right - left)
            value = 255 * (gain * picture(x, y) + offset)
            out.append(max(0, min(255, round(value))))
    return bytes(out)


def test_a_brightness_or_contrast_change_keeps_the_frames_alike() -> None:
    original = thumb(scene)
    assert likeness(original, original) > 0.999
    assert likeness(original, thumb(scene, gain=0.8)) > 0.99
    assert likeness(original, thumb(scene, gain=1.2, offset=-0.05)) > 0.99


def test_a_different_picture_is_not_alike() -> None:
    assert likeness(thumb(scene), thumb(other)) < 0.5


def test_a_flat_or_missing_thumbnail_confirms_nothing() -> None:
    flat = bytes([128]) * THUMB_EDGE**2
    assert likeness(thumb(scene), flat) == 0.0
    assert likeness(thumb(scene), b"") == 0.0
    assert cropped_likeness(thumb(scene), b"\x00" * 10, Side.LEFT, 0.04) == (0.0, 0.04)
    assert correlation([1.0, 2.0, 3.0], [2.0, 4.0, 6.0]) > 0.999


def test_a_copy_cut_from_one_side_matches_the_window_cut_from_that_side() -> None:
    original = thumb(scene)
    cases = (  # (side, the crop's box, its cut, the view whose hashes matched)
        (Side.LEFT, (0.07, 0, 1, 1), 0.07, 0.08),
        (Side.RIGHT, (0, 0, 0.95, 1), 0.05, 0.04),
        (Side.TOP, (0, 0.1, 1, 1), 0.1, 0.08),
        (Side.BOTTOM, (0, 0, 1, 0.97), 0.03, 0.04),
    )
    for side, box, expected, view in cases:
        cropped = thumb(scene, box)
        score, cut = cropped_likeness(original, cropped, side, view)
        assert score >= CONFIRM_AT, (side, score)
        assert abs(cut - expected) <= 0.01, (side, cut)
        # the same crop is worse aligned as a crop from the opposite side
        opposite = {Side.LEFT: Side.RIGHT, Side.RIGHT: Side.LEFT}.get(side)
        if opposite is not None:
            assert cropped_likeness(original, cropped, opposite, view)[0] < score


def test_a_shifted_scene_is_not_a_crop_of_the_other() -> None:
    """Two views of one scene, the second moved sideways by 12%: no window of the first
    within the search reaches the threshold (unlike a crop)."""

    def moved(x: float, y: float) -> float:
        return scene(x + 0.12, y) if x + 0.12 <= 1 else other(x, y)

    score, _ = cropped_likeness(thumb(scene), thumb(moved), Side.LEFT, 0.04)
    assert score < CONFIRM_AT
