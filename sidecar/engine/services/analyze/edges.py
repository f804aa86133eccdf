"""Near-duplicate edges between contents: index lookups of perceptual hashes, and a second,
independent look (small thumbnails, engine.core.likeness) at the looser candidates.

- Whole frames against whole frames: within the thresholds the hashes are enough; up to
  LOOSE_BITS more on each hash, the thumbnails must confirm it.
- A centre view (ZOOMS) of one against the whole frame of the other: within the thresholds.
- A one-sided view (SIDE_VIEWS) of one against the whole frame of the other: pHash within the
  threshold (a wider search over eight views would cost ten times as much), dHash up to
  LOOSE_BITS more, always confirmed by the thumbnail of the frame's window cut from that side.

Every search is a lookup in the hash index (engine.hashindex), never all pairs: all contents
when the settings changed (or on the first run), else the new ones against everything known.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sidecar.engine.core.candidates import to_unsigned64
from sidecar.engine.core.likeness import (
    COMPARE_EDGE,
    CONFIRM_AT,
    LOOSE_BITS,
    THUMB_EDGE,
    Side,
    cropped_likeness,
    likeness,
)
from sidecar.engine.core.models import NearEdge
from sidecar.engine.imaging import SIDE_VIEWS, ZOOMS
from sidecar.engine.ports import AnalysisResults
from sidecar.settings import AnalysisSettings


@dataclass(frozen=True, slots=True)
class Candidate:
    """A match the hashes alone are not enough for: view of `i` (or its whole frame) against
    the whole frame of `j`."""

    i: int
    j: int
    phash: int
    dhash: int
    side: str = ""  # "" = whole frames
    cut: float = 0.0


def edge_plan(cfg: AnalysisSettings) -> str:
    return json.dumps(
        {
            "phash": cfg.near_threshold,
            "dhash": cfg.near_dhash_threshold,
            "size": cfg.hash_size,
            "zooms": list(ZOOMS),
            "sides": [[str(s), c] for s, c in SIDE_VIEWS],
            "loose": LOOSE_BITS,
            "confirm": [THUMB_EDGE, COMPARE_EDGE, CONFIRM_AT],
        }
    )


async def update_edges(store: AnalysisResults, cfg: AnalysisSettings, fresh: list[str]) -> None:
    """Find and store the near-duplicate edges of the `fresh` contents (all, when the
    settings the stored edges were found with changed)."""
    from sidecar.engine.hashindex import pairs_between, pairs_within  # numpy, when needed

    plan = edge_plan(cfg)
    known = await store.hashed_contents()
    full = await store.edge_plan() != plan
    keys = [k for k, _, _, _ in known]
    phash = [to_unsigned64(p) for _, p, _, _ in known]
    dhash = [to_unsigned64(d) for _, _, d, _ in known]
    new_set = set(fresh)
    new_idx = list(range(len(known))) if full else [i for i, k in enumerate(keys) if k in new_set]
    radius, dradius = cfg.near_threshold, cfg.near_dhash_threshold
    loose, dloose = radius + LOOSE_BITS, dradius + LOOSE_BITS
    edges: list[NearEdge] = []
    maybe: list[Candidate] = []

    def keep(i: int, j: int, dist: int, di: int, dj: int, zoom: int) -> None:
        ddist = (di ^ dj).bit_count()
        if i == j or keys[i] == keys[j]:
            return
        if dist <= radius and ddist <= dradius:
            edges.append(NearEdge(keys[i], keys[j], dist, ddist, zoom))
        elif zoom == 0 and dist <= loose and ddist <= dloose:
            maybe.append(Candidate(i, j, dist, ddist))

    # whole frame against whole frame
    if full:
        for i, j, dist in pairs_within(phash, loose):
            keep(i, j, dist, dhash[i], dhash[j], 0)
    else:
        for n, j, dist in pairs_between([phash[i] for i in new_idx], phash, loose):
            keep(new_idx[n], j, dist, dhash[new_idx[n]], dhash[j], 0)
    # a centre view of one against the whole frame of the other (views of new contents
    # against every frame; on incremental runs also views of every content against the
    # new frames)
    for v, cut in enumerate(ZOOMS):
        zoom = round(cut * 1000)
        has = [i for i, (_, _, _, z) in enumerate(known) if len(z) > 2 * v + 1]
        vp = {i: to_unsigned64(known[i][3][2 * v]) for i in has}
        vd = {i: to_unsigned64(known[i][3][2 * v + 1]) for i in has}
        mine = [i for i in new_idx if i in vp]
        for n, j, dist in pairs_between([vp[i] for i in mine], phash, radius):
            keep(mine[n], j, dist, vd[mine[n]], dhash[j], zoom)
        if not full:
            for n, j, dist in pairs_between(
                [phash[i] for i in new_idx], [vp[i] for i in has], radius
            ):
                keep(has[j], new_idx[n], dist, vd[has[j]], dhash[new_idx[n]], zoom)
    maybe += await _side_candidates(store, keys, phash, dhash, new_idx, full, radius, dloose)
    edges += await _confirmed(store, keys, maybe, {(e.a, e.b) for e in edges})
    await store.add_edges(edges, replace_all=full)
    if full:
        await store.set_edge_plan(plan)


async def _side_candidates(
    store: AnalysisResults,
    keys: Sequence[str],
    phash: Sequence[int],
    dhash: Sequence[int],
    new_idx: Sequence[int],
    full: bool,
    radius: int,
    dloose: int,
) -> list[Candidate]:
    """One-sided views of new contents against every frame (and, on incremental runs, views
    of every content against the new frames), within `radius` (pHash) and `dloose` (dHash).
    The stored views are held as one uint64 array (not 24 Python ints per content)."""
    import numpy as np

    from sidecar.engine.hashindex import pairs_between

    stored = await store.side_views()
    index = {k: i for i, k in enumerate(keys)}
    width = 2 * len(SIDE_VIEWS)
    owners = [index[k] for k, blob in stored.items() if k in index and len(blob) == 8 * width]
    if not owners:
        return []
    blobs = b"".join(stored[keys[i]] for i in owners)
    table = np.frombuffer(blobs, dtype="<i8").view(np.uint64).reshape(len(owners), width)
    row_of = {i: r for r, i in enumerate(owners)}
    mine = [i for i in new_idx if i in row_of]
    out: list[Candidate] = []

    def consider(i: int, j: int, dist: int, view_d: int, side: str, cut: float) -> None:
        ddist = (view_d ^ dhash[j]).bit_count()
        if i != j and keys[i] != keys[j] and ddist <= dloose:
            out.append(Candidate(i, j, dist, ddist, side, cut))

    rows = [row_of[i] for i in mine]
    if full:  # every view of every content against all frames: one view at a time
        for v, (side, cut) in enumerate(SIDE_VIEWS):
            vd = table[:, 2 * v + 1]
            for n, j, dist in pairs_between(table[rows, 2 * v], phash, radius):
                consider(mine[n], j, dist, int(vd[rows[n]]), side, cut)
        return out
    # the few new contents: all their views in one lookup among the frames, then every
    # stored view looked up among the new frames (the index is built over the smaller set)
    queries = table[rows][:, 0::2].T.ravel()  # view by view, the new contents in order
    for q, j, dist in pairs_between(queries, phash, radius):
        v, n = divmod(q, len(rows))
        side, cut = SIDE_VIEWS[v]
        consider(mine[n], j, dist, int(table[rows[n], 2 * v + 1]), side, cut)
    fresh = [phash[i] for i in new_idx]
    for v, (side, cut) in enumerate(SIDE_VIEWS):
        vp, vd = table[:, 2 * v], table[:, 2 * v + 1]
        for r, n, dist in pairs_between(vp, fresh, radius) if fresh else ():
            consider(owners[r], new_idx[n], dist, int(vd[r]), side, cut)
    return out


async def _confirmed(
    store: AnalysisResults,
    keys: Sequence[str],
    maybe: Sequence[Candidate],
    found: set[tuple[str, str]],
) -> list[NearEdge]:
    """The candidates whose thumbnails confirm them (of several between the same two
    contents, the closest that is confirmed); pairs the hashes already matched are skipped."""
    by_pair: dict[frozenset[str], list[Candidate]] = {}
    for c in maybe:
        a, b = keys[c.i], keys[c.j]
        if (a, b) not in found and (b, a) not in found:
            by_pair.setdefault(frozenset((a, b)), []).append(c)
    if not by_pair:
        return []
    thumbs = await store.thumbs_of(sorted({k for pair in by_pair for k in pair}))
    out: list[NearEdge] = []
    for options in by_pair.values():
        for c in sorted(options, key=lambda c: (c.phash, c.dhash, c.side, c.cut)):
            larger, other = thumbs.get(keys[c.i], b""), thumbs.get(keys[c.j], b"")
            if c.side:
                score, cut = cropped_likeness(larger, other, Side(c.side), c.cut)
            else:
                score, cut = likeness(larger, other), 0.0
            if score >= CONFIRM_AT:
                zoom = round(cut * 1000)
                a, b = keys[c.i], keys[c.j]
                out.append(NearEdge(a, b, c.phash, c.dhash, zoom, c.side, round(score * 1000)))
                break
    return out
