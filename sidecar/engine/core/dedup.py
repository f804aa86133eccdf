"""Duplicate groups (pure): exact by content hash, near by perceptual distance, with a keeper
chosen by ordered rules that say why.

Near groups use *complete linkage*: two clusters merge only if every pair across them is
within the threshold, so A≈B and B≈C never put A and C together unless A≈C too. Decisions a
person made ("not duplicates" for a pair, "keep these" for a set) are applied here, on every
run, keyed by the members themselves rather than by group ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sidecar.engine.core.keeper import (
    DEFAULT_KEEPER_RULES,
    KEEPER_RULES,
    Candidate,
    choose_keeper,
)

__all__ = ["DEFAULT_KEEPER_RULES", "KEEPER_RULES", "Candidate", "choose_keeper"]


class Tier(StrEnum):
    EXACT = "exact"
    NEAR = "near"
    SEMANTIC = "semantic"


@dataclass(frozen=True, slots=True)
class DupGroup:
    tier: Tier
    members: tuple[str, ...]  # sorted keys
    keeper: str
    reasons: tuple[str, ...]
    distance: int  # the largest pairwise perceptual distance (0 for exact)


@dataclass(frozen=True, slots=True)
class Decisions:
    not_duplicates: frozenset[frozenset[str]] = frozenset()  # pairs of keys
    kept_together: tuple[frozenset[str], ...] = ()  # sets a person reviewed and kept

    def separates(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.not_duplicates

    def settled(self, members: Iterable[str]) -> bool:
        group = set(members)
        return any(group <= kept for kept in self.kept_together)


# -- exact ----------------------------------------------------------------------------------


def exact_groups(
    candidates: Iterable[Candidate],
    decisions: Decisions | None = None,
    rules: Sequence[str] = DEFAULT_KEEPER_RULES,
) -> list[DupGroup]:
    """Members of one owner with the same content hash (each key counted once)."""
    decisions = decisions or Decisions()
    by_content: dict[tuple[str, str], dict[str, Candidate]] = defaultdict(dict)
    for c in candidates:
        if c.content_hash:
            by_content[(c.owner, c.content_hash)].setdefault(c.key, c)
    groups = []
    for (_, content), members in sorted(by_content.items()):
        for cluster in _split_by_decisions(list(members.values()), decisions):
            if len(cluster) < 2 or decisions.settled(m.key for m in cluster):
                continue
            keeper, reasons = choose_keeper(cluster, rules)
            keys = tuple(sorted(m.key for m in cluster))
            why = f"identical content ({content[:12]})"
            groups.append(DupGroup(Tier.EXACT, keys, keeper, (why, *reasons), 0))
    return groups


def _split_by_decisions(members: list[Candidate], decisions: Decisions) -> list[list[Candidate]]:
    """Greedy complete linkage where every pair is linked unless a person separated it."""
    clusters: list[list[Candidate]] = []
    for m in sorted(members, key=lambda c: c.path):
        for cluster in clusters:
            if not any(decisions.separates(m.key, other.key) for other in cluster):
                cluster.append(m)
                break
        else:
            clusters.append([m])
    return clusters


# -- near -------------------------------------------------------------------------------------


def near_groups(
    candidates: Sequence[Candidate],
    edges: Iterable[tuple[int, int, int]],
    threshold: int,
    decisions: Decisions | None = None,
    rules: Sequence[str] = DEFAULT_KEEPER_RULES,
    loose: int = 0,
    late: Collection[tuple[int, int]] = (),
) -> list[DupGroup]:
    """Complete-linkage clusters over `edges` (index, index, distance) between candidates of
    one owner with different content, each within `threshold` (or `loose` bits more: edges a
    second comparison confirmed, the caller keeps only those). The `late` edges (i < j; those
    confirmed by the second comparison) are taken after all others; edges of equal distance
    in the order given (callers put the closest by a finer measure first)."""
    decisions = decisions or Decisions()
    dist: dict[tuple[int, int], int] = {}
    order: dict[tuple[int, int], int] = {}
    for i, j, d in edges:
        if d > threshold + loose or i == j:
            continue
        a, b = candidates[i], candidates[j]
        if a.owner != b.owner or (a.content_hash and a.content_hash == b.content_hash):
            continue
        if decisions.separates(a.key, b.key):
            continue
        key = (i, j) if i < j else (j, i)
        dist[key] = min(d, dist.get(key, d))
        order.setdefault(key, len(order))
    cluster_of: dict[int, int] = {}
    clusters: dict[int, set[int]] = {}
    later = set(late)
    ranked = sorted(dist.items(), key=lambda kv: (kv[0] in later, kv[1], order[kv[0]]))
    for (i, j), _d in ranked:
        ci, cj = cluster_of.get(i, i), cluster_of.get(j, j)
        if ci == cj:
            continue
        left, right = clusters.get(ci, {i}), clusters.get(cj, {j})
        if all((min(x, y), max(x, y)) in dist for x in left for y in right):
            merged = left | right
            clusters[ci] = merged
            clusters.pop(cj, None)
            for x in merged:
                cluster_of[x] = ci
    groups = []
    for members in clusters.values():
        if len(members) < 2:
            continue
        ordered = sorted(members)
        keys = [candidates[i].key for i in ordered]
        if decisions.settled(keys):
            continue
        worst = max(dist[(x, y)] for n, x in enumerate(ordered) for y in ordered[n + 1 :])
        keeper, reasons = choose_keeper([candidates[i] for i in ordered], rules)
        why = _look_alike(worst, threshold, loose)
        groups.append(DupGroup(Tier.NEAR, tuple(sorted(keys)), keeper, (why, *reasons), worst))
    return sorted(groups, key=lambda g: g.members)


def _look_alike(worst: int, threshold: int, loose: int = 0) -> str:
    """How alike the members' perceptual hashes are, in words."""
    if worst == 0:
        return f"look alike: identical perceptual hashes (at most {threshold} bits may differ)"
    bits = "bit" if worst == 1 else "bits"
    if worst > threshold:
        return (
            f"look alike: perceptual hashes differ in {worst} {bits} (at most {threshold} may,"
            f" or {threshold + loose} when small thumbnails confirm it)"
        )
    return f"look alike: perceptual hashes differ in {worst} {bits} (at most {threshold} may)"
