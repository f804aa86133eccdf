"""The review album: create it, add assets to it. Undo deletes the album only while it holds
nothing added since, and removes only the entries the run added."""

from __future__ import annotations

from collections.abc import Sequence

from sidecar.engine.core.models import JournalAction, Made, MadeKind
from sidecar.engine.services.writeback.handlers.base import (
    Context,
    Handler,
    Outcome,
    Reverted,
)
from sidecar.engine.services.writeback.handlers.entries import Bulk, EntriesHandler, Members
from sidecar.immich_client import ImmichClient, ImmichNotFoundError

ALBUM_DESCRIPTION = "Members of duplicate groups found by immich-sidecar, to review."


class CreateAlbumHandler(Handler):
    async def execute(self, ctx: Context, action: JournalAction) -> Outcome:
        name = action.payload["album"]
        album = await ctx.client.create_album(name, ALBUM_DESCRIPTION)
        ctx.created[(action.owner, name)] = album.id
        return {"album_id": album.id}, [(MadeKind.ALBUM, f"{action.owner}:{name}", album.id)]

    async def settle(self, ctx: Context, action: JournalAction) -> Outcome | None:
        name = action.payload["album"]
        found = await ctx.client.find_albums(name)
        key = f"{action.owner}:{name}"
        ours = [m for m in await ctx.journal.made(MadeKind.ALBUM, action.owner) if m.key == key]
        if len(found) != 1 or ours:
            return None
        ctx.created[(action.owner, name)] = found[0].id
        return {"album_id": found[0].id}, [(MadeKind.ALBUM, key, found[0].id)]

    async def revert(
        self, client: ImmichClient, action: JournalAction, made: Sequence[Made]
    ) -> Reverted:
        undone = 0
        for m in made:
            if m.immich_id is None:
                continue
            try:
                if await client.album_asset_ids(m.immich_id):
                    why = "the album holds assets added in Immich since; left as it is"
                    return Reverted(undone, len(made), why)
                await client.delete_album(m.immich_id)
                undone += 1
            except ImmichNotFoundError:
                return Reverted(undone, len(made), "the album was already deleted in Immich")
        return Reverted(undone, len(made))


class AddToAlbumHandler(EntriesHandler):
    made = MadeKind.ALBUM_ASSET
    container = "album"
    what = "album entries"
    missing = "the album this action adds to was not created"

    def add(self, client: ImmichClient) -> Bulk:
        return client.add_to_album

    def remove(self, client: ImmichClient) -> Bulk:
        return client.remove_from_album

    def members(self, client: ImmichClient) -> Members:
        return client.album_asset_ids
