"""Stacks: create one (the primary first); after a killed run, find it among Immich's
stacks; undo removes it only if it stands exactly as the run made it."""

from __future__ import annotations

from collections.abc import Sequence

from sidecar.engine.core.models import JournalAction, Made, MadeKind
from sidecar.engine.core.writeback import stack_key
from sidecar.engine.services.writeback.handlers.base import (
    Context,
    Handler,
    Outcome,
    Reverted,
    ids_of,
)
from sidecar.immich_client import ImmichClient


class StackHandler(Handler):
    async def execute(self, ctx: Context, action: JournalAction) -> Outcome:
        stack = await ctx.client.create_stack(ids_of(action))
        members = [a.id for a in stack.assets]
        return {"stack_id": stack.id, "members": members}, [
            (MadeKind.STACK, stack_key(members), stack.id)
        ]

    async def settle(self, ctx: Context, action: JournalAction) -> Outcome | None:
        ids = ids_of(action)
        for s in await ctx.client.stacks():
            members = [a.id for a in s.assets]
            if s.primary_asset_id == ids[0] and set(ids) <= set(members):
                return {"stack_id": s.id, "members": members}, [
                    (MadeKind.STACK, stack_key(members), s.id)
                ]
        return None

    async def revert(
        self, client: ImmichClient, action: JournalAction, made: Sequence[Made]
    ) -> Reverted:
        """A person who added or removed a member, changed the primary or unstacked it made
        it theirs."""
        live = {s.id: s for s in await client.stacks()}
        primary = action.payload["asset_ids"][0]
        for m in made:
            stack = live.get(m.immich_id or "")
            if stack is None:
                why = "the stack is no longer in Immich (a person unstacked or merged it)"
                return Reverted(0, len(made), f"{why}; nothing to undo")
            if stack_key(a.id for a in stack.assets) != m.key:
                why = "a person added or removed stack members in Immich since"
                return Reverted(0, len(made), f"{why}; the stack is left as it is")
            if stack.primary_asset_id != primary:
                why = "a person chose another primary in Immich since"
                return Reverted(0, len(made), f"{why}; the stack is left as it is")
            await client.delete_stack(stack.id)
        return Reverted(len(made), len(made))
