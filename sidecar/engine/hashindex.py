"""All pairs of 64-bit hashes within a Hamming distance, without comparing all pairs.

Multi-index hashing, generalised: split the 64 bits into m blocks. Two hashes within distance
r differ in at most r blocks, so they agree exactly on at least k = m - r of them (pigeonhole).
For every combination of k blocks the hashes are bucketed by those bits, and only hashes
sharing a bucket are compared. m is chosen per run by a cost model (more tables vs fewer
candidates): r=6 over 1M hashes uses 9 blocks, triples as keys. Identical hashes are
collapsed first (blank frames and exact copies would otherwise make huge buckets).
Vectorised with numpy; pure computation, no I/O.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

U64 = np.uint64
I64 = npt.NDArray[np.int64]
MAX_BUCKET_PAIRS = 2_000_000  # pairs generated per step inside one bucket


SORT_COST = 1.2e-7  # seconds per hash and table (argsort and bucketing), measured roughly
PAIR_COST = 2.5e-8  # seconds per candidate pair (gather, xor, popcount)


def _blocks(count: int) -> list[tuple[int, int]]:
    """(shift, width) of `count` blocks covering 64 bits."""
    widths = [64 // count + (1 if i < 64 % count else 0) for i in range(count)]
    out, shift = [], 0
    for width in widths:
        out.append((shift, width))
        shift += width
    return out


def plan(n: int, radius: int) -> tuple[int, int]:
    """(blocks m, blocks per key k = m - r) with the lowest estimated cost for n hashes."""
    best: tuple[float, int, int] | None = None
    for m in range(radius + 1, min(radius + 7, 64) + 1):
        k = m - radius
        tables = math.comb(m, k)
        key_bits = 64 * k / m
        cost = tables * (n * SORT_COST + n * n / 2 / 2**key_bits * PAIR_COST)
        if best is None or cost < best[0]:
            best = (cost, m, k)
    assert best is not None
    return best[1], best[2]


def _keys(
    uniq: npt.NDArray[np.uint64], blocks: list[tuple[int, int]], chosen: tuple[int, ...]
) -> npt.NDArray[np.uint64]:
    key = np.zeros(len(uniq), dtype=U64)
    for b in chosen:
        shift, width = blocks[b]
        key = (key << U64(width)) | ((uniq >> U64(shift)) & U64((1 << width) - 1))
    return key


def _bucket_pairs(
    order: npt.NDArray[np.int64], starts: npt.NDArray[np.int64], sizes: npt.NDArray[np.int64]
) -> list[npt.NDArray[np.int64]]:
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
    m, k = plan(len(uniq), radius)
    blocks = _blocks(m)
    for chosen in itertools.combinations(range(m), k):
        keys = _keys(uniq, blocks, chosen)
        order = np.argsort(keys).astype(np.int64)
        sorted_keys = keys[order]
        cuts = np.flatnonzero(np.diff(sorted_keys)) + 1
        starts = np.concatenate(([0], cuts)).astype(np.int64)
        sizes = np.diff(np.concatenate((starts, [len(order)]))).astype(np.int64)
        for pair in _bucket_pairs(order, starts, sizes):
            dist = np.bitwise_count(uniq[pair[0]] ^ uniq[pair[1]])
            keep = dist <= radius
            if keep.any():
                lo = np.minimum(pair[0][keep], pair[1][keep])
                hi = np.maximum(pair[0][keep], pair[1][keep])
                found.append(np.unique(lo * len(uniq) + hi))
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


def pairs_between(
    new: Sequence[int] | npt.NDArray[np.uint64],
    known: Sequence[int] | npt.NDArray[np.uint64],
    radius: int,
) -> list[tuple[int, int, int]]:
    """(i, j, distance) for every new[i] and known[j] within `radius` (an incremental run:
    only the new hashes are looked up, the known ones are not compared with each other).
    The index is built over `known`: give the smaller set there. Either may be a uint64
    array (for large sets)."""
    if not len(new) or not len(known):
        return []
    fresh = np.array(new, dtype=U64)
    base = np.array(known, dtype=U64)
    m, k = plan(len(base), radius)
    blocks = _blocks(m)
    found: set[tuple[int, int]] = set()
    for chosen in itertools.combinations(range(m), k):
        base_keys = _keys(base, blocks, chosen)
        order = np.argsort(base_keys)
        sorted_keys = base_keys[order]
        new_keys = _keys(fresh, blocks, chosen)
        lo = np.searchsorted(sorted_keys, new_keys, side="left")
        hi = np.searchsorted(sorted_keys, new_keys, side="right")
        counts = hi - lo
        if not counts.any():
            continue
        rows = np.repeat(np.arange(len(fresh)), counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        cols = order[np.repeat(lo, counts) + offsets]
        dist = np.bitwise_count(fresh[rows] ^ base[cols])
        keep = dist <= radius
        found.update(zip(rows[keep].tolist(), cols[keep].tolist(), strict=True))
    return sorted((i, j, (int(new[i]) ^ int(known[j])).bit_count()) for i, j in found)


BUCKET_BITS = 16  # at most 2**16 buckets per table: the index over a few thousand stays small
CANDIDATE_COST = 3.0  # a candidate pair against one key computed and looked up per query


class SmallIndex:
    """The hashes within a distance of each of many queries, among a small set (the new
    contents of a run): the multi-index is built once over the small set, and any number of
    queries (a large library, streamed in chunks) are looked up in it. The keys are bucketed
    into a dense table (at most 2**BUCKET_BITS rows per table), so a lookup is an array
    gather, not a search."""

    def __init__(self, hashes: npt.NDArray[np.uint64], radius: int) -> None:
        self.base = np.asarray(hashes, dtype=U64)
        self.radius = radius
        bits = max(4, min(BUCKET_BITS, math.ceil(math.log2(max(len(self.base), 1))) + 2))
        m, k = _lookup_plan(len(self.base), radius, bits)
        self.blocks = _blocks(m)
        # the table as wide as a key (up to BUCKET_BITS): a block is not folded onto another
        bits = max(bits, min(BUCKET_BITS, max(w for _, w in self.blocks) * k))
        self.mask = U64((1 << bits) - 1)
        self.bits = bits
        self.tables: list[tuple[tuple[int, ...], I64, I64, I64, npt.NDArray[np.bool_]]] = []
        for chosen in itertools.combinations(range(m), k):
            keys = self._key(self.base, chosen)
            order = np.argsort(keys, kind="stable").astype(np.int64)
            counts = np.bincount(keys, minlength=1 << bits).astype(np.int64)
            starts = (np.cumsum(counts) - counts).astype(np.int64)
            self.tables.append((chosen, order, starts, counts, counts > 0))

    def _key(
        self, hashes: npt.NDArray[np.uint64], chosen: tuple[int, ...]
    ) -> npt.NDArray[np.int64]:
        """The bucket of each hash in one table: the chosen blocks' bits, folded to `bits`."""
        key: npt.NDArray[np.uint64] | None = None
        width_sum = 0
        for b in chosen:
            shift, width = self.blocks[b]
            part = (hashes >> U64(shift)) & U64((1 << width) - 1)
            key = part if key is None else (key << U64(width)) | part
            width_sum += width
        assert key is not None
        if width_sum > self.bits:
            key &= U64((1 << self.bits) - 1)
        return key.view(np.int64)

    def query(
        self, queries: npt.NDArray[np.uint64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(query index, index in the set, distance) of every pair within the radius, each
        once, ordered by query then set index."""
        q = np.asarray(queries, dtype=U64)
        empty = np.zeros(0, dtype=np.int64)
        if not len(q) or not len(self.base):
            return empty, empty, empty
        found: list[npt.NDArray[np.int64]] = []
        for chosen, order, starts, sizes, used in self.tables:
            keys = self._key(q, chosen)
            hit = np.flatnonzero(used[keys])  # (a byte per query, not a count)
            if not len(hit):
                continue
            keys = keys[hit]
            counts, lo = sizes[keys], starts[keys]
            rows, cols = _members(hit, counts, lo, order)
            keep = np.bitwise_count(q[rows] ^ self.base[cols]) <= self.radius
            found.append(rows[keep] * len(self.base) + cols[keep])
        if not found:
            return empty, empty, empty
        codes = np.unique(np.concatenate(found))
        rows, cols = codes // len(self.base), codes % len(self.base)
        return rows, cols, np.bitwise_count(q[rows] ^ self.base[cols]).astype(np.int64)


def _members(hit: I64, counts: I64, lo: I64, order: I64) -> tuple[I64, I64]:
    """(query, member) of every member of the buckets the queries `hit` fell in (`counts`
    members from `lo` in `order`): most buckets hold one, taken without repeats."""
    one = counts == 1
    if one.all():
        return hit, order[lo]
    many = ~one
    hit_many, counts_many, lo_many = hit[many], counts[many], lo[many]
    rows = np.repeat(hit_many, counts_many)
    firsts = np.cumsum(counts_many) - counts_many
    offsets = np.arange(len(rows)) - np.repeat(firsts, counts_many)
    cols = order[np.repeat(lo_many, counts_many) + offsets]
    return np.concatenate((hit[one], rows)), np.concatenate((order[lo[one]], cols))


def _lookup_plan(n: int, radius: int, bits: int) -> tuple[int, int]:
    """(blocks m, blocks per key k) with the lowest estimated cost per query among n hashes
    bucketed into 2**bits rows: tables x (a lookup + the candidates it brings)."""
    best: tuple[float, int, int] | None = None
    for m in range(radius + 1, min(radius + 7, 64) + 1):
        k = m - radius
        key_bits = min(bits, 64 * k // m)
        cost = math.comb(m, k) * (1 + CANDIDATE_COST * n / 2**key_bits)
        if best is None or cost < best[0]:
            best = (cost, m, k)
    assert best is not None
    return best[1], best[2]
