"""Undoing one journaled write-back action, honestly: only what still stands exactly as the run
made it is reverted. What a person changed or removed in Immich since is left as it is, and
said so; what was already gone is not counted as reverted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sidecar.engine.core.journal_kinds import MadeKind
from sidecar.engine.core.writeback import ActionKind, stack_key
from sidecar.engine.store.journal import JournalAction, Made
from sidecar.immich_client import ImmichClient, ImmichNotFoundError
from sidecar.immich_client.models import Asset, BulkIdResult


@dataclass(frozen=True, slots=True)
class Reverted:
    """What undoing one action did: `undone` of `total` things it made were reverted."""

    undone: int
    total: int
    note: str | None = None


def _counted(results: Sequence[BulkIdResult]) -> int:
    return sum(1 for r in results if r.success)


def _partly(undone: int, total: int, what: str, gone: str) -> str | None:
    if undone == total:
        return None
    return f"{total - undone} of {total} {what} were {gone} already; only the rest undone"


async def revert(client: ImmichClient, action: JournalAction, made: Sequence[Made]) -> Reverted:
    kind = ActionKind(action.kind)
    if kind is ActionKind.CREATE_STACK:
        return await _stack(client, action, made)
    if kind is ActionKind.ADD_TO_ALBUM:
        by_album: dict[str, list[str]] = {}
        for m in made:
            by_album.setdefault(m.immich_id or "", []).append(_asset(m))
        undone = 0
        for album_id, ids in by_album.items():
            undone += _counted(await client.remove_from_album(album_id, ids))
        note = _partly(undone, len(made), "album entries", "removed in Immich")
        return Reverted(undone, len(made), note)
    if kind is ActionKind.TAG_ASSETS:
        return await _untag(client, made)
    if kind is ActionKind.REPAIR_MOVE:
        return await _repair(client, action, made)
    if kind is ActionKind.TRASH:
        still = [m.key for m in made if await is_trashed(client, m.key)]
        if still:
            await client.restore_assets(still)
        return Reverted(
            len(still), len(made), _partly(len(still), len(made), "assets", "restored in Immich")
        )
    if kind is ActionKind.CREATE_TAG:
        return await _tags(client, made)
    if kind is ActionKind.PUBLISH_DUPLICATES:
        undone = 0
        for m in made:
            ids = m.key.split(",")
            carrying = [a for a in ids if await duplicate_id(client, a) == m.immich_id]
            if carrying:
                await client.update_assets(carrying, duplicateId=None)
                undone += 1
            if 0 < len(carrying) < len(ids):
                return Reverted(
                    undone,
                    len(made),
                    "some assets had left the group in Immich since; only ours cleared",
                )
        if not undone:
            return Reverted(0, len(made), "the group was already dismissed or resolved in Immich")
        return Reverted(undone, len(made))
    if kind is ActionKind.CREATE_ALBUM:
        return await _album(client, made)
    return Reverted(0, len(made), f"nothing to undo for {action.kind}")


async def _stack(client: ImmichClient, action: JournalAction, made: Sequence[Made]) -> Reverted:
    """A stack is removed only if it stands exactly as the run made it: same members, same
    primary. A person who added or removed a member, changed the primary or unstacked it
    made it theirs."""
    live = {s.id: s for s in await client.stacks()}
    primary = action.payload["asset_ids"][0]
    for m in made:
        stack = live.get(m.immich_id or "")
        if stack is None:
            return Reverted(
                0,
                len(made),
                "the stack is no longer in Immich (a person unstacked or merged it); "
                "nothing to undo",
            )
        if stack_key(a.id for a in stack.assets) != m.key:
            return Reverted(
                0,
                len(made),
                "a person added or removed stack members in Immich "
                "since; the stack is left as it is",
            )
        if stack.primary_asset_id != primary:
            return Reverted(
                0,
                len(made),
                "a person chose another primary in Immich since; the stack is left as it is",
            )
        await client.delete_stack(stack.id)
    return Reverted(len(made), len(made))


async def _untag(client: ImmichClient, made: Sequence[Made]) -> Reverted:
    by_tag: dict[str, list[str]] = {}
    for m in made:
        by_tag.setdefault(m.immich_id or "", []).append(_asset(m))
    undone = 0
    for tag_id, ids in by_tag.items():
        try:
            undone += _counted(await client.untag_assets(tag_id, ids))
        except ImmichNotFoundError:
            continue  # the tag was deleted in Immich
    return Reverted(
        undone, len(made), _partly(undone, len(made), "tag entries", "removed in Immich")
    )


async def _tags(client: ImmichClient, made: Sequence[Made]) -> Reverted:
    kept, undone = [], 0
    for m in sorted(made, key=lambda m: -len(m.key)):  # deepest first
        tags = await client.tags()
        if m.immich_id not in {t.id for t in tags}:
            continue
        children = [t for t in tags if t.parent_id == m.immich_id]
        if children or await client.tag_asset_ids(m.immich_id or ""):
            kept.append(m.key.split(":", 1)[1])
            continue
        await client.delete_tag(m.immich_id or "")
        undone += 1
    if kept:
        return Reverted(undone, len(made), f"kept tag(s) used in Immich since: {', '.join(kept)}")
    return Reverted(undone, len(made), _partly(undone, len(made), "tags", "deleted in Immich"))


async def _album(client: ImmichClient, made: Sequence[Made]) -> Reverted:
    undone = 0
    for m in made:
        if m.immich_id is None:
            continue
        try:
            if await client.album_asset_ids(m.immich_id):
                return Reverted(
                    undone, len(made), "the album holds assets added in Immich since; left as it is"
                )
            await client.delete_album(m.immich_id)
            undone += 1
        except ImmichNotFoundError:
            return Reverted(undone, len(made), "the album was already deleted in Immich")
    return Reverted(undone, len(made))


async def _repair(client: ImmichClient, action: JournalAction, made: Sequence[Made]) -> Reverted:
    new = action.payload["asset_ids"][1]
    undone = 0
    for m in made:
        if m.kind == MadeKind.ALBUM_ASSET:
            undone += _counted(await client.remove_from_album(m.immich_id or "", [new]))
        elif m.kind == MadeKind.TAG_ASSET:
            try:
                undone += _counted(await client.untag_assets(m.immich_id or "", [new]))
            except ImmichNotFoundError:
                continue
    fields = {m.key.split(":", 1)[1] for m in made if m.kind == MadeKind.ASSET_FIELD}
    detail = await client.asset(new) if fields else None
    undo_fields: dict[str, Any] = {}
    if detail and "isFavorite" in fields and detail.is_favorite:
        undo_fields["isFavorite"] = False
    if (
        detail
        and "description" in fields
        and description(detail) == (action.payload["carry"] or {}).get("description")
    ):
        undo_fields["description"] = ""
    if undo_fields:
        await client.update_assets([new], **undo_fields)
    undone += len(undo_fields)
    return Reverted(
        undone, len(made), _partly(undone, len(made), "carried things", "changed in Immich")
    )


def _asset(m: Made) -> str:
    return m.key.split(":", 1)[1]


def description(asset: Asset) -> str:
    return (asset.exif.description if asset.exif else None) or ""


async def is_trashed(client: ImmichClient, asset_id: str) -> bool:
    try:
        return (await client.asset(asset_id)).is_trashed
    except ImmichNotFoundError:
        return False


async def duplicate_id(client: ImmichClient, asset_id: str) -> str | None:
    try:
        return (await client.asset(asset_id)).duplicate_id
    except ImmichNotFoundError:
        return None
