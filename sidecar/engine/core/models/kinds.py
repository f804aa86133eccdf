"""What the write-back journal records, as names: an action's status, the kind of thing a
run made, and a run's status. Stored as their values; rows read back compare equal to them."""

from __future__ import annotations

from enum import StrEnum


class ActionStatus(StrEnum):
    PLANNED = "planned"  # journaled with its run, not attempted yet
    INTENT = "intent"  # about to call Immich (a killed run leaves this: settled later)
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"  # not attempted: blocked, stale or the run was interrupted
    REVERTED = "reverted"
    REVERT_FAILED = "revert_failed"
    LEFT = "left"  # undo found nothing of it standing as the run made it


class MadeKind(StrEnum):
    STACK = "stack"  # key: the members, sorted
    ALBUM = "album"  # key: owner:name
    ALBUM_ASSET = "album_asset"  # key: album id:asset id
    TAG = "tag"  # key: owner:value
    TAG_ASSET = "tag_asset"  # key: tag id:asset id
    DUPLICATE_GROUP = "duplicate_group"  # key: the members, sorted
    TRASH = "trash"  # key: the asset id
    ASSET_FIELD = "asset_field"  # key: asset id:field name


class RunStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    UNDONE = "undone"
