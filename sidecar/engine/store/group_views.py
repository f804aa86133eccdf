"""The views of the latest duplicate groups: filtered, sorted pages, their counts and ids, and
the groups holding given assets or member keys."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sidecar.engine.core.models import StoredGroup
from sidecar.engine.store.db import Database
from sidecar.engine.store.members import members_of


class GroupViewStore:
    def __init__(self, db: Database) -> None:
        self.db = db

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
        """A page of the latest groups, largest reclaimable size first (or by `sort`:
        reclaim, distance, members, size, date, id), optionally of one tier, with a member
        whose path contains `text` (case-insensitive), among the ids `only`, not among `skip`."""
        first = "(SELECT min(captured_at) FROM dup_members m WHERE m.group_id = g.id)"
        order = {
            "reclaim": "reclaim DESC, id",
            "distance": "distance DESC, id",
            "members": "(SELECT count(*) FROM dup_members m WHERE m.group_id = g.id) DESC, id",
            "size": "(SELECT max(size) FROM dup_members m WHERE m.group_id = g.id) DESC, id",
            "date": f"{first} IS NULL, {first}, id",  # undated groups last
            "id": "id",
        }.get(sort, "reclaim DESC, id")
        where, params = _group_filter(tier, text, only, skip)
        rows = await self.db.fetchall(
            "SELECT id, tier, owner, keeper, reasons, distance, reclaim FROM dup_groups g"
            f" {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return await self._stored(rows)

    async def each_group(self, page: int = 500) -> AsyncIterator[list[StoredGroup]]:
        """Every latest group in the order of `groups` (largest reclaimable size first), a
        page at a time from one read: memory holds a page, not the library."""
        async with self.db.conn.execute(
            "SELECT id, tier, owner, keeper, reasons, distance, reclaim FROM dup_groups"
            " ORDER BY reclaim DESC, id"
        ) as cur:
            while rows := await cur.fetchmany(page):
                yield await self._stored(list(rows))

    async def count_groups(
        self,
        tier: str | None = None,
        *,
        text: str = "",
        only: Sequence[int] | None = None,
        skip: Sequence[int] | None = None,
    ) -> int:
        """How many groups `groups` shows with these filters, all pages together."""
        where, params = _group_filter(tier, text, only, skip)
        return int(await self.db.scalar(f"SELECT count(*) FROM dup_groups g {where}", params))

    async def group_ids(
        self,
        tier: str | None = None,
        *,
        text: str = "",
        only: Sequence[int] | None = None,
        skip: Sequence[int] | None = None,
    ) -> list[int]:
        """The ids of the groups `groups` shows with these filters."""
        where, params = _group_filter(tier, text, only, skip)
        rows = await self.db.fetchall(f"SELECT id FROM dup_groups g {where} ORDER BY id", params)
        return [r[0] for r in rows]

    async def groups_holding(
        self, asset_ids: Sequence[str] = (), keys: Sequence[str] = ()
    ) -> list[int]:
        """Ids of the groups with a member that is one of these Immich assets or has one of
        these member keys (index dup_members_by_member for the keys)."""
        rows = await self.db.fetchall(
            "SELECT group_id FROM dup_members WHERE asset_id IN (SELECT value FROM json_each(?))"
            " UNION SELECT group_id FROM dup_members"
            " WHERE member IN (SELECT value FROM json_each(?))",
            (json.dumps(list(asset_ids)), json.dumps(list(keys))),
        )
        return sorted(r[0] for r in rows)

    async def groups_queued(self) -> list[int]:
        """Ids of the groups with a member in the trash queue (a pending trash decision), in
        one query (trash_decisions primary key per member)."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT m.group_id FROM dup_members m JOIN trash_decisions t"
            " ON t.asset_id = m.asset_id WHERE t.status = 'pending'"
        )
        return [r[0] for r in rows]

    async def groups_by_id(self, ids: Sequence[int]) -> list[StoredGroup]:
        """These groups (those still stored), by id."""
        rows = await self.db.fetchall(
            "SELECT id, tier, owner, keeper, reasons, distance, reclaim FROM dup_groups"
            " WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json.dumps(list(ids)),),
        )
        return await self._stored(rows)

    async def groups_with_assets(self, asset_ids: Sequence[str]) -> list[StoredGroup]:
        """The latest groups that have any of these Immich assets as a member."""
        found: set[int] = set()
        for start in range(0, len(asset_ids), 500):
            chunk = list(asset_ids[start : start + 500])
            rows = await self.db.fetchall(
                "SELECT DISTINCT group_id FROM dup_members WHERE asset_id IN"
                f" ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update(r[0] for r in rows)
        if not found:
            return []
        ids = sorted(found)
        rows = []
        for start in range(0, len(ids), 500):
            chunk_ids = ids[start : start + 500]
            rows += await self.db.fetchall(
                "SELECT id, tier, owner, keeper, reasons, distance, reclaim FROM dup_groups"
                f" WHERE id IN ({','.join('?' * len(chunk_ids))}) ORDER BY id",
                chunk_ids,
            )
        return await self._stored(rows)

    async def _stored(self, rows: Sequence[Any]) -> list[StoredGroup]:
        """Groups from their dup_groups rows (id, tier, owner, keeper, reasons, distance,
        reclaim), with their members."""
        members = await members_of(self.db, "dup_members", "group_id", [r[0] for r in rows])
        return [
            StoredGroup(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], members.get(r[0], []))
            for r in rows
        ]


def _group_filter(
    tier: str | None, text: str, only: Sequence[int] | None, skip: Sequence[int] | None
) -> tuple[str, list[object]]:
    """The WHERE clause (and its parameters) of a filtered view of the groups. The path
    filter is SQLite's LIKE: case-insensitive for ASCII letters, `%` and `_` taken literally."""
    terms: list[str] = []
    params: list[object] = []
    if tier:
        terms.append("g.tier = ?")
        params.append(tier)
    if text:
        terms.append(
            "EXISTS (SELECT 1 FROM dup_members m WHERE m.group_id = g.id"
            " AND m.path LIKE ? ESCAPE '\\')"
        )
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{escaped}%")
    if only is not None:
        terms.append("g.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(only)))
    if skip:
        terms.append("g.id NOT IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(skip)))
    return ("WHERE " + " AND ".join(terms) if terms else ""), params
