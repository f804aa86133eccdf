"""Publishing a duplicate group in Immich: its assets get one duplicate id (chosen before the
call, so a killed run can be settled). Undo clears the id on assets still carrying it."""

from __future__ import annotations

from collections.abc import Sequence

from sidecar.engine.core.models import JournalAction, Made, MadeKind
from sidecar.engine.core.writeback import stack_key
from sidecar.engine.services.writeback.handlers.base import (
    Context,
    Handler,
    Outcome,
    Reverted,
    duplicate_id,
    ids_of,
)
from sidecar.immich_client import ImmichClient


class DuplicatesHandler(Handler):
    async def execute(self, ctx: Context, action: JournalAction) -> Outcome:
        ids, group = ids_of(action), action.payload["duplicate_id"]
        await ctx.client.update_assets(ids, duplicateId=group)
        return {"duplicate_id": group}, [(MadeKind.DUPLICATE_GROUP, stack_key(ids), group)]

    async def settle(self, ctx: Context, action: JournalAction) -> Outcome | None:
        ids, group = ids_of(action), action.payload["duplicate_id"]
        carrying = [a for a in ids if await duplicate_id(ctx.client, a) == group]
        if carrying == ids:
            return {"duplicate_id": group}, [(MadeKind.DUPLICATE_GROUP, stack_key(ids), group)]
        if carrying:  # cannot happen (one request), but never leave a half group
            await ctx.client.update_assets(carrying, duplicateId=None)
        return None

    async def revert(
        self, client: ImmichClient, action: JournalAction, made: Sequence[Made]
    ) -> Reverted:
        undone = 0
        for m in made:
            ids = m.key.split(",")
            carrying = [a for a in ids if await duplicate_id(client, a) == m.immich_id]
            if carrying:
                await client.update_assets(carrying, duplicateId=None)
                undone += 1
            if 0 < len(carrying) < len(ids):
                why = "some assets had left the group in Immich since; only ours cleared"
                return Reverted(undone, len(made), why)
        if not undone:
            return Reverted(0, len(made), "the group was already dismissed or resolved in Immich")
        return Reverted(undone, len(made))

    def updates(self, action: JournalAction) -> list[str]:
        return ids_of(action)
