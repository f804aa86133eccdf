"""What a write-back plan is made of: actions, the plan, and the keys and batches they share."""

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


def to_add(
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
