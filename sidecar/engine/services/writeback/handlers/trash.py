"""Trashing what a person decided to drop (never forced: Immich's trash can be emptied by a
person only). Undo restores what is still in the trash and takes the decision back."""

from __future__ import annotations

from collections.abc import Sequence

from sidecar.engine.core.models import JournalAction, Made, MadeKind
from sidecar.engine.ports import Journal
from sidecar.engine.services.writeback.handlers.base import (
    Context,
    Handler,
    Outcome,
    Reverted,
    ids_of,
    is_trashed,
    partly,
)
from sidecar.immich_client import ImmichClient


class TrashHandler(Handler):
    async def execute(self, ctx: Context, action: JournalAction) -> Outcome:
        ids = ids_of(action)
        await ctx.client.trash_assets(ids)  # never forced
        return {"trashed": ids}, [(MadeKind.TRASH, a, a) for a in ids]

    async def settle(self, ctx: Context, action: JournalAction) -> Outcome | None:
        trashed = [a for a in ids_of(action) if await is_trashed(ctx.client, a)]
        if not trashed:
            return None
        return {"trashed": trashed}, [(MadeKind.TRASH, a, a) for a in trashed]

    async def revert(
        self, client: ImmichClient, action: JournalAction, made: Sequence[Made]
    ) -> Reverted:
        still = [m.key for m in made if await is_trashed(client, m.key)]
        if still:
            await client.restore_assets(still)
        note = partly(len(still), len(made), "assets", "restored in Immich")
        return Reverted(len(still), len(made), note)

    async def after_undo(self, journal: Journal, made: Sequence[Made]) -> None:
        await journal.revoke_trash([m.key for m in made])
