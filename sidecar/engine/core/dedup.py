"""Duplicate groups (pure): exact by content hash, near by perceptual distance, with a keeper
chosen by ordered rules that say why.

Near groups use *complete linkage*: two clusters merge only if every pair across them is
within the threshold, so A≈B and B≈C never put A and C together unless A≈C too. Decisions a
person made ("not duplicates" for a pair, "keep these" for a set) are applied here, on every
run, keyed by the members themselves rather than by group ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sidecar.engine.core.naming import Role, parse_stem, split_name


class Tier(StrEnum):
    EXACT = "exact"
    NEAR = "near"
    SEMANTIC = "semantic"


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str  # asset id with Immich, the path in local mode
    owner: str
    path: str
    content_hash: str | None
    phash: int | None = None  # unsigned 64-bit
    width: int | None = None
    height: int | None = None
    size: int | None = None
    format: str = ""
    captured_at: datetime | None = None
    exif_fields: int = 0
    in_album: bool = False
    favorite: bool = False
    has_description: bool = False
    preferred: bool = False  # under a folder the user prefers to keep


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


# -- keeper rules -------------------------------------------------------------------------

KEEPER_RULES: dict[str, str] = {
    "pixels": "more pixels",
    "camera-format": "in a camera's format (JPEG, HEIC, RAW), not a conversion",
    "file-size": "larger file at the same dimensions",
    "prefer-raw": "RAW preferred",
    "exif": "more EXIF metadata",
    "album": "in an album",
    "favorite": "a favourite",
    "description": "has a description",
    "preferred-folder": "in a preferred folder",
    "older": "captured earlier",
    "original-name": "not named like a copy",
    "shorter-path": "shorter path (fewer copies deep)",
}
DEFAULT_KEEPER_RULES = ("album", "favorite", "description", "preferred-folder", "pixels",
                        "camera-format", "file-size", "exif", "older", "original-name",
                        "shorter-path")  # fmt: skip
CAMERA_FORMATS = frozenset({"jpeg", "heic", "raw"})


def _score(c: Candidate, rule: str) -> float:
    if rule == "pixels":
        return (c.width or 0) * (c.height or 0)
    if rule == "file-size":
        return c.size or 0
    if rule == "camera-format":
        return 1.0 if c.format in CAMERA_FORMATS else 0.0
    if rule == "prefer-raw":
        return 1.0 if c.format == "raw" else 0.0
    if rule == "exif":
        return c.exif_fields
    if rule == "album":
        return float(c.in_album)
    if rule == "favorite":
        return float(c.favorite)
    if rule == "description":
        return float(c.has_description)
    if rule == "preferred-folder":
        return float(c.preferred)
    if rule == "older":
        return -c.captured_at.timestamp() if c.captured_at else float("-inf")
    if rule == "original-name":
        stem = split_name(c.path.rsplit("/", 1)[-1])[0]
        return 0.0 if parse_stem(stem).role in (Role.COPY, Role.EDITED) else 1.0
    if rule == "shorter-path":
        return -c.path.count("/")
    raise ValueError(f"unknown keeper rule {rule!r}")


def choose_keeper(
    members: Sequence[Candidate], rules: Sequence[str] = DEFAULT_KEEPER_RULES
) -> tuple[str, tuple[str, ...]]:
    """The member to keep and the rules that decided it, in order."""
    ranked = sorted(members, key=lambda c: ([_score(c, r) for r in rules], c.path), reverse=True)
    best = ranked[0]
    reasons: list[str] = []
    for other in ranked[1:]:
        for rule in rules:
            if rule == "file-size" and (best.width, best.height) != (other.width, other.height):
                continue
            if _score(best, rule) != _score(other, rule):
                text = f"{KEEPER_RULES[rule]} than {other.path.rsplit('/', 1)[-1]}"
                if text not in reasons:
                    reasons.append(text)
                break
        else:
            reasons.append(f"equal by every rule to {other.path.rsplit('/', 1)[-1]}; "
                           "chosen by path order")  # fmt: skip
    return best.key, tuple(reasons)


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
) -> list[DupGroup]:
    """Complete-linkage clusters over `edges` (index, index, distance) between candidates of
    one owner with different content, each within `threshold`. Edges of equal distance are
    taken in the order given (callers put the closest by a finer measure first)."""
    decisions = decisions or Decisions()
    dist: dict[tuple[int, int], int] = {}
    order: dict[tuple[int, int], int] = {}
    for i, j, d in edges:
        if d > threshold or i == j:
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
    for (i, j), _d in sorted(dist.items(), key=lambda kv: (kv[1], order[kv[0]])):
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
        why = f"look alike: pHash distance <= {worst} (threshold {threshold})"
        groups.append(DupGroup(Tier.NEAR, tuple(sorted(keys)), keeper, (why, *reasons), worst))
    return sorted(groups, key=lambda g: g.members)
