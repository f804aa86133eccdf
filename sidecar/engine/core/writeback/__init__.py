"""Planning write-back to Immich: what to create, given what we want, what Immich holds now,
what earlier runs made, and what people rejected. Pure: no I/O.

Rules (each one a user's trust at stake):
- a stack is only created when none of its assets is in any stack yet; a stack a person made
  in Immich is never touched (Immich would merge or move it silently), and neither is one an
  earlier run made with other members;
- what an earlier run made and a person removed in Immich is a rejection: never made again;
- assets that are trashed, gone or unknown to the mirror are left out, with a note;
- everything stays within one owner (that owner's API key acts).

One module per kind of write (stacks, albums, duplicates, tags, trash, repair); `actions`
holds what they share.
"""

from sidecar.engine.core.writeback.actions import (
    BATCH,
    Action,
    ActionKind,
    Plan,
    batches,
    entry_key,
    stack_key,
)
from sidecar.engine.core.writeback.albums import AlbumState, plan_album
from sidecar.engine.core.writeback.duplicates import GroupWish, merge_overlapping, plan_duplicates
from sidecar.engine.core.writeback.repair import MoveState, plan_repair
from sidecar.engine.core.writeback.stacks import LiveStack, StackWish, plan_stacks
from sidecar.engine.core.writeback.tags import TagState, plan_tags
from sidecar.engine.core.writeback.trash import plan_trash

__all__ = [
    "BATCH",
    "Action",
    "ActionKind",
    "AlbumState",
    "GroupWish",
    "LiveStack",
    "MoveState",
    "Plan",
    "StackWish",
    "TagState",
    "batches",
    "entry_key",
    "merge_overlapping",
    "plan_album",
    "plan_duplicates",
    "plan_repair",
    "plan_stacks",
    "plan_tags",
    "plan_trash",
    "stack_key",
]
