"""Pillow's LANCZOS reduction of an 8-bit grayscale image, worked out with numpy: the same
numbers bit for bit, a few times faster for the many small views a fingerprint hashes.

Pillow resamples in fixed point: each output pixel is a sum of input pixels times integer
weights (the Lanczos weights scaled to 22 bits), rounded and clipped to 0-255 after each of
its two passes. The weights are worked out here the same way (cached per size), the sums are
matrix products in float64 (exact: they stay far below 2**53). Which pass Pillow makes first
is not documented, so every new pair of sizes is checked once against Pillow itself; a pair
that does not match is left to Pillow (`reduce` then answers None)."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
from PIL import Image

BITS = 22  # Pillow's PRECISION_BITS for 8-bit images
_HALF = float(1 << (BITS - 1))
_UNIT = 1.0 / (1 << BITS)  # a power of two: multiplying by it is exact


def _lanczos(x: float) -> float:
    if not -3.0 <= x < 3.0:
        return 0.0
    return _sinc(x) * _sinc(x / 3)


def _sinc(x: float) -> float:
    if x == 0.0:
        return 1.0
    x = x * math.pi
    return math.sin(x) / x


@lru_cache(maxsize=1024)  # sizes up to HASH_EDGE: some hundreds, 40 KB at most each
def weights(size: int, out: int) -> Any:
    """(size, out) matrix of Pillow's integer weights (as float64) reducing `size` pixels to
    `out`: column j holds the weights of output pixel j."""
    scale = size / out
    filterscale = max(scale, 1.0)
    support = 3.0 * filterscale
    step = 1.0 / filterscale
    matrix = np.zeros((size, out))
    for j in range(out):
        center = (j + 0.5) * scale
        first = max(int(center - support + 0.5), 0)
        count = min(int(center + support + 0.5), size) - first
        ws = [_lanczos((x + first - center + 0.5) * step) for x in range(count)]
        total = 0.0
        for w in ws:  # in order, as Pillow adds them (sum() may compensate)
            total += w
        for x, w in enumerate(ws):
            if total != 0.0:
                w /= total
            matrix[first + x, j] = math.trunc(w * (1 << BITS) + (-0.5 if w < 0 else 0.5))
    return matrix


def _round(sums: Any) -> Any:
    sums += _HALF
    sums *= _UNIT
    np.floor(sums, out=sums)
    return np.clip(sums, 0, 255, out=sums)


def _both(pixels: Any, width: int, height: int, vertical_first: bool) -> Any:
    h, w = pixels.shape
    across = weights(w, width) if w != width else None
    down = weights(h, height).T if h != height else None
    out = pixels
    if vertical_first and down is not None:
        out = _round(down @ out)
        down = None
    if across is not None:
        out = _round(out @ across)
    if down is not None:
        out = _round(down @ out)
    return out


@lru_cache(maxsize=8192)
def _order(h: int, w: int, width: int, height: int) -> bool | None:
    """Which pass first reproduces Pillow for these sizes (True: the vertical one), checked on
    noise; None when neither does (then Pillow does the work)."""
    noise = np.random.default_rng(h * 65536 + w).integers(0, 256, (h, w), dtype=np.uint8)
    want = np.asarray(Image.fromarray(noise).resize((width, height), Image.Resampling.LANCZOS))
    for vertical_first in (h - height > 2 * (w - width), h - height <= 2 * (w - width)):
        if np.array_equal(_both(noise.astype(np.float64), width, height, vertical_first), want):
            return vertical_first
    return None


def reduce(pixels: Any, width: int, height: int) -> Any | None:
    """`Image.fromarray(pixels).resize((width, height), LANCZOS)` of a 2-D array of 8-bit
    values (uint8, or float64 holding them), as a float64 array of whole numbers; None when
    these sizes are left to Pillow."""
    h, w = pixels.shape
    vertical_first = _order(h, w, width, height)
    if vertical_first is None:
        return None
    return _both(pixels.astype(np.float64, copy=False), width, height, vertical_first)


Box = tuple[int, int, int, int]  # left, top, right, bottom


def reduce_views(frame: Any, boxes: list[Box], width: int, height: int) -> list[Any | None]:
    """`reduce` of each box of `frame` (a 2-D float64 array of 8-bit values), None where
    Pillow is left to do it. The views whose horizontal pass comes first share one product
    for all their horizontal passes (each weight matrix placed at its view's columns: the
    zeros elsewhere add nothing) and one batched product for their vertical passes."""
    out: list[Any | None] = [None] * len(boxes)
    shared: list[int] = []
    for i, (left, top, right, bottom) in enumerate(boxes):
        h, w = bottom - top, right - left
        order = _order(h, w, width, height)
        if order is False and w != width and h != height:
            shared.append(i)
        elif order is not None:
            out[i] = _both(frame[top:bottom, left:right], width, height, order)
    if shared:
        views = tuple(boxes[i] for i in shared)
        across, down, column_set = _plan(views, frame.shape, width, height)
        rows = frame.shape[0]
        passed = _round(frame @ across).reshape(rows, -1, width).transpose(1, 0, 2)
        done = _round(np.matmul(down, passed[column_set]))
        for i, view in zip(shared, done, strict=True):
            out[i] = view
    return out


@lru_cache(maxsize=32)  # per frame shape (a few aspect ratios make most libraries): ~1 MB
def _plan(
    views: tuple[Box, ...], shape: tuple[int, int], width: int, height: int
) -> tuple[Any, Any, Any]:
    """For views of a frame of `shape`: the horizontal weights of each distinct column span
    side by side, each view's vertical weights at its rows, and which span each view has."""
    rows, cols = shape
    spans = sorted({(left, right) for left, _, right, _ in views})
    across = np.zeros((cols, len(spans) * width))
    for k, (left, right) in enumerate(spans):
        across[left:right, k * width : (k + 1) * width] = weights(right - left, width)
    down = np.zeros((len(views), height, rows))
    for k, (_, top, _, bottom) in enumerate(views):
        down[k, :, top:bottom] = weights(bottom - top, height).T
    column_set = np.array([spans.index((left, right)) for left, _, right, _ in views])
    return across, down, column_set
