"""What a person decided about a duplicate group or a pair, as the review shows it (pure):
the group's state in the list, a verdict per member, the member kept, and a pair's chosen
primary."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from sidecar.engine.core.models import (
    GroupDecision,
    MemberVerdict,
    PairDecision,
    StoredGroup,
    StoredPair,
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What was decided about a duplicate group. `state` (shown in the list): "not dup",
    "stack", "trash N" (N members in the trash queue), "N out" (members taken out of the
    group), or "". `marks`: member key -> what was decided about it (undecided: the
    suggested keeper is KEEP, the others UNDECIDED). `keeper`: the member kept (the suggested
    keeper until a person chose another). `reclaim`: the bytes the decision frees (the members
    going to the trash; undecided: the analysis's figure, all but the keeper)."""

    state: str
    marks: dict[str, MemberVerdict]
    keeper: str
    reclaim: int


# how the pairs list shows a decided pair
PAIR_STATES = {
    PairDecision.ACCEPT: "accepted",
    PairDecision.REJECT: "rejected",
    PairDecision.PRIMARY: "primary set",
}
CHOSEN_PRIMARY = "primary chosen in the review"  # the reason a chosen primary gives first


def verdict(
    g: StoredGroup,
    not_dup: set[frozenset[str]],
    separated: set[frozenset[str]],
    stacked: set[frozenset[str]],
    queued: dict[str, str],
) -> Verdict:
    ids = frozenset(m.asset_id for m in g.members if m.asset_id)
    trash = {m.key for m in g.members if m.asset_id in queued}
    out = members_out(g, separated)
    if frozenset(m.key for m in g.members) in not_dup:
        state = MemberVerdict.NOT_DUP.value
        rest = dict.fromkeys((m.key for m in g.members), MemberVerdict.NOT_DUP)
    elif ids and ids in stacked:
        state = MemberVerdict.STACK.value
        rest = dict.fromkeys((m.key for m in g.members), MemberVerdict.STACK)
    elif trash:
        state = f"{MemberVerdict.TRASH} {len(trash)}"
        rest = {
            m.key: MemberVerdict.TRASH if m.key in trash else MemberVerdict.KEEP for m in g.members
        }
    else:
        state = f"{len(out)} {MemberVerdict.OUT}" if out else ""
        rest = {
            m.key: MemberVerdict.KEEP if m.key == g.keeper else MemberVerdict.UNDECIDED
            for m in g.members
        }
    if state != MemberVerdict.NOT_DUP:  # "not duplicates" of two: each is "out" of the other
        rest = {k: MemberVerdict.OUT if k in out else mark for k, mark in rest.items()}
    marks = rest
    kept = [m for m in g.members if marks[m.key] is MemberVerdict.KEEP]
    keeper = g.keeper if g.keeper in {m.key for m in kept} or not kept else kept[0].key
    if trash and len(kept) > 1:  # kept: the chosen member and members Immich does not have
        keeper = next((m.key for m in kept if m.asset_id), keeper)
    going = (MemberVerdict.TRASH, MemberVerdict.UNDECIDED)
    freed = sum(m.size or 0 for m in g.members if m.key != keeper and marks[m.key] in going)
    return Verdict(state, marks, keeper, freed if state else g.reclaim)


def members_out(group: StoredGroup, separated: set[frozenset[str]]) -> set[str]:
    """Members said to be no duplicate of any other member of the group."""
    keys = [m.key for m in group.members]
    return {k for k in keys if all(frozenset((k, o)) in separated for o in keys if o != k)}


def not_duplicates(
    decisions: Iterable[tuple[GroupDecision, Iterable[str]]],
) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    """People's "not duplicates" decisions: the member sets as recorded, and every pair within
    them (as the analysis reads them)."""
    sets = {frozenset(keys) for kind, keys in decisions if kind is GroupDecision.NOT_DUPLICATES}
    return sets, {frozenset((a, b)) for keys in sets for a in keys for b in keys if a != b}


def with_primary(pair: StoredPair, primary: str) -> StoredPair:
    """`pair` with the primary a person chose (said first among its reasons); unchanged when
    `primary` is its primary already or none of its members."""
    if primary == pair.primary or primary not in {m.key for m in pair.members}:
        return pair
    reasons = [CHOSEN_PRIMARY, *(r for r in pair.reasons if r != CHOSEN_PRIMARY)]
    return replace(pair, primary=primary, reasons=reasons)


def chosen_primaries(
    pairs: Iterable[StoredPair],
    decisions: Mapping[frozenset[str], tuple[PairDecision, str | None]],
) -> list[StoredPair]:
    """Stored pairs with the primaries people chose since the analysis that stored them (the
    next analysis stores them so; until then the results still hold the suggested ones)."""
    out = []
    for pair in pairs:
        _, primary = decisions.get(frozenset(m.key for m in pair.members), (None, None))
        out.append(pair if primary is None else with_primary(pair, primary))
    return out
