"""The near pairs of a few new contents among a whole library, read in pages.

The multi-indexes are built over the new side only (their frames, and their centre and
one-sided views); the stored hashes are streamed through them a few pages at a time (packed
records, engine.core.hash_records: a thousand BLOBs at 1M contents, not a row per content),
each as numpy arrays (their frames looked up among the new views, their views among the new
frames). Matches are kept by fingerprint row id and named once at the end. Memory is bounded by
the pages read at once and the new contents, not by the library; the pairs found are those of
the search over everything (engine.services.analyze.edges).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sidecar.engine.core import hash_records as rec
from sidecar.engine.core.fingerprint import SIDE_VIEWS, ZOOMS
from sidecar.engine.core.likeness import LOOSE_BITS, Candidate
from sidecar.engine.core.models import NearEdge
from sidecar.engine.hashindex import SmallIndex
from sidecar.engine.ports import AnalysisResults

PAGES = 16  # pages of stored hashes (1,024 row ids each) read and searched at once
# New contents indexed at once: past a few tens of thousands the small index's buckets fill
# (their views are 14 hashes each), so more are searched in turns, the library read once each
BATCH = 20_000
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
assert (2 * len(ZOOMS), 2 * len(SIDE_VIEWS)) == (rec.CENTRE, rec.SIDES)


@dataclass(frozen=True, slots=True)
class Hashes:
    """Fingerprints as arrays: row ids, frames, and every view stacked (`owner` row, `kind`: a
    centre view's index in ZOOMS, or len(ZOOMS) + a one-sided view's index in SIDE_VIEWS)."""

    ids: I64
    phash: U64
    dhash: U64
    view_p: U64
    view_d: U64
    owner: I64
    kind: I64


def as_arrays(packed: bytes) -> Hashes:
    """Centre view v exists when its two hashes were stored; the one-sided views only all
    together (as the search over everything reads them)."""
    table = np.frombuffer(packed, "<i8").reshape(-1, rec.WIDTH)
    values = table.view(np.uint64)
    count, views = len(table), len(ZOOMS) + len(SIDE_VIEWS)
    if (table[:, rec.CENTRE_COUNT] >= rec.CENTRE).all() and (
        table[:, rec.SIDE_COUNT] == rec.SIDES
    ).all():  # every view there (the usual case): the same arrays, by slicing
        pairs = values[:, rec.FIRST_CENTRE :].reshape(count, views, 2)
        return Hashes(
            table[:, rec.ROW].copy(),
            values[:, rec.PHASH].copy(),
            values[:, rec.DHASH].copy(),
            pairs[:, :, 0].T.ravel(),
            pairs[:, :, 1].T.ravel(),
            np.tile(np.arange(count, dtype=np.int64), views),
            np.repeat(np.arange(views, dtype=np.int64), count),
        )
    parts_p, parts_d, owners, kinds = [], [], [], []
    for v in range(len(ZOOMS)):
        has = np.flatnonzero(table[:, rec.CENTRE_COUNT] > 2 * v + 1)
        parts_p.append(values[has, rec.FIRST_CENTRE + 2 * v])
        parts_d.append(values[has, rec.FIRST_CENTRE + 2 * v + 1])
        owners.append(has)
        kinds.append(np.full(len(has), v, np.int64))
    sided = np.flatnonzero(table[:, rec.SIDE_COUNT] == rec.SIDES)
    for v in range(len(SIDE_VIEWS)):
        parts_p.append(values[sided, rec.FIRST_SIDE + 2 * v])
        parts_d.append(values[sided, rec.FIRST_SIDE + 2 * v + 1])
        owners.append(sided)
        kinds.append(np.full(len(sided), len(ZOOMS) + v, np.int64))
    return Hashes(
        table[:, rec.ROW].copy(),
        values[:, rec.PHASH].copy(),
        values[:, rec.DHASH].copy(),
        np.concatenate(parts_p),
        np.concatenate(parts_d),
        np.concatenate(owners).astype(np.int64),
        np.concatenate(kinds),
    )


# A match found, by row ids: (a, b, pHash distance, dHash distance, kind: -1 = whole frames
# (sure: within the thresholds), -2 = whole frames to confirm, else the view's kind as in
# Hashes)
Match = tuple[int, int, int, int, int]
SURE, MAYBE = -1, -2


class FreshSearch:
    """Whole frames within radius + LOOSE_BITS (candidates past the thresholds), centre views
    within the thresholds, one-sided views within the pHash threshold and dHash + LOOSE_BITS
    (candidates), each way between the new contents and every stored one."""

    def __init__(self, new: Hashes, radius: int, dradius: int) -> None:
        self.new = new
        self.radius, self.dradius = radius, dradius
        self.loose, self.dloose = radius + LOOSE_BITS, dradius + LOOSE_BITS
        self.frames_loose = SmallIndex(new.phash, self.loose)
        self.frames = SmallIndex(new.phash, radius)
        self.views = SmallIndex(new.view_p, radius)
        self.found: list[Match] = []

    def scan(self, old: Hashes) -> None:
        new = self.new
        # whole frames: a new one (a) against a stored one (b)
        r, n, dist = self.frames_loose.query(old.phash)
        ddist = np.bitwise_count(new.dhash[n] ^ old.dhash[r]).astype(np.int64)
        sure = (dist <= self.radius) & (ddist <= self.dradius)
        keep = sure | (ddist <= self.dloose)
        kind = np.where(sure, SURE, MAYBE)
        self._keep(new.ids[n], old.ids[r], dist, ddist, kind, keep)
        # a view of a new content against a stored frame
        r, w, dist = self.views.query(old.phash)
        ddist = np.bitwise_count(new.view_d[w] ^ old.dhash[r]).astype(np.int64)
        self._views(new.ids[new.owner[w]], old.ids[r], new.kind[w], dist, ddist)
        # a stored view against a new frame
        w, n, dist = self.frames.query(old.view_p)
        ddist = np.bitwise_count(old.view_d[w] ^ new.dhash[n]).astype(np.int64)
        self._views(old.ids[old.owner[w]], new.ids[n], old.kind[w], dist, ddist)

    def _views(self, seen: I64, framed: I64, kind: I64, dist: I64, ddist: I64) -> None:
        """A view (of `kind`) of row `seen` matched the whole frame of row `framed`."""
        centre = kind < len(ZOOMS)
        keep = np.where(centre, ddist <= self.dradius, ddist <= self.dloose)
        self._keep(seen, framed, dist, ddist, kind, keep)

    def _keep(
        self, a: I64, b: I64, dist: I64, ddist: I64, kind: I64, keep: npt.NDArray[np.bool_]
    ) -> None:
        keep &= a != b  # (a content's own views, or a new one met among the stored)
        self.found += zip(
            a[keep].tolist(),
            b[keep].tolist(),
            dist[keep].tolist(),
            ddist[keep].tolist(),
            kind[keep].tolist(),
            strict=True,
        )


def named(found: Sequence[Match], names: dict[int, str]) -> tuple[list[NearEdge], list[Candidate]]:
    """The matches as edges (sure ones) and candidates to confirm, the rows named. A row
    gone meanwhile (a fingerprint made again by another analysis process, under a new row
    id) is left out: that process searches its content itself."""
    edges: list[NearEdge] = []
    maybe: list[Candidate] = []
    for a, b, dist, ddist, kind in found:
        left, right = names.get(a), names.get(b)
        if left is None or right is None:
            continue
        if kind == SURE:
            edges.append(NearEdge(left, right, dist, ddist, 0))
        elif kind == MAYBE:
            maybe.append(Candidate(left, right, dist, ddist))
        elif kind < len(ZOOMS):
            edges.append(NearEdge(left, right, dist, ddist, round(ZOOMS[kind] * 1000)))
        else:
            side, cut = SIDE_VIEWS[kind - len(ZOOMS)]
            maybe.append(Candidate(left, right, dist, ddist, str(side), cut))
    return edges, maybe


async def fresh_pairs(
    store: AnalysisResults, fresh: Sequence[str], radius: int, dradius: int
) -> tuple[list[NearEdge], list[Candidate]]:
    """The edges and the candidates to confirm between the `fresh` contents and every stored
    one (the fresh ones among themselves included)."""
    found: list[Match] = []
    for start in range(0, len(fresh), BATCH):
        packed = await store.hash_records_of(fresh[start : start + BATCH])
        if not packed:
            continue
        search = FreshSearch(as_arrays(packed), radius, dradius)
        pages = await store.hash_page_count()
        for first in range(0, pages, PAGES):
            chunk = await store.hash_pages(first, PAGES)
            if chunk:
                search.scan(as_arrays(b"".join(chunk)))
        found += search.found
    names = await store.contents_of_rows(sorted({m[0] for m in found} | {m[1] for m in found}))
    return named(found, names)
