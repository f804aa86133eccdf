"""Tags: create one (Immich creates its parents too), tag assets with it. Undo deletes only
tags nothing uses since, deepest first, and removes only the entries the run added."""

from __future__ import annotations

from collections.abc import Sequence

from sidecar.engine.core.models import JournalAction, Made, MadeKind
from sidecar.engine.services.writeback.handlers.base import (
    Context,
    Handler,
    Outcome,
    Reverted,
    asset_of,
    partly,
)
from sidecar.engine.services.writeback.handlers.entries import Bulk, EntriesHandler, Members
from sidecar.immich_client import ImmichClient


class CreateTagHandler(Handler):
    async def execute(self, ctx: Context, action: JournalAction) -> Outcome:
        value = action.payload["tag"]
        before = {t.value for t in await ctx.client.tags()}
        (leaf,) = await ctx.client.upsert_tags([value])
        ctx.created[(action.owner, value)] = leaf.id
        new_tags = [t for t in await ctx.client.tags() if t.value not in before]
        return {"tag_id": leaf.id, "created": [t.value for t in new_tags]}, [
            (MadeKind.TAG, f"{action.owner}:{t.value}", t.id) for t in new_tags
        ]

    async def settle(self, ctx: Context, action: JournalAction) -> Outcome | None:
        value = action.payload["tag"]
        values = {t.value: t.id for t in await ctx.client.tags()}
        if value not in values:
            return None
        # parents it may have created cannot be told apart: kept
        ctx.created[(action.owner, value)] = values[value]
        return {"tag_id": values[value]}, [(MadeKind.TAG, f"{action.owner}:{value}", values[value])]

    async def revert(
        self, client: ImmichClient, action: JournalAction, made: Sequence[Made]
    ) -> Reverted:
        kept, undone = [], 0
        for m in sorted(made, key=lambda m: -len(m.key)):  # deepest first
            tags = await client.tags()
            if m.immich_id not in {t.id for t in tags}:
                continue
            children = [t for t in tags if t.parent_id == m.immich_id]
            if children or await client.tag_asset_ids(m.immich_id or ""):
                kept.append(asset_of(m))
                continue
            await client.delete_tag(m.immich_id or "")
            undone += 1
        if kept:
            why = f"kept tag(s) used in Immich since: {', '.join(kept)}"
            return Reverted(undone, len(made), why)
        return Reverted(undone, len(made), partly(undone, len(made), "tags", "deleted in Immich"))


class TagAssetsHandler(EntriesHandler):
    tags = True
    made = MadeKind.TAG_ASSET
    container = "tag"
    what = "tag entries"
    missing = "the tag this action uses was not created"
    deleted_ok = True

    def add(self, client: ImmichClient) -> Bulk:
        return client.tag_assets

    def remove(self, client: ImmichClient) -> Bulk:
        return client.untag_assets

    def members(self, client: ImmichClient) -> Members:
        return client.tag_asset_ids
