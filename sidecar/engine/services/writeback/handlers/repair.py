"""Repairing a re-imported move: the new asset gets what a person gave the old one (albums,
tags, favourite, description). Undo takes back only what still stands as carried."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sidecar.engine.core.models import JournalAction, Made, MadeKind
from sidecar.engine.core.writeback import entry_key
from sidecar.engine.services.writeback.handlers.base import (
    Context,
    Handler,
    MadeRow,
    Outcome,
    Reverted,
    counted,
    description,
    ids_of,
    partly,
)
from sidecar.immich_client import ImmichClient, ImmichNotFoundError


class RepairHandler(Handler):
    tags = True

    async def execute(self, ctx: Context, action: JournalAction) -> Outcome:
        client, new, carry = ctx.client, ids_of(action)[1], action.payload["carry"]
        made: list[MadeRow] = []
        for album_id in carry.get("albums", []):
            if any(r.success for r in await client.add_to_album(album_id, [new])):
                made.append((MadeKind.ALBUM_ASSET, entry_key(album_id, new), album_id))
        for tag_id in carry.get("tags", []):
            if any(r.success for r in await client.tag_assets(tag_id, [new])):
                made.append((MadeKind.TAG_ASSET, entry_key(tag_id, new), tag_id))
        fields: dict[str, Any] = {}
        if carry.get("favorite"):
            fields["isFavorite"] = True
        if carry.get("description"):
            fields["description"] = carry["description"]
        if fields:
            await client.update_assets([new], **fields)
            made += [(MadeKind.ASSET_FIELD, f"{new}:{name}", new) for name in fields]
        return {"carried": carry}, made

    async def settle(self, ctx: Context, action: JournalAction) -> Outcome | None:
        new, carry = ids_of(action)[1], action.payload["carry"]
        in_albums = {a.id for a in await ctx.client.albums_of(new)}
        detail = await ctx.client.asset(new)
        tags = {t.id for t in detail.tags or []}
        made: list[MadeRow] = [
            (MadeKind.ALBUM_ASSET, entry_key(a, new), a)
            for a in carry.get("albums", [])
            if a in in_albums
        ]
        made += [
            (MadeKind.TAG_ASSET, entry_key(t, new), t) for t in carry.get("tags", []) if t in tags
        ]
        if carry.get("favorite") and detail.is_favorite:
            made.append((MadeKind.ASSET_FIELD, f"{new}:isFavorite", new))
        if carry.get("description") and description(detail) == carry["description"]:
            made.append((MadeKind.ASSET_FIELD, f"{new}:description", new))
        if not made:
            return None
        return {"carried": carry, "settled": True}, made

    async def revert(
        self, client: ImmichClient, action: JournalAction, made: Sequence[Made]
    ) -> Reverted:
        new = ids_of(action)[1]
        undone = 0
        for m in made:
            if m.kind == MadeKind.ALBUM_ASSET:
                undone += counted(await client.remove_from_album(m.immich_id or "", [new]))
            elif m.kind == MadeKind.TAG_ASSET:
                try:
                    undone += counted(await client.untag_assets(m.immich_id or "", [new]))
                except ImmichNotFoundError:
                    continue
        fields = {m.key.split(":", 1)[1] for m in made if m.kind == MadeKind.ASSET_FIELD}
        detail = await client.asset(new) if fields else None
        undo_fields: dict[str, Any] = {}
        if detail and "isFavorite" in fields and detail.is_favorite:
            undo_fields["isFavorite"] = False
        carried = (action.payload["carry"] or {}).get("description")
        if detail and "description" in fields and description(detail) == carried:
            undo_fields["description"] = ""
        if undo_fields:
            await client.update_assets([new], **undo_fields)
        undone += len(undo_fields)
        note = partly(undone, len(made), "carried things", "changed in Immich")
        return Reverted(undone, len(made), note)

    def updates(self, action: JournalAction) -> list[str]:
        carry = action.payload.get("carry") or {}
        if carry.get("favorite") or carry.get("description"):
            return [ids_of(action)[1]]
        return []
