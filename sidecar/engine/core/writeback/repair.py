"""Repairing moves: what an asset Immich re-imported under a new id had before, carried over."""

from __future__ import annotations

from dataclasses import dataclass

from sidecar.engine.core.writeback.actions import Action, ActionKind, Plan, entry_key


@dataclass(frozen=True, slots=True)
class MoveState:
    """A file Immich re-imported under a new id after it moved, as Immich has both now."""

    owner: str
    old: str
    new: str
    evidence: str
    old_albums: frozenset[str] = frozenset()
    new_albums: frozenset[str] = frozenset()
    old_tags: frozenset[str] = frozenset()
    new_tags: frozenset[str] = frozenset()
    old_favorite: bool = False
    new_favorite: bool = False
    old_description: str = ""
    new_description: str = ""
    old_stacked: bool = False


def plan_repair(
    move: MoveState, rejected: frozenset[str], plan: Plan, *, xmp_allowed: bool = True
) -> bool:
    """Carry to the new asset what the old one had and the new one lacks; never take
    anything away from the new asset, and never re-add what a person removed from it.
    `rejected`: album-entry and tag-entry keys (album id:asset id, tag id:asset id).
    Without `xmp_allowed` (an external-library asset), tags and description are not carried:
    Immich would write an .xmp file beside the original. True when that spared something."""
    albums = sorted(
        a for a in move.old_albums - move.new_albums if entry_key(a, move.new) not in rejected
    )
    tags = sorted(
        t for t in move.old_tags - move.new_tags if entry_key(t, move.new) not in rejected
    )
    description = move.old_description if not move.new_description else ""
    spared = not xmp_allowed and bool(tags or description)
    if not xmp_allowed:
        tags, description = [], ""
    carry: dict[str, object] = {}
    if albums:
        carry["albums"] = albums
    if tags:
        carry["tags"] = tags
    if move.old_favorite and not move.new_favorite:
        carry["favorite"] = True
    if description:
        carry["description"] = description
    if move.old_stacked:
        plan.notes.append(
            f"{move.new}: the old asset {move.old} was in a stack; stacks are not carried over"
        )
    if not carry:
        if not spared:
            plan.satisfied += 1
        return spared
    what = ", ".join(f"{len(v)} {k}" if isinstance(v, list) else k for k, v in carry.items())
    plan.actions.append(
        Action(
            ActionKind.REPAIR_MOVE,
            move.owner,
            (move.old, move.new),
            f"moved on disk and re-imported by Immich ({move.evidence}): carry {what}",
            "repair",
            carry=carry,
        )
    )
    return spared
