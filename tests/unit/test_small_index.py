"""The index over a small set of hashes, queried by many: every pair within the radius, each
once, against brute force (duplicates in the set, near copies at every distance, radii from
0 to 10, sets small and large enough to fold the keys)."""

from __future__ import annotations

import random

import numpy as np

from sidecar.engine.hashindex import SmallIndex


def test_small_index_matches_brute_force() -> None:
    rng = random.Random(13)
    for size in (1, 30, 3000):
        base = [rng.getrandbits(64) for _ in range(size)]
        base += base[:5]  # identical hashes in the set
        queries = [rng.getrandbits(64) for _ in range(200)]
        for k in range(80):  # near copies at distances 0..10
            flipped = base[k % len(base)]
            for bit in rng.sample(range(64), k % 11):
                flipped ^= 1 << bit
            queries.append(flipped)
        for radius in (0, 4, 6, 10):
            index = SmallIndex(np.array(base, dtype=np.uint64), radius)
            rows, cols, dist = index.query(np.array(queries, dtype=np.uint64))
            got = list(zip(rows.tolist(), cols.tolist(), dist.tolist(), strict=True))
            want = sorted(
                (i, j, (a ^ b).bit_count())
                for i, a in enumerate(queries)
                for j, b in enumerate(base)
                if (a ^ b).bit_count() <= radius
            )
            assert got == want, (size, radius)


def test_an_empty_set_or_no_queries_find_nothing() -> None:
    empty = np.zeros(0, dtype=np.uint64)
    assert all(len(a) == 0 for a in SmallIndex(empty, 4).query(np.ones(3, dtype=np.uint64)))
    assert all(len(a) == 0 for a in SmallIndex(np.ones(3, dtype=np.uint64), 4).query(empty))
