"""Videos in the results (pure): which stored edges are between videos, the reasons of a near
group of videos, and the trimmed copies as variant pairs.

Edges between videos are stored with the photo edges, marked by `side`: VIDEO_SIDE (one clip
in two encodings, the frames sampled at the same moments alike), VIDEO_ONE_FRAME (the same,
from Immich's thumbnail and the duration only: a weaker test, never accepted in bulk) and
TRIM_SIDE (the shorter is a trimmed copy of the longer, `zoom` the millisecond it starts at in
the longer). A video is only ever grouped with videos, through these edges only; a trim
never makes a duplicate group: it makes a variant pair of the longer clip (primary) and the
trimmed copy. A trimmed copy of clips that are duplicates of each other pairs with the group's
keeper only; a person's decision on a trim pair stands when the group's keeper changes
(`trim_decisions`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from sidecar.engine.core.dedup import Candidate, DupGroup
from sidecar.engine.core.models import NearEdge, PairDecision
from sidecar.engine.core.pairing import Pair, PairKind
from sidecar.engine.core.video_match import FRAME_SLACK_BITS

VIDEO_SIDE = "video"
VIDEO_ONE_FRAME = "video-1"
TRIM_SIDE = "video-trim"
VIDEO_SIDES = frozenset({VIDEO_SIDE, VIDEO_ONE_FRAME, TRIM_SIDE})
DUPLICATE_SIDES = frozenset({VIDEO_SIDE, VIDEO_ONE_FRAME})
# in the reason of a group matched through Immich's one frame: such a group is never
# accepted in bulk (clips of one length and one look, dashcam or doorbell segments, are
# unique footage; see `one_frame_only`)
ONE_FRAME_WORDS = "one frame: a weaker test"
# members -> (decision, primary), as grouping.PairDecisions
Decided = Mapping[frozenset[str], tuple[PairDecision, str | None]]


def grouping_edge(e: NearEdge, a: Candidate, b: Candidate) -> bool:
    """Whether an edge between these candidates may make a near-duplicate group: a photo
    edge between photos, a duplicate edge between videos (never a photo and a video, never a
    trim, never a photo edge between videos from an older store)."""
    if a.video != b.video:
        return False
    return e.side in DUPLICATE_SIDES if a.video else e.side not in VIDEO_SIDES


def one_frame_only(reasons: Iterable[str]) -> bool:
    """Whether a stored group's reasons say a member was matched from Immich's thumbnail
    only (its length and one frame)."""
    return any(ONE_FRAME_WORDS in r for r in reasons)


def clock(ms: int | None) -> str:
    """A duration as people read it: 0:31.2, 1:02:03.0 ('?' when not known)."""
    if ms is None:
        return "?"
    tenths = round(ms / 100)
    hours, rest = divmod(tenths, 36_000)
    minutes, rest = divmod(rest, 600)
    seconds = f"{rest // 10:02d}.{rest % 10}"
    return f"{hours}:{minutes:02d}:{seconds}" if hours else f"{minutes}:{seconds}"


def _listed(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def explain_videos(
    group: DupGroup,
    cands: Mapping[str, Candidate],
    edges: Mapping[frozenset[str], NearEdge],
    near_threshold: int | None = None,
) -> DupGroup:
    """A near group of videos says why in a video's terms (in place of the photo wording):
    their lengths and how far apart their sampled frames are: what the edges hold, no more
    (an edge's distance is the one at least half of the frames compared are within; the
    others may be up to FRAME_SLACK_BITS beyond the `near_threshold`, and frames flat in both
    clips are passed over). `edges`: the video edges between members (by the pair of keys)."""
    if not all(cands[m].video for m in group.members):
        return group
    keys = group.members
    found = [
        e
        for n, a in enumerate(keys)
        for b in keys[n + 1 :]
        if (e := edges.get(frozenset((a, b)))) is not None
    ]
    if not found:
        return group
    lengths = _listed([clock(cands[m].duration_ms) for m in keys])
    why: list[str] = []
    frames = [e.phash for e in found if e.side == VIDEO_SIDE]
    if frames:
        bound = (
            "" if near_threshold is None else f", none beyond {near_threshold + FRAME_SLACK_BITS}"
        )
        why.append(
            f"the same clip in another encoding: {lengths} long, its frames sampled at the"
            f" same moments alike (half or more within {max(frames)} bits{bound})"
        )
    one = [e.phash for e in found if e.side == VIDEO_ONE_FRAME]
    if one:
        why.append(
            f"same length ({lengths}) and Immich's thumbnail alike"
            f" ({max(one)} bits; {ONE_FRAME_WORDS}: look at it first, never accepted in bulk)"
        )
    return replace(group, reasons=(*why, *group.reasons[1:]))


def _stand_in(groups: Iterable[DupGroup]) -> Callable[[str], str]:
    """Member -> the keeper standing for it: its group's, followed through groups (an exact
    group's keeper may be a member of a near group); itself when in no group."""
    keeper_of: dict[str, str] = {}
    for g in groups:
        for m in g.members:
            if m != g.keeper:
                keeper_of[m] = g.keeper

    def stands_for(key: str) -> str:
        for _ in range(len(keeper_of) + 1):  # (a chain: a copy, its keeper, the near keeper)
            if key not in keeper_of:
                break
            key = keeper_of[key]
        return key

    return stands_for


def trim_pairs(
    cands: Sequence[Candidate],
    edges: Iterable[NearEdge],
    groups: Iterable[DupGroup],
    together: set[frozenset[str]],
) -> list[Pair]:
    """Variant pairs of a longer clip (primary) and each trimmed copy of it, one owner's: a
    member of a duplicate group stands for it by the group's keeper; a trimmed copy of
    several clips pairs with the longest of them only (ties: the first key)."""
    stands_for = _stand_in(groups)
    by_content: dict[str, list[Candidate]] = {}
    for c in cands:
        if c.video and c.content_hash:
            by_content.setdefault(c.content_hash, []).append(c)
    by_key = {c.key: c for c in cands}
    # shorter -> (-length, longer, found through another member of its group, offset): the
    # offset of the keeper's own edge when there is one
    longest: dict[str, tuple[int, str, bool, int]] = {}
    for e in edges:
        if e.side != TRIM_SIDE:
            continue
        for a in by_content.get(e.a, ()):
            for b in by_content.get(e.b, ()):
                if a.owner != b.owner:
                    continue
                ka, kb = stands_for(a.key), stands_for(b.key)
                ca, cb = by_key.get(ka, a), by_key.get(kb, b)
                if ka == kb or frozenset((ka, kb)) in together:
                    continue
                long_c, short_c = (
                    (ca, cb) if (ca.duration_ms or 0) >= (cb.duration_ms or 0) else (cb, ca)
                )
                direct = long_c.key in (a.key, b.key)
                rank = (-(long_c.duration_ms or 0), long_c.key, not direct, e.zoom)
                if short_c.key not in longest or rank < longest[short_c.key]:
                    longest[short_c.key] = rank
    out: list[Pair] = []
    for short, (_, long_key, _, offset) in sorted(longest.items()):
        s, lc = by_key[short], by_key[long_key]
        reasons = (
            f"a trimmed copy: {clock(s.duration_ms)} of {lc.name}'s {clock(lc.duration_ms)},"
            f" from {clock(offset)}",
            "primary: the longer clip",
        )
        out.append(Pair(PairKind.VARIANT, tuple(sorted((long_key, short))), long_key, reasons))
    return out


def trim_decisions(pairs: Iterable[Pair], groups: Iterable[DupGroup], decided: Decided) -> Decided:
    """The decisions standing for these trim pairs: a pair's own; else those a person made
    on the same clips under other members: a trim pair is keyed by the keepers standing for
    its sides, and a decision on (a member of the longer clip's group, a member of the trim's)
    was about this pair when another copy became the keeper. A rejection among them stands
    (never stacked); else an acceptance, with the primary a person chose mapped to the side
    it was on (the trim, or the longer clip: now its keeper)."""
    groups = list(groups)
    stands_for = _stand_in(groups)
    sides: dict[str, set[str]] = {}
    for g in groups:
        for m in g.members:
            sides.setdefault(stands_for(m), {stands_for(m)}).add(m)
    out = dict(decided)
    for pair in pairs:
        members = frozenset(pair.members)
        if members in decided or len(pair.members) != 2:
            continue
        long_key = pair.primary
        short = next(m for m in pair.members if m != long_key)
        longs, shorts = sides.get(long_key, {long_key}), sides.get(short, {short})
        found = [
            decided[k]
            for a in sorted(longs)
            for b in sorted(shorts)
            if a != b and (k := frozenset((a, b))) in decided
        ]
        if not found:
            continue
        if any(kind is PairDecision.REJECT for kind, _ in found):
            out[members] = (PairDecision.REJECT, None)
            continue
        accepted = any(kind is PairDecision.ACCEPT for kind, _ in found)
        chosen = [p for _, p in found if p is not None]
        primary = None
        if chosen:
            primary = short if chosen[0] in shorts else long_key
        out[members] = (PairDecision.ACCEPT if accepted else PairDecision.PRIMARY, primary)
    return out
