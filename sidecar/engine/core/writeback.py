"""Planning write-back to Immich: what to create, given what we want, what Immich holds now,
what earlier runs made, and what people rejected. Pure: no I/O.

Rules (each one a user's trust at stake):
- a stack is only created when none of its assets is in any stack yet; a stack a person made
  in Immich is never touched (Immich would merge or move it silently), and neither is one an
  earlier run made with other members;
- what an earlier run made and a person removed in Immich is a rejection: never made again;
- assets that are trashed, gone or unknown to the mirror are left out, with a note;
- everything stays within one owner (that owner's API key acts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

BATCH = 500  # ids per bulk call (albums, tags, trash): bodies stay far below Immich's 10 MB


class ActionKind(StrEnum):
    CREATE_STACK = "create_stack"
    CREATE_ALBUM = "create_album"
    ADD_TO_ALBUM = "add_to_album"
    PUBLISH_DUPLICATES = "publish_duplicates"
    CREATE_TAG = "create_tag"
    TAG_ASSETS = "tag_assets"
    TRASH = "trash"
    REPAIR_MOVE = "repair_move"


@dataclass(frozen=True, slots=True)
class Action:
    kind: ActionKind
    owner: str
    asset_ids: tuple[str, ...]  # a stack: the primary first
    reason: str
    category: str = ""  # raw+jpeg | variant | burst | exact | near | review album
    album: str | None = None  # album name (albums)
    album_id: str | None = None  # when the album exists already
    tag: str | None = None  # tag value, e.g. "immich-sidecar/raw+jpeg" (tags)
    tag_id: str | None = None  # when the tag exists already
    carry: Mapping[str, object] | None = None  # repair_move: what goes to the new asset

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "owner": self.owner,
            "asset_ids": list(self.asset_ids),
            "reason": self.reason,
            "category": self.category,
            "album": self.album,
            "album_id": self.album_id,
            "tag": self.tag,
            "tag_id": self.tag_id,
            "carry": dict(self.carry) if self.carry else None,
        }


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


@dataclass(frozen=True, slots=True)
class AlbumState:
    """The review album of one owner as Immich has it now."""

    name: str
    album_id: str | None  # None: it does not exist (yet)
    members: frozenset[str] = frozenset()
    rejected: bool = False  # a person deleted the album an earlier run made


@dataclass(slots=True)
class Plan:
    actions: list[Action] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was left out, and why
    warnings: list[str] = field(default_factory=list)  # what a person must know before applying
    satisfied: int = 0  # wishes Immich already fulfils
    rejected: int = 0  # wishes a person rejected earlier

    def summary(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for a in self.actions:
            key = a.kind.value
            out[key] = out.get(key, 0) + 1
            if a.kind is ActionKind.ADD_TO_ALBUM:
                out["assets_to_add_to_albums"] = out.get("assets_to_add_to_albums", 0) + len(
                    a.asset_ids
                )
        out["already_done"] = self.satisfied
        out["rejected_before"] = self.rejected
        out["left_out"] = len(self.notes)
        return out


def stack_key(members: Iterable[str]) -> str:
    return ",".join(sorted(members))


def entry_key(container_id: str, asset_id: str) -> str:
    """The key of an asset's membership in an album or a tag."""
    return f"{container_id}:{asset_id}"


def batches(ids: list[str]) -> list[tuple[str, ...]]:
    return [tuple(ids[start : start + BATCH]) for start in range(0, len(ids), BATCH)]


def _to_add(
    wanted: Iterable[str],
    container_id: str | None,
    members: frozenset[str],
    rejected: frozenset[str],
    unavailable: Mapping[str, str],
    plan: Plan,
    left_out: str,
) -> list[str]:
    """The wanted assets not yet in an album or tag, counting what is already there and what
    people removed; unavailable ones are noted (`left_out` says what they miss)."""
    todo = []
    for asset_id in sorted(wanted):
        if asset_id in unavailable:
            plan.notes.append(f"{asset_id} not {left_out}: {unavailable[asset_id]}")
        elif asset_id in members:
            plan.satisfied += 1
        elif container_id and entry_key(container_id, asset_id) in rejected:
            plan.rejected += 1
        else:
            todo.append(asset_id)
    return todo


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


def plan_album(
    owner: str,
    album: AlbumState,
    wanted: Mapping[str, str],
    rejected: frozenset[str],
    unavailable: Mapping[str, str],
    plan: Plan,
) -> None:
    """Review-album entries for one owner. `wanted`: asset id -> why it belongs there;
    `rejected`: album-entry keys people removed from the album after a run added them."""
    if album.rejected:
        if wanted:
            plan.rejected += len(wanted)
        return
    todo = _to_add(
        wanted,
        album.album_id,
        album.members,
        rejected,
        unavailable,
        plan,
        f"added to '{album.name}'",
    )
    if not todo:
        return
    if album.album_id is None:
        plan.actions.append(
            Action(
                ActionKind.CREATE_ALBUM,
                owner,
                (),
                "the review album for duplicate groups",
                "review album",
                album.name,
            )
        )
    for batch in batches(todo):
        plan.actions.append(
            Action(
                ActionKind.ADD_TO_ALBUM,
                owner,
                batch,
                f"{len(batch)} member(s) of duplicate groups to review",
                "review album",
                album.name,
                album.album_id,
            )
        )


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
        todo = _to_add(
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


def plan_trash(
    owner: str,
    decided: Mapping[str, str],
    trashed: frozenset[str],
    external: frozenset[str],
    unavailable: Mapping[str, str],
    plan: Plan,
) -> None:
    """Move to Immich's trash (recoverable; never force) what a person decided to drop.
    `decided`: asset id -> when; `trashed`: those already in the trash; `external`: those
    of an external library (emptying Immich's trash deletes their files from disk)."""
    todo = []
    for asset_id in sorted(decided):
        if asset_id in trashed:
            plan.satisfied += 1
        elif asset_id in unavailable:
            plan.notes.append(f"{asset_id} not trashed: {unavailable[asset_id]}")
        else:
            todo.append(asset_id)
    risky = [a for a in todo if a in external]
    if risky:
        plan.warnings.append(
            f"{len(risky)} of the assets to trash belong to an external library: "
            f"when Immich's trash is emptied (by hand, or after its trash days) Immich deletes "
            f"their files from your library folder"
        )
    for batch in batches(todo):
        plan.actions.append(
            Action(
                ActionKind.TRASH,
                owner,
                batch,
                f"{len(batch)} asset(s) you decided to drop "
                f"(`decide trash`); recoverable from Immich's trash",
                "trash",
            )
        )


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
