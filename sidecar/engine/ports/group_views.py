"""Port to the views of the latest duplicate groups: filtered pages, counts and ids."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from sidecar.engine.core.models import StoredGroup


class GroupViews(Protocol):
    """Pages of the latest groups with their filters, their totals and ids, and the groups
    holding given assets or member keys."""

    async def groups(
        self,
        limit: int = 100_000,
        offset: int = 0,
        sort: str = "reclaim",
        tier: str | None = None,
        *,
        text: str = "",
        only: Sequence[int] | None = None,
        skip: Sequence[int] | None = None,
    ) -> list[StoredGroup]:
        """A page of the latest groups (of a tier, with a member whose path contains `text`,
        among `only`, not among `skip`)."""

    def each_group(self, page: int = 500) -> AsyncIterator[list[StoredGroup]]:
        """Every latest group in the order of `groups`, a page at a time."""

    async def count_groups(
        self,
        tier: str | None = None,
        *,
        text: str = "",
        only: Sequence[int] | None = None,
        skip: Sequence[int] | None = None,
    ) -> int:
        """How many groups `groups` shows with these filters."""

    async def group_ids(
        self,
        tier: str | None = None,
        *,
        text: str = "",
        only: Sequence[int] | None = None,
        skip: Sequence[int] | None = None,
    ) -> list[int]:
        """The ids of the groups `groups` shows with these filters."""

    async def groups_holding(
        self, asset_ids: Sequence[str] = (), keys: Sequence[str] = ()
    ) -> list[int]:
        """Ids of the groups with one of these assets or member keys."""

    async def groups_queued(self) -> list[int]:
        """Ids of the groups with a member in the trash queue."""

    async def groups_by_id(self, ids: Sequence[int]) -> list[StoredGroup]:
        """These groups, by id."""

    async def groups_with_assets(self, asset_ids: Sequence[str]) -> list[StoredGroup]:
        """The latest groups that have any of these Immich assets as a member."""
