"""Our tags on members of duplicate groups and pairs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sidecar.engine.core.writeback.actions import Action, ActionKind, Plan, batches, to_add


@dataclass(frozen=True, slots=True)
class TagState:
    """One of our tags of one owner as Immich has it now."""

    value: str
    tag_id: str | None  # None: it does not exist (yet)
    members: frozenset[str] = frozenset()
    rejected: bool = False  # a person deleted the tag an earlier run made


def plan_tags(
    owner: str,
    wanted: Mapping[str, Mapping[str, str]],
    states: Mapping[str, TagState],
    rejected: frozenset[str],
    unavailable: Mapping[str, str],
    plan: Plan,
) -> None:
    """Tags to create and assets to tag, per tag value. `wanted`: value -> asset id -> why;
    `rejected`: tag-entry keys people removed after a run added them."""
    for value in sorted(wanted):
        state = states[value]
        if state.rejected:
            plan.rejected += len(wanted[value])
            continue
        todo = to_add(
            wanted[value],
            state.tag_id,
            state.members,
            rejected,
            unavailable,
            plan,
            f"tagged {value}",
        )
        if not todo:
            continue
        if state.tag_id is None:
            plan.actions.append(
                Action(ActionKind.CREATE_TAG, owner, (), f"the tag {value}", "tag", tag=value)
            )
        for batch in batches(todo):
            plan.actions.append(
                Action(
                    ActionKind.TAG_ASSETS,
                    owner,
                    batch,
                    f"{len(batch)} asset(s) found as {value.rsplit('/', 1)[-1]}",
                    "tag",
                    tag=value,
                    tag_id=state.tag_id,
                )
            )
