"""Edges between videos: candidates from an index lookup of their sampled frames' pHashes
(engine.hashindex: two videos are compared only when some frame of one is near some frame of
the other), then the rules of engine.core.video_match. Stored with the photo edges, marked by
`side` (a video is never compared with a photo):

- VIDEO_SIDE: one clip in two encodings (a near duplicate);
- VIDEO_ONE_FRAME: the same, found from Immich's thumbnail and the duration only;
- TRIM_SIDE: one is a trimmed copy of the other (a variant pair, never a duplicate); `zoom`
  holds where the shorter starts in the longer, in milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping

from sidecar.engine.core import video_match
from sidecar.engine.core.candidates import to_unsigned64
from sidecar.engine.core.models import NearEdge
from sidecar.engine.core.video import SAMPLES, VideoPrint
from sidecar.engine.core.video_groups import TRIM_SIDE, VIDEO_ONE_FRAME, VIDEO_SIDE, VIDEO_SIDES
from sidecar.engine.core.video_match import TRIM_SLACK_BITS, Relation, VideoRules, compare
from sidecar.engine.ports import AnalysisResults
from sidecar.settings import AnalysisSettings

__all__ = [
    "TRIM_SIDE",
    "VIDEO_ONE_FRAME",
    "VIDEO_SIDE",
    "VIDEO_SIDES",
    "update_video_edges",
    "video_edge_plan",
    "video_edges",
]


def video_edge_plan(cfg: AnalysisSettings) -> str:
    """What the video edges are found with: the samples, the thresholds and the rules'
    constants (a change makes the next search one over all videos)."""
    constants = {
        name: getattr(video_match, name)
        for name in sorted(dir(video_match))
        if name.isupper() and isinstance(getattr(video_match, name), int | float)
    }
    return json.dumps(
        {
            "samples": list(SAMPLES),
            "phash": cfg.near_threshold,
            "dhash": cfg.near_dhash_threshold,
            "size": cfg.hash_size,
            "rules": constants,
        },
        sort_keys=True,
    )


async def update_video_edges(
    store: AnalysisResults, cfg: AnalysisSettings, fresh: Collection[str], everything: bool
) -> int:
    """Find and store the edges of the `fresh` video contents against all stored video
    prints; of all against all when `everything` (the photo search replaced every edge) or
    when what video edges are found with changed (or on the first run). The number found."""
    plan = video_edge_plan(cfg)
    full = everything or await store.video_edge_plan() != plan
    if not full and not fresh:
        return 0
    prints = await store.video_prints(posters=False)  # small without their posters
    rules = VideoRules(cfg.near_threshold, cfg.near_dhash_threshold)
    edges = video_edges(prints, None if full else fresh, rules) if prints else []
    if full:
        await store.drop_video_edges(sorted(VIDEO_SIDES))
    await store.add_edges(edges)
    if full:
        await store.set_video_edge_plan(plan)
    return len(edges)


def _frames(prints: Mapping[str, VideoPrint], keys: list[str]) -> tuple[list[int], list[int]]:
    """The unsigned pHash of every picture frame (not flat) of these videos, and whose."""
    hashes: list[int] = []
    owners: list[int] = []
    for n, key in enumerate(keys):
        p = prints[key]
        for i in range(p.samples):
            if not p.flat[i]:
                hashes.append(to_unsigned64(p.phash(i)))
                owners.append(n)
    return hashes, owners


def video_edges(
    prints: Mapping[str, VideoPrint], fresh: Collection[str] | None, rules: VideoRules
) -> list[NearEdge]:
    """The edges among `prints` (content -> fingerprint): of the `fresh` ones against all,
    or all against all when `fresh` is None."""
    from sidecar.engine.hashindex import pairs_between, pairs_within  # numpy, when needed

    keys = sorted(prints)
    radius = rules.phash + TRIM_SLACK_BITS
    hashes, owners = _frames(prints, keys)
    pairs: set[tuple[int, int]] = set()
    if fresh is None:
        for i, j, _ in pairs_within(hashes, radius):
            a, b = owners[i], owners[j]
            if a != b:
                pairs.add((min(a, b), max(a, b)))
    else:
        index = {k: n for n, k in enumerate(keys)}
        new = sorted(index[k] for k in set(fresh) if k in index)
        new_hashes, new_owners = _frames(prints, [keys[n] for n in new])
        for i, j, _ in pairs_between(new_hashes, hashes, radius):
            a, b = new[new_owners[i]], owners[j]
            if a != b:
                pairs.add((min(a, b), max(a, b)))
    out: list[NearEdge] = []
    for a, b in sorted(pairs):
        match = compare(prints[keys[a]], prints[keys[b]], rules)
        if match is None:
            continue
        if match.relation is Relation.TRIM:
            side, zoom = TRIM_SIDE, match.offset_ms
        else:
            side, zoom = (VIDEO_ONE_FRAME if match.one_frame else VIDEO_SIDE), 0
        out.append(NearEdge(keys[a], keys[b], match.phash, match.dhash, zoom, side))
    return out
