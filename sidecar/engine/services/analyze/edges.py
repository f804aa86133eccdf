"""Near-duplicate edges between contents: index lookups of perceptual hashes, and a second,
independent look (small thumbnails, engine.core.likeness) at the looser candidates.

- Whole frames against whole frames: within the thresholds the hashes are enough; up to
  LOOSE_BITS more on each hash, the thumbnails must confirm it.
- A centre view (ZOOMS) of one against the whole frame of the other: within the thresholds.
- A one-sided view (SIDE_VIEWS) of one against the whole frame of the other: pHash within the
  threshold (a wider search over eight views would cost ten times as much), dHash up to
  LOOSE_BITS more, always confirmed by the thumbnail of the frame's window cut from that side.

Every search is a lookup in the hash index (engine.hashindex), never all pairs: all contents
when the settings changed (or on the first run), else the new ones against everything known
(engine.services.analyze.fresh_edges: the index over the new ones, the library streamed
through it in chunks).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence

from sidecar.engine.core.candidates import to_unsigned64
from sidecar.engine.core.fingerprint import SIDE_VIEWS, ZOOMS
from sidecar.engine.core.likeness import (
    COMPARE_EDGE,
    CONFIRM_AT,
    LOOSE_BITS,
    THUMB_EDGE,
    Candidate,
    Side,
    cropped_likeness,
    likeness,
)
from sidecar.engine.core.models import NearEdge
from sidecar.engine.ports import AnalysisResults
from sidecar.engine.services.analyze.video_edges import update_video_edges
from sidecar.settings import AnalysisSettings

# New contents past which the search over everything is cheaper than theirs in turns (each turn
# reads the library once)
FULL_ABOVE = 200_000
KEEP_PAGES = 16  # hash pages made at once after a full search


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


async def update_edges(
    store: AnalysisResults,
    cfg: AnalysisSettings,
    fresh: list[str],
    fresh_videos: Collection[str] = (),
) -> None:
    """Find and store the near-duplicate edges of the `fresh` contents (all, when the
    settings the stored edges were found with changed, or when the new ones are very many),
    then those of the `fresh_videos` (services.analyze.video_edges: all of them again when
    the photo search replaced every edge, so no video edge is lost)."""
    plan = edge_plan(cfg)
    full = await store.edge_plan() != plan or len(fresh) > FULL_ABOVE
    radius, dradius = cfg.near_threshold, cfg.near_dhash_threshold
    if full:
        edges, maybe = await _all_pairs(store, radius, dradius)
    else:
        from sidecar.engine.services.analyze.fresh_edges import fresh_pairs  # numpy

        edges, maybe = await fresh_pairs(store, fresh, radius, dradius)
    edges += await _confirmed(store, maybe, {(e.a, e.b) for e in edges})
    await store.add_edges(edges, replace_all=full)
    if full:
        await store.set_edge_plan(plan)
        await _keep_pages(store)
    await update_video_edges(store, cfg, fresh_videos, everything=full)


async def _keep_pages(store: AnalysisResults) -> None:
    """After a search over everything, the packed hash pages the later searches read are made
    now (about 8 s at 1M contents, beside the minutes of the full search), not by the first
    small run after it."""
    pages = await store.hash_page_count()
    for first in range(0, pages, KEEP_PAGES):
        await store.hash_pages(first, KEEP_PAGES)


async def _all_pairs(
    store: AnalysisResults, radius: int, dradius: int
) -> tuple[list[NearEdge], list[Candidate]]:
    """The edges and the candidates to confirm among all contents."""
    from sidecar.engine.hashindex import pairs_between, pairs_within  # numpy, when needed

    known = await store.hashed_contents()
    keys = [k for k, _, _, _ in known]
    phash = [to_unsigned64(p) for _, p, _, _ in known]
    dhash = [to_unsigned64(d) for _, _, d, _ in known]
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
            maybe.append(Candidate(keys[i], keys[j], dist, ddist))

    for i, j, dist in pairs_within(phash, loose):  # whole frame against whole frame
        keep(i, j, dist, dhash[i], dhash[j], 0)
    # a centre view of one against the whole frame of the other
    for v, cut in enumerate(ZOOMS):
        zoom = round(cut * 1000)
        has = [i for i, (_, _, _, z) in enumerate(known) if len(z) > 2 * v + 1]
        views = [to_unsigned64(known[i][3][2 * v]) for i in has]
        for n, j, dist in pairs_between(views, phash, radius):
            keep(has[n], j, dist, to_unsigned64(known[has[n]][3][2 * v + 1]), dhash[j], zoom)
    maybe += await _side_candidates(store, keys, phash, dhash, radius, dloose)
    return edges, maybe


async def _side_candidates(
    store: AnalysisResults,
    keys: Sequence[str],
    phash: Sequence[int],
    dhash: Sequence[int],
    radius: int,
    dloose: int,
) -> list[Candidate]:
    """One-sided views of every content against every frame, within `radius` (pHash) and
    `dloose` (dHash). The stored views are held as one uint64 array (not 24 Python ints per
    content)."""
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
    out: list[Candidate] = []
    for v, (side, cut) in enumerate(SIDE_VIEWS):  # one view at a time
        vd = table[:, 2 * v + 1]
        for n, j, dist in pairs_between(table[:, 2 * v], phash, radius):
            i = owners[n]
            ddist = (int(vd[n]) ^ dhash[j]).bit_count()
            if i != j and keys[i] != keys[j] and ddist <= dloose:
                out.append(Candidate(keys[i], keys[j], dist, ddist, side, cut))
    return out


async def _confirmed(
    store: AnalysisResults,
    maybe: Sequence[Candidate],
    found: set[tuple[str, str]],
) -> list[NearEdge]:
    """The candidates whose thumbnails confirm them (of several between the same two
    contents, the closest that is confirmed); pairs the hashes already matched are skipped."""
    by_pair: dict[frozenset[str], list[Candidate]] = {}
    for c in maybe:
        if (c.a, c.b) not in found and (c.b, c.a) not in found:
            by_pair.setdefault(frozenset((c.a, c.b)), []).append(c)
    if not by_pair:
        return []
    thumbs = await store.thumbs_of(sorted({k for pair in by_pair for k in pair}))
    out: list[NearEdge] = []
    for options in by_pair.values():
        for c in sorted(options, key=lambda c: (c.phash, c.dhash, c.side, c.cut, c.a, c.b)):
            larger, other = thumbs.get(c.a, b""), thumbs.get(c.b, b"")
            if c.side:
                score, cut = cropped_likeness(larger, other, Side(c.side), c.cut)
            else:
                score, cut = likeness(larger, other), 0.0
            if score >= CONFIRM_AT:
                zoom = round(cut * 1000)
                out.append(NearEdge(c.a, c.b, c.phash, c.dhash, zoom, c.side, round(score * 1000)))
                break
    return out
