"""The second, independent look at a near-duplicate candidate (pure): small grayscale
thumbnails compared by correlation.

Perceptual hashes keep a few low frequencies of an image and a median; the thumbnail keeps
the picture itself, at THUMB_EDGE x THUMB_EDGE (8-bit, the whole frame squashed to a square,
as the hashes see it). Two thumbnails are averaged down to COMPARE_EDGE cells a side and
compared by their correlation (Pearson), which a brightness or contrast edit leaves almost
unchanged, and which a recompression or a smaller copy changes by less than a percent. A
one-sided crop is compared with the matching window of the larger frame: the window is cut
from the same side, by amounts around the view's cut, and the best alignment counts.
Measured on the `eval` corpus: true copies score 0.975 or more; the stereo pair (two views of
one scene) at best 0.958, burst frames 0.948.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from math import sqrt

THUMB_EDGE = 32  # pixels a side of the stored thumbnail
COMPARE_EDGE = 12  # cells a side the thumbnails are averaged into before they are compared
CONFIRM_AT = 0.967  # the correlation a candidate needs to be confirmed
LOOSE_BITS = 2  # how much further than the hash thresholds a confirmed candidate may be
CUT_STEP = 0.005  # alignment search: the cut is tried in steps of half a percent ...
CUT_SPAN = 0.03  # ... up to 3% either side of the view's cut


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    TOP = "top"
    BOTTOM = "bottom"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A match the hashes alone are not enough for: a view of `a` (or its whole frame)
    against the whole frame of `b`."""

    a: str
    b: str
    phash: int
    dhash: int
    side: str = ""  # "" = whole frames
    cut: float = 0.0


Weights = list[list[tuple[int, float]]]


def _cells(lo: float, hi: float) -> Weights:
    """For each of COMPARE_EDGE cells over [lo, hi) of a thumbnail's THUMB_EDGE pixels: the
    pixels it covers and the share each contributes (area averaging)."""
    step = (hi - lo) / COMPARE_EDGE
    out: Weights = []
    for k in range(COMPARE_EDGE):
        a, b = lo + k * step, lo + (k + 1) * step
        parts = [(x, min(b, x + 1) - max(a, x)) for x in range(int(a), min(THUMB_EDGE, int(b) + 1))]
        parts = [(x, w) for x, w in parts if w > 1e-9]
        total = sum(w for _, w in parts)
        out.append([(x, w / total) for x, w in parts])
    return out


FULL = _cells(0.0, THUMB_EDGE)


def _reduce(thumb: bytes, rows: Weights, cols: Weights) -> list[float]:
    """The thumbnail averaged into COMPARE_EDGE x COMPARE_EDGE cells (rows, then columns)."""
    n = THUMB_EDGE
    lines = [[sum(thumb[y * n + x] * w for y, w in row) for x in range(n)] for row in rows]
    return [sum(line[x] * w for x, w in col) for line in lines for col in cols]


def correlation(a: Sequence[float], b: Sequence[float]) -> float:
    """Pearson correlation of two equally long sequences; 0 when either is flat."""
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    da = [x - ma for x in a]
    db = [y - mb for y in b]
    va, vb = sum(x * x for x in da), sum(y * y for y in db)
    if va <= 1e-9 or vb <= 1e-9:
        return 0.0
    return sum(x * y for x, y in zip(da, db, strict=True)) / sqrt(va * vb)


def _valid(thumb: bytes) -> bool:
    return len(thumb) == THUMB_EDGE * THUMB_EDGE


def likeness(a: bytes, b: bytes) -> float:
    """How alike two whole frames are (correlation of their reduced thumbnails)."""
    if not (_valid(a) and _valid(b)):
        return 0.0
    return correlation(_reduce(a, FULL, FULL), _reduce(b, FULL, FULL))


def _window(side: Side, cut: float) -> tuple[Weights, Weights]:
    """(rows, columns) weights of the window cut from `side` by `cut` of the frame."""
    n = float(THUMB_EDGE)
    lo, hi = (cut * n, n) if side in (Side.LEFT, Side.TOP) else (0.0, n - cut * n)
    cut_axis = _cells(lo, hi)
    return (FULL, cut_axis) if side in (Side.LEFT, Side.RIGHT) else (cut_axis, FULL)


def cropped_likeness(larger: bytes, cropped: bytes, side: Side, cut: float) -> tuple[float, float]:
    """(best correlation, the cut it was found at) of `cropped`'s whole frame with windows of
    `larger` cut from `side` by amounts within CUT_SPAN of `cut`."""
    if not (_valid(larger) and _valid(cropped)):
        return 0.0, cut
    target = _reduce(cropped, FULL, FULL)
    best = (0.0, cut)
    steps = round(CUT_SPAN / CUT_STEP)
    for k in range(-steps, steps + 1):
        trial = cut + k * CUT_STEP
        if trial < 0 or trial > 0.5:
            continue
        score = correlation(_reduce(larger, *_window(side, trial)), target)
        if score > best[0]:
            best = (score, trial)
    return best
