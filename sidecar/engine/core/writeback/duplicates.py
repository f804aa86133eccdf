"""Duplicate groups published to Immich's own "Review duplicates" page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sidecar.engine.core.writeback.actions import Action, ActionKind, Plan, stack_key


@dataclass(frozen=True, slots=True)
class GroupWish:
    owner: str
    members: tuple[str, ...]  # asset ids, the suggested keeper first
    tier: str
    reason: str


def merge_overlapping(wishes: Iterable[GroupWish]) -> list[GroupWish]:
    """Immich holds one duplicateId per asset: groups sharing an asset (an exact group and a
    near group of its keeper) are published as one. The first group's keeper stays first."""
    merged: list[GroupWish] = []
    home: dict[str, int] = {}  # asset id -> index in merged
    for wish in wishes:
        hits = sorted({home[a] for a in wish.members if a in home})
        if not hits:
            for a in wish.members:
                home[a] = len(merged)
            merged.append(wish)
            continue
        target = hits[0]
        parts = [merged[i] for i in hits] + [wish]
        members = list(dict.fromkeys(a for p in parts for a in p.members))
        tiers = "+".join(dict.fromkeys(t for p in parts for t in p.tier.split("+")))
        reason = " | ".join(dict.fromkeys(p.reason for p in parts))
        merged[target] = GroupWish(merged[target].owner, tuple(members), tiers, reason)
        for i in hits[1:]:
            merged[i] = GroupWish(merged[i].owner, (), "", "")  # absorbed
        for a in members:
            home[a] = target
    return [w for w in merged if w.members]


def plan_duplicates(
    wishes: Iterable[GroupWish],
    duplicate_of: Mapping[str, str | None],
    ours: Mapping[str, str],
    rejected: frozenset[str],
    unavailable: Mapping[str, str],
    plan: Plan,
) -> None:
    """Groups to publish into Immich's "Review duplicates" page by giving their assets one
    shared duplicateId. `duplicate_of`: asset id -> its duplicateId now; `ours`: group key ->
    the duplicateId an earlier run gave it (still standing). An asset already in a duplicate
    group (Immich's own, or one of ours with other members) is never moved out of it."""
    for wish in merge_overlapping(wishes):
        key = stack_key(wish.members)
        missing = [f"{a} ({unavailable[a]})" for a in wish.members if a in unavailable]
        if missing:
            plan.notes.append(
                f"{wish.tier} group {', '.join(wish.members)} not published: {'; '.join(missing)}"
            )
            continue
        if key in rejected:
            plan.rejected += 1
            continue
        current = {duplicate_of.get(a) for a in wish.members}
        if key in ours and current == {ours[key]}:
            plan.satisfied += 1
            continue
        if current != {None}:
            plan.notes.append(
                f"{wish.tier} group {', '.join(wish.members)} not published: some of its "
                f"assets are already in a duplicate group in Immich; it is not disturbed"
            )
            continue
        plan.actions.append(
            Action(ActionKind.PUBLISH_DUPLICATES, wish.owner, wish.members, wish.reason, wish.tier)
        )
