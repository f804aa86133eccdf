"""The near pairs of a few new contents among a whole library, read in chunks.

The multi-indexes are built over the new side only (their frames, and their centre and
one-sided views); the stored fingerprints are streamed through them a chunk at a time, each
chunk as numpy arrays (its frames looked up among the new views, its views among the new
frames). Memory is bounded by the chunk and the new contents, not by the library; the pairs
found are those of the search over everything (engine.services.analyze.edges).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sidecar.engine.core.fingerprint import SIDE_VIEWS, ZOOMS
from sidecar.engine.core.likeness import LOOSE_BITS, Candidate
from sidecar.engine.core.models import HashRow, NearEdge
from sidecar.engine.hashindex import SmallIndex
from sidecar.engine.ports import AnalysisResults

CHUNK = 50_000  # stored fingerprints read and searched at once
# New contents indexed at once: past a few tens of thousands the small index's buckets fill
# (their views are 14 hashes each), so more are searched in turns, the library read once each
BATCH = 20_000
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Hashes:
    """Fingerprints as arrays: frames, and every view stacked (`owner` row, `kind`: a centre
    view's index in ZOOMS, or len(ZOOMS) + a one-sided view's index in SIDE_VIEWS)."""

    keys: list[str]
    phash: U64
    dhash: U64
    view_p: U64
    view_d: U64
    owner: I64
    kind: I64


def as_arrays(rows: Sequence[HashRow]) -> Hashes:
    """Centre view v exists when its two hashes were stored; the one-sided views only all
    together (as the search over everything reads them). Column-wise, without a Python step
    per row where the views are all there (the usual case)."""
    count = len(rows)
    keys, phashes, dhashes, zooms, sides_ = zip(*rows, strict=True) if rows else ([],) * 5
    phash = np.array(phashes, dtype=np.int64).view(np.uint64)
    dhash = np.array(dhashes, dtype=np.int64).view(np.uint64)
    zoom_width, side_width = 16 * len(ZOOMS), 16 * len(SIDE_VIEWS)
    zooms = [z or b"" for z in zooms] if None in zooms else zooms
    sides_ = [z or b"" for z in sides_] if None in sides_ else sides_
    zoom_len = np.fromiter(map(len, zooms), np.int64, count)
    if not (zoom_len == zoom_width).all():
        zooms = [z[:zoom_width].ljust(zoom_width, b"\0") for z in zooms]
    has_sides = np.fromiter(map(len, sides_), np.int64, count) == side_width
    if not has_sides.all():
        sides_ = [z for z, ok in zip(sides_, has_sides.tolist(), strict=True) if ok]
    centre = np.frombuffer(b"".join(zooms), "<i8").view(np.uint64).reshape(count, zoom_width // 8)
    sides = np.frombuffer(b"".join(sides_), "<i8").view(np.uint64).reshape(-1, side_width // 8)
    parts_p, parts_d, owners, kinds = [], [], [], []
    for v in range(len(ZOOMS)):
        has = np.flatnonzero(zoom_len // 8 > 2 * v + 1)
        parts_p.append(centre[has, 2 * v])
        parts_d.append(centre[has, 2 * v + 1])
        owners.append(has)
        kinds.append(np.full(len(has), v, np.int64))
    sided_rows = np.flatnonzero(has_sides)
    for v in range(len(SIDE_VIEWS)):
        parts_p.append(sides[:, 2 * v])
        parts_d.append(sides[:, 2 * v + 1])
        owners.append(sided_rows)
        kinds.append(np.full(len(sided_rows), len(ZOOMS) + v, np.int64))
    return Hashes(
        list(keys),
        phash,
        dhash,
        np.concatenate(parts_p),
        np.concatenate(parts_d),
        np.concatenate(owners).astype(np.int64),
        np.concatenate(kinds),
    )


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
        self.edges: list[NearEdge] = []
        self.maybe: list[Candidate] = []

    def scan(self, old: Hashes) -> None:
        new = self.new
        # whole frames: a new one (a) against a stored one (b)
        r, n, dist = self.frames_loose.query(old.phash)
        ddist = np.bitwise_count(new.dhash[n] ^ old.dhash[r]).astype(np.int64)
        sure = (dist <= self.radius) & (ddist <= self.dradius)
        keep = sure | (ddist <= self.dloose)
        for a, b, d, dd, s in _listed(n, r, dist, ddist, sure, keep):
            self._whole(new.keys[a], old.keys[b], d, dd, s)
        # a view of a new content against a stored frame
        r, w, dist = self.views.query(old.phash)
        ddist = np.bitwise_count(new.view_d[w] ^ old.dhash[r]).astype(np.int64)
        self._views(new, old, new.owner[w], r, new.kind[w], dist, ddist)
        # a stored view against a new frame
        w, n, dist = self.frames.query(old.view_p)
        ddist = np.bitwise_count(old.view_d[w] ^ new.dhash[n]).astype(np.int64)
        self._views(old, new, old.owner[w], n, old.kind[w], dist, ddist)

    def _whole(self, a: str, b: str, dist: int, ddist: int, sure: bool) -> None:
        if a == b:
            return
        if sure:
            self.edges.append(NearEdge(a, b, dist, ddist, 0))
        else:
            self.maybe.append(Candidate(a, b, dist, ddist))

    def _views(
        self, seen: Hashes, framed: Hashes, owner: I64, row: I64, kind: I64, dist: I64, ddist: I64
    ) -> None:
        """A view (of `kind`) of seen.keys[owner] matched the whole frame framed.keys[row]."""
        centre = kind < len(ZOOMS)
        keep = np.where(centre, ddist <= self.dradius, ddist <= self.dloose)
        for a, b, k, d, dd in zip(
            owner[keep].tolist(),
            row[keep].tolist(),
            kind[keep].tolist(),
            dist[keep].tolist(),
            ddist[keep].tolist(),
            strict=True,
        ):
            left, right = seen.keys[a], framed.keys[b]
            if left == right:
                continue
            if k < len(ZOOMS):
                self.edges.append(NearEdge(left, right, d, dd, round(ZOOMS[k] * 1000)))
            else:
                side, cut = SIDE_VIEWS[k - len(ZOOMS)]
                self.maybe.append(Candidate(left, right, d, dd, str(side), cut))


def _listed(
    a: I64, b: I64, dist: I64, ddist: I64, sure: npt.NDArray[np.bool_], keep: npt.NDArray[np.bool_]
) -> zip[tuple[int, int, int, int, bool]]:
    return zip(
        a[keep].tolist(),
        b[keep].tolist(),
        dist[keep].tolist(),
        ddist[keep].tolist(),
        sure[keep].tolist(),
        strict=True,
    )


async def fresh_pairs(
    store: AnalysisResults, fresh: Sequence[str], radius: int, dradius: int
) -> tuple[list[NearEdge], list[Candidate]]:
    """The edges and the candidates to confirm between the `fresh` contents and every stored
    one (the fresh ones among themselves included)."""
    edges: list[NearEdge] = []
    maybe: list[Candidate] = []
    for start in range(0, len(fresh), BATCH):
        rows = await store.hash_rows_of(fresh[start : start + BATCH])
        if not rows:
            continue
        search = FreshSearch(as_arrays(rows), radius, dradius)
        after = ""
        while chunk := await store.hash_rows(after, CHUNK):
            after = chunk[-1][0]
            search.scan(as_arrays(chunk))
        edges += search.edges
        maybe += search.maybe
    return edges, maybe
