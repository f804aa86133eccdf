"""Stacks to create: only where none of the assets is stacked yet."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sidecar.engine.core.writeback.actions import Action, ActionKind, Plan, stack_key


@dataclass(frozen=True, slots=True)
class StackWish:
    owner: str
    members: tuple[str, ...]  # asset ids, the primary first
    category: str
    reason: str


@dataclass(frozen=True, slots=True)
class LiveStack:
    id: str
    primary: str
    members: frozenset[str]


def plan_stacks(
    wishes: Iterable[StackWish],
    live: Mapping[str, LiveStack],
    ours: frozenset[str],
    rejected: frozenset[str],
    unavailable: Mapping[str, str],
    plan: Plan,
) -> None:
    """Stacks to create. `live`: asset id -> the stack it is in now; `ours`: ids of stacks
    earlier runs made and that still stand; `rejected`: stack keys people undid;
    `unavailable`: asset id -> why it cannot be used (trashed, gone, ...)."""
    claimed: set[str] = set()
    for wish in wishes:
        names = ", ".join(wish.members)
        missing = [f"{a} ({unavailable[a]})" for a in wish.members if a in unavailable]
        if missing:
            plan.notes.append(f"{wish.category} stack of {names} left out: {'; '.join(missing)}")
            continue
        if stack_key(wish.members) in rejected:
            plan.rejected += 1
            continue
        stacks = {live[a].id: live[a] for a in wish.members if a in live}
        if len(stacks) == 1:
            (current,) = stacks.values()
            if current.members == frozenset(wish.members) and current.primary == wish.members[0]:
                plan.satisfied += 1
                continue
        if stacks:
            whose = "an earlier run of ours" if set(stacks) <= ours else "you (in Immich)"
            plan.notes.append(
                f"{wish.category} stack of {names} left out: already stacked by {whose} "
                f"with other members; never changed by the sidecar"
            )
            continue
        if claimed & set(wish.members):
            plan.notes.append(
                f"{wish.category} stack of {names} left out: overlaps another "
                f"stack planned in this run"
            )
            continue
        claimed |= set(wish.members)
        plan.actions.append(
            Action(ActionKind.CREATE_STACK, wish.owner, wish.members, wish.reason, wish.category)
        )
