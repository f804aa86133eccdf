"""The review album: members of duplicate groups to look at in Immich."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sidecar.engine.core.writeback.actions import Action, ActionKind, Plan, batches, to_add


@dataclass(frozen=True, slots=True)
class AlbumState:
    """The review album of one owner as Immich has it now."""

    name: str
    album_id: str | None  # None: it does not exist (yet)
    members: frozenset[str] = frozenset()
    rejected: bool = False  # a person deleted the album an earlier run made


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
    todo = to_add(
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
