"""Stacks: listing, reading, creating and deleting them."""

from __future__ import annotations

from sidecar.immich_client.base import ClientBase
from sidecar.immich_client.models import Stack
from sidecar.immich_client.parsing import parse


class StacksApi(ClientBase):
    """Stacks: listing, reading, creating and deleting them."""

    async def stacks(self) -> list[Stack]:
        return await self._decoded(list[Stack], "GET", "/stacks")

    async def stack(self, stack_id: str) -> Stack:
        """GET /stacks/{id} (stack.read); an unknown id is ImmichNotFoundError."""
        return parse(Stack, await self._json("GET", f"/stacks/{stack_id}"), "GET /stacks/{id}")

    async def create_stack(self, asset_ids: list[str]) -> Stack:
        """POST /stacks (stack.create); the first id becomes the primary. Beware Immich's
        rules: a stack whose primary is among the ids is merged into the new one, and a
        non-primary member of another stack is moved out of it. Never retried (not
        idempotent)."""
        data = await self._json("POST", "/stacks", json={"assetIds": asset_ids}, idempotent=False)
        return parse(Stack, data, "POST /stacks")

    async def delete_stack(self, stack_id: str) -> None:
        """DELETE /stacks/{id} (stack.delete): the assets stay, unstacked."""
        await self._send("DELETE", f"/stacks/{stack_id}", idempotent=True)
