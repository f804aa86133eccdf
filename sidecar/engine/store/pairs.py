"""The latest pairs (RAW+JPEG and the like) and the decisions people made about them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence

from sidecar.engine.core.models import PairDecision, StoredPair
from sidecar.engine.store.db import Database, utcnow
from sidecar.engine.store.members import members_of


class PairStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def pairs(self, limit: int = 100_000, offset: int = 0) -> list[StoredPair]:
        rows = await self.db.fetchall(
            "SELECT id, kind, owner, primary_member, reasons FROM pairs ORDER BY id"
            " LIMIT ? OFFSET ?",
            (limit, offset),
        )
        members = await members_of(self.db, "pair_members", "pair_id", [r[0] for r in rows])
        return [
            StoredPair(r[0], r[1], r[2], r[3], json.loads(r[4]), members.get(r[0], []))
            for r in rows
        ]

    async def each_pair(self, page: int = 500) -> AsyncIterator[list[StoredPair]]:
        """Every latest pair in the order of `pairs`, a page at a time from one read."""
        async with self.db.conn.execute(
            "SELECT id, kind, owner, primary_member, reasons FROM pairs ORDER BY id"
        ) as cur:
            while rows := await cur.fetchmany(page):
                members = await members_of(self.db, "pair_members", "pair_id", [r[0] for r in rows])
                yield [
                    StoredPair(r[0], r[1], r[2], r[3], json.loads(r[4]), members.get(r[0], []))
                    for r in rows
                ]

    async def count_pairs(self) -> int:
        return int(await self.db.scalar("SELECT count(*) FROM pairs"))

    async def pair_counts(self) -> dict[str, int]:
        rows = await self.db.fetchall("SELECT kind, count(*) FROM pairs GROUP BY kind")
        return {r[0]: r[1] for r in rows}

    async def decide_pair(
        self, members: Sequence[str], kind: PairDecision, primary: str | None
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO pair_decisions (members, kind, primary_key, made_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (members) DO UPDATE SET kind = excluded.kind,"
                " primary_key = excluded.primary_key, made_at = excluded.made_at",
                (json.dumps(sorted(set(members))), kind.value, primary, utcnow()),
            )

    async def undecide_pair(self, members: Sequence[str]) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM pair_decisions WHERE members = ?", (json.dumps(sorted(set(members))),)
            )

    async def pair_decisions(self) -> dict[frozenset[str], tuple[PairDecision, str | None]]:
        rows = await self.db.fetchall("SELECT members, kind, primary_key FROM pair_decisions")
        return {frozenset(json.loads(r[0])): (PairDecision(r[1]), r[2]) for r in rows}
