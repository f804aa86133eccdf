"""One analysis's results (pure): pairs and bursts, exact and near duplicate groups with their
keeper and reasons, and what removing the extra copies would free.

Pairs and bursts are found first, so a RAW and its JPEG, or two frames of one burst, are never
reported as near duplicates of each other (also when a person rejected the pair: that means
"do not stack", nothing more). Decisions people made are applied on every run. Videos group
with videos only, through the video edges (engine.core.video_groups); a trimmed copy is a
variant pair, never a duplicate.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from sidecar.engine.core.candidates import Library
from sidecar.engine.core.dedup import (
    Candidate,
    Decisions,
    DupGroup,
    Tier,
    choose_keeper,
    exact_groups,
    near_groups,
)
from sidecar.engine.core.likeness import LOOSE_BITS
from sidecar.engine.core.models import GroupDecision, Member, NearEdge, PairDecision
from sidecar.engine.core.pairing import Pair, PairingRules, PairKind, find_pairs
from sidecar.engine.core.video_groups import (
    DUPLICATE_SIDES,
    explain_videos,
    grouping_edge,
    trim_decisions,
    trim_pairs,
)

# (tier, owner, keeper, reasons, distance, reclaim, members): a group as the store takes it
GroupRow = tuple[str, str, str, list[str], int, int, list[Member]]
# (kind, owner, primary, reasons, members): a pair as the store takes it
PairRow = tuple[str, str, str, list[str], list[Member]]
# members -> (decision, primary): pairs people decided about in the review
PairDecisions = Mapping[frozenset[str], tuple[PairDecision, str | None]]
# member -> {other member: zoom}: pairs matched through a centre view, indexed both ways
CropIndex = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True, slots=True)
class GroupingRules:
    """The [analysis] settings grouping follows, as plain values."""

    keeper_rules: tuple[str, ...]
    near_threshold: int
    pairing: PairingRules


@dataclass(slots=True)
class Findings:
    exact: list[DupGroup]
    near: list[DupGroup]
    pairs: list[Pair]  # as people decided them in the review
    groups: list[GroupRow]
    pair_rows: list[PairRow]
    reclaimable_bytes: int

    def pair_counts(self) -> dict[str, int]:
        return {kind.value: sum(1 for p in self.pairs if p.kind is kind) for kind in PairKind}


def decisions_from(rows: Iterable[tuple[GroupDecision, Sequence[str]]]) -> Decisions:
    """Stored review decisions, (kind, member keys): "not duplicates" separates every two of
    the members; any other kind keeps the set together."""
    not_dup: set[frozenset[str]] = set()
    kept: list[frozenset[str]] = []
    for kind, keys in rows:
        if kind is GroupDecision.NOT_DUPLICATES:
            not_dup |= {frozenset((a, b)) for n, a in enumerate(keys) for b in keys[n + 1 :]}
        else:
            kept.append(frozenset(keys))
    return Decisions(frozenset(not_dup), tuple(kept))


def find_groups(
    lib: Library,
    edges: Iterable[NearEdge],
    decisions: Decisions,
    pair_decisions: PairDecisions,
    rules: GroupingRules,
    contents: Collection[str] | None = None,
) -> Findings:
    """Pairs (as decided), exact groups and near groups over the stored look-alike `edges`
    between contents, shaped as the store keeps them. `contents`: group only the candidates
    with these contents (a part of the library closed under edges; all its candidates and
    every shot of their folders given), pairs found over all the shots given."""
    cands, members = lib.candidates, lib.members
    if contents is not None:
        cands = [c for c in cands if c.content_hash in contents]
    keeper_rules = rules.keeper_rules
    pairing = find_pairs(lib.shots, rules.pairing)
    formed = list(pairing.pairs)  # a rejected pair is not stacked, and still no duplicate
    pairs = decided(pairing.pairs, pair_decisions)
    exact = exact_groups(cands, decisions, keeper_rules)
    edges = list(edges)
    near = near_duplicates(cands, edges, formed, decisions, rules)
    together = {frozenset((a, b)) for p in formed for a in p.members for b in p.members}
    trims = trim_pairs(cands, edges, [*exact, *near], together)
    pairs += decided(trims, trim_decisions(trims, [*exact, *near], pair_decisions))
    size_of = {c.key: c.size or 0 for c in lib.candidates}
    owner_of = {c.key: c.owner for c in lib.candidates}
    groups: list[GroupRow] = []
    reclaimable = 0
    for g in [*exact, *near]:
        reclaim = sum(size_of[m] for m in g.members if m != g.keeper)
        reclaimable += reclaim
        group_members = [members[m] for m in g.members]
        groups.append(
            (
                g.tier.value,
                owner_of[g.keeper],
                g.keeper,
                list(g.reasons),
                g.distance,
                reclaim,
                group_members,
            )
        )
    pair_rows: list[PairRow] = [
        (
            p.kind.value,
            owner_of[p.primary],
            p.primary,
            list(p.reasons),
            [members[m] for m in p.members],
        )
        for p in pairs
    ]
    return Findings(exact, near, pairs, groups, pair_rows, reclaimable)


def decided(pairs: list[Pair], decisions: PairDecisions) -> list[Pair]:
    """Pairs as people decided in the review: rejected ones dropped, chosen primaries kept,
    accepted ones say so (write-back stacks them whatever their kind)."""
    out = []
    for pair in pairs:
        kind, primary = decisions.get(frozenset(pair.members), (None, None))
        if kind is PairDecision.REJECT:
            continue
        if primary in pair.members and primary != pair.primary:
            pair = replace(
                pair, primary=primary, reasons=("primary chosen in the review", *pair.reasons)
            )
        if kind is PairDecision.ACCEPT:
            pair = replace(pair, reasons=("accepted in the review", *pair.reasons))
        out.append(pair)
    return out


def near_duplicates(
    cands: list[Candidate],
    edges: Iterable[NearEdge],
    pairs: list[Pair],
    decisions: Decisions,
    rules: GroupingRules,
) -> list[DupGroup]:
    """One representative per (owner, content), linked by the content edges; never the
    members of one pair or burst."""
    same: dict[tuple[str, str], list[int]] = {}
    for index, c in enumerate(cands):
        if c.phash is not None and c.content_hash:
            same.setdefault((c.owner, c.content_hash), []).append(index)
    rep: dict[tuple[str, str], int] = {}
    for key, indices in same.items():  # the copy an exact group would keep stands for all
        keep, _ = choose_keeper([cands[i] for i in indices], rules.keeper_rules)
        rep[key] = next(i for i in indices if cands[i].key == keep)
    owners_of: dict[str, list[str]] = {}
    for owner, content in rep:
        owners_of.setdefault(content, []).append(owner)
    together = {frozenset((a, b)) for p in pairs for a in p.members for b in p.members}
    links = []
    cropped: dict[str, dict[str, int]] = {}
    confirmed: dict[str, dict[str, NearEdge]] = {}
    videos: dict[frozenset[str], NearEdge] = {}
    for e in edges:
        if e.phash > rules.near_threshold and not e.likeness:
            continue  # beyond the threshold, and no thumbnail comparison confirmed it
        for owner in owners_of.get(e.a, ()):
            i, j = rep.get((owner, e.a)), rep.get((owner, e.b))
            if i is None or j is None or not grouping_edge(e, cands[i], cands[j]):
                continue
            pair = frozenset((cands[i].key, cands[j].key))
            if pair in together:
                continue
            first, second = sorted((cands[i].path, cands[j].path))
            links.append((e.likeness > 0, e.phash, e.dhash, e.zoom, first, second, i, j))
            a, b = cands[i].key, cands[j].key
            if e.side in DUPLICATE_SIDES:
                videos[pair] = e
            elif e.likeness:
                confirmed.setdefault(a, {})[b] = e
                confirmed.setdefault(b, {})[a] = e
            elif e.zoom:
                cropped.setdefault(a, {})[b] = e.zoom
                cropped.setdefault(b, {})[a] = e.zoom
    # what the hashes alone matched before what the thumbnails confirmed, then closest
    # first: dHash breaks pHash ties, then whole frames before views, then the member paths
    # (so equal distances always resolve the same way)
    links.sort()
    groups = near_groups(
        cands,
        [(e[6], e[7], e[1]) for e in links],
        rules.near_threshold,
        decisions,
        rules.keeper_rules,
        loose=LOOSE_BITS,  # only confirmed edges are further than the threshold (see above)
        late={(min(e[6], e[7]), max(e[6], e[7])) for e in links if e[0]},
    )
    by_key = {c.key: c for c in cands}
    return [
        explain_videos(
            explain_confirmed(explain_crops(g, cropped), confirmed, rules.near_threshold),
            by_key,
            videos,
            rules.near_threshold,
        )
        for g in groups
    ]


def explain_crops(group: DupGroup, cropped: CropIndex) -> DupGroup:
    """Say so when members were matched through a centre view (one is a cropped copy).
    `cropped`: member -> {other member: zoom} for the pairs matched that way; only the
    group's own members are looked up (no pass over every cropped pair per group)."""
    members = set(group.members)
    zooms = sorted(
        {z for m in group.members for other, z in cropped.get(m, {}).items() if other in members}
    )
    if not zooms:
        return group
    cuts = " or ".join(f"{z / 10:g}%" for z in zooms)
    why = f"some look alike once the larger is cropped by about {cuts} on every side"
    return replace(group, reasons=(group.reasons[0], why, *group.reasons[1:]))


def explain_confirmed(
    group: DupGroup, confirmed: Mapping[str, Mapping[str, NearEdge]], threshold: int
) -> DupGroup:
    """Say which members only the second look (small thumbnails) matched, and how: whole
    frames a little further apart than the threshold, or a copy cut from one side.
    `confirmed`: member -> {other member: edge}; only the group's own members are looked up."""
    members = set(group.members)
    pairs = {
        (min(m, other), max(m, other)): e
        for m in group.members
        for other, e in confirmed.get(m, {}).items()
        if other in members
    }
    found = list(pairs.values())
    if not found:
        return group
    why: list[str] = []
    for side in sorted({e.side for e in found if e.side}):
        edges = [e for e in found if e.side == side]
        zooms = sorted({e.zoom for e in edges})
        cuts = (
            f"{zooms[0] / 10:g}%" if len(zooms) == 1 else f"{zooms[0] / 10:g}-{zooms[-1] / 10:g}%"
        )
        alike = min(e.likeness for e in edges) / 1000
        why.append(
            f"some look alike once the larger is cut by about {cuts} on the {side}"
            f" (confirmed by small thumbnails, {alike:.3f} alike)"
        )
    whole = [e for e in found if not e.side]
    if whole:
        alike = min(e.likeness for e in whole) / 1000
        why.append(
            f"some differ by up to {threshold + LOOSE_BITS} bits, more than the hashes alone"
            f" may: confirmed by small thumbnails ({alike:.3f} alike)"
        )
    return replace(group, reasons=(group.reasons[0], *why, *group.reasons[1:]))


def semantic_row(members: list[Member], keeper: str, owner: str, keeper_name: str) -> GroupRow:
    """One of Immich's own (CLIP-based) duplicate groups, as a review-only third tier."""
    reasons = [
        "Immich's own duplicate detection (review only; not verified here)",
        f"Immich suggests keeping {keeper_name}",
    ]
    reclaim = sum(m.size or 0 for m in members if m.key != keeper)
    return (Tier.SEMANTIC.value, owner, keeper, reasons, 0, reclaim, members)
