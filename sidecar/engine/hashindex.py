"""All pairs of 64-bit hashes within a Hamming distance, without comparing all pairs.

Multi-index hashing: split the 64 bits into r+1 blocks; two hashes within distance r agree
exactly on at least one block (pigeonhole), so only hashes sharing a block value are compared.
Identical hashes are collapsed first (blank frames and exact copies would otherwise make
huge buckets). Vectorised with numpy; pure computation, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

U64 = np.uint64
MAX_BUCKET_PAIRS = 2_000_000  # pairs generated per step inside one bucket


def _blocks(radius: int) -> list[tuple[int, int]]:
    """(shift, width) of r+1 blocks covering 64 bits."""
    count = radius + 1
    widths = [64 // count + (1 if i < 64 % count else 0) for i in range(count)]
    out, shift = [], 0
    for width in widths:
        out.append((shift, width))
        shift += width
    return out


def _bucket_pairs(order: npt.NDArray[np.int64], starts: npt.NDArray[np.int64],
                  sizes: npt.NDArray[np.int64]) -> list[npt.NDArray[np.int64]]:  # fmt: skip
    """Index pairs (as two stacked rows) of every two members of every bucket."""
    out: list[npt.NDArray[np.int64]] = []
    for size in np.unique(sizes):
        if size < 2:
            continue
        first = starts[sizes == size]
        iu, ju = np.triu_indices(int(size), k=1)
        step = max(1, MAX_BUCKET_PAIRS // len(iu))
        for k in range(0, len(first), step):
            base = first[k : k + step][:, None]
            out.append(np.stack([order[(base + iu).ravel()], order[(base + ju).ravel()]]))
    return out


def pairs_within(hashes: Sequence[int], radius: int) -> list[tuple[int, int, int]]:
    """(i, j, distance) for every i < j whose unsigned 64-bit hashes differ in <= radius bits."""
    if len(hashes) < 2:
        return []
    values = np.array(hashes, dtype=U64)
    uniq, inverse = np.unique(values, return_inverse=True)
    found: list[npt.NDArray[np.int64]] = []
    for shift, width in _blocks(radius):
        keys = (uniq >> U64(shift)) & U64((1 << width) - 1)
        order = np.argsort(keys, kind="stable").astype(np.int64)
        sorted_keys = keys[order]
        cuts = np.flatnonzero(np.diff(sorted_keys)) + 1
        starts = np.concatenate(([0], cuts)).astype(np.int64)
        sizes = np.diff(np.concatenate((starts, [len(order)]))).astype(np.int64)
        for pair in _bucket_pairs(order, starts, sizes):
            dist = np.bitwise_count(uniq[pair[0]] ^ uniq[pair[1]])
            keep = dist <= radius
            lo = np.minimum(pair[0][keep], pair[1][keep])
            hi = np.maximum(pair[0][keep], pair[1][keep])
            found.append(lo * len(uniq) + hi)
    out: list[tuple[int, int, int]] = []
    members: dict[int, list[int]] = {}
    for index, u in enumerate(inverse.tolist()):
        members.setdefault(u, []).append(index)
    for group in members.values():  # identical hashes: distance 0
        out += [(a, b, 0) for n, a in enumerate(group) for b in group[n + 1 :]]
    if found:
        codes = np.unique(np.concatenate(found))
        lo, hi = codes // len(uniq), codes % len(uniq)
        dist = np.bitwise_count(uniq[lo] ^ uniq[hi])
        for a, b, d in zip(lo.tolist(), hi.tolist(), dist.tolist(), strict=True):
            for i in members[a]:
                for j in members[b]:
                    out.append((min(i, j), max(i, j), int(d)))
    return out
