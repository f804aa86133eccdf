"""Bulk entries in a container (assets in an album, assets under a tag): add the run's
assets, settle an interrupted add from what the container shows, and undo only the entries
the run added. Albums and tags differ only in the calls and names filled in below."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence

from sidecar.engine.core.models import JournalAction, Made, MadeKind
from sidecar.engine.services.writeback.handlers.base import (
    Context,
    Handler,
    Outcome,
    Reverted,
    asset_of,
    counted,
    entries,
    ids_of,
    partly,
    settle_entries,
)
from sidecar.engine.support.errors import WritebackRefusedError
from sidecar.immich_client import ImmichClient, ImmichNotFoundError
from sidecar.immich_client.models import BulkIdResult

Bulk = Callable[[str, list[str]], Awaitable[list[BulkIdResult]]]
Members = Callable[[str], Awaitable[Collection[str]]]


class EntriesHandler(Handler):
    made: MadeKind
    container: str  # the payload field naming it: "album" or "tag"
    what: str  # "album entries", "tag entries"
    missing: str  # the error when the container was not created
    deleted_ok = False  # a container deleted in Immich since: nothing to undo (else an error)

    def add(self, client: ImmichClient) -> Bulk:
        raise NotImplementedError

    def remove(self, client: ImmichClient) -> Bulk:
        raise NotImplementedError

    def members(self, client: ImmichClient) -> Members:
        raise NotImplementedError

    def _container_id(self, ctx: Context, action: JournalAction) -> str | None:
        p = action.payload
        return p.get(f"{self.container}_id") or ctx.created.get((action.owner, p[self.container]))

    async def execute(self, ctx: Context, action: JournalAction) -> Outcome:
        container_id = self._container_id(ctx, action)
        if container_id is None:
            raise WritebackRefusedError(self.missing)
        results = await self.add(ctx.client)(container_id, ids_of(action))
        result, made = entries(results, self.made, container_id)
        return {f"{self.container}_id": container_id, **result}, made

    async def settle(self, ctx: Context, action: JournalAction) -> Outcome | None:
        container_id = self._container_id(ctx, action)
        return await settle_entries(
            self.made,
            f"{self.container}_id",
            container_id,
            self.members(ctx.client),
            ids_of(action),
        )

    async def revert(
        self, client: ImmichClient, action: JournalAction, made: Sequence[Made]
    ) -> Reverted:
        by_container: dict[str, list[str]] = {}
        for m in made:
            by_container.setdefault(m.immich_id or "", []).append(asset_of(m))
        undone = 0
        for container_id, ids in by_container.items():
            try:
                undone += counted(await self.remove(client)(container_id, ids))
            except ImmichNotFoundError:
                if not self.deleted_ok:
                    raise
                continue
        return Reverted(
            undone, len(made), partly(undone, len(made), self.what, "removed in Immich")
        )
