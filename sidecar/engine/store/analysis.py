"""What an analysis leaves: its groups and pairs as one swap, which analysis they come from,
counts per tier, and the decisions people made about groups. `AnalysisStore` is all the
analysis tables together: fingerprints and edges, group views, pairs and the basis of the
results (their own modules)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sidecar.engine.core.models import GroupDecision, Member
from sidecar.engine.store.basis import BasisStore
from sidecar.engine.store.db import utcnow
from sidecar.engine.store.fingerprints import FingerprintStore
from sidecar.engine.store.group_views import GroupViewStore
from sidecar.engine.store.hash_pages import HashPageStore
from sidecar.engine.store.members import insert_groups, insert_pairs
from sidecar.engine.store.pairs import PairStore
from sidecar.engine.store.remote import RemoteMemberStore
from sidecar.engine.store.scope import RESULTS_KEY, ScopeStore, note_results
from sidecar.engine.store.video_prints import VideoPrintStore


class AnalysisStore(
    FingerprintStore,
    HashPageStore,
    GroupViewStore,
    PairStore,
    BasisStore,
    ScopeStore,
    RemoteMemberStore,
    VideoPrintStore,
):
    async def replace_results(
        self,
        op_id: int,
        groups: Sequence[tuple[str, str, str, list[str], int, int, list[Member]]],
        pairs: Sequence[tuple[str, str, str, list[str], list[Member]]],
    ) -> None:
        """Swap in a new analysis: (tier, owner, keeper, reasons, distance, reclaim, members)
        and (kind, owner, primary, reasons, members), in one transaction."""
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM dup_members")
            await conn.execute("DELETE FROM dup_groups")
            await conn.execute("DELETE FROM pair_members")
            await conn.execute("DELETE FROM pairs")
            await insert_groups(conn, op_id, groups)
            await insert_pairs(conn, op_id, pairs)
            await note_results(conn, op_id)

    async def results_stamp(self) -> tuple[int | None, int | None]:
        """Which analysis the stored groups and pairs come from (changes with every analysis
        that stores any, or removes some; another process's analysis included)."""
        row = await self.db.fetchone(
            "SELECT nullif(max(coalesce((SELECT max(op_id) FROM dup_groups), 0),"
            " coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?), 0)), 0),"
            " (SELECT max(op_id) FROM pairs)",
            (RESULTS_KEY,),
        )
        return (row[0], row[1]) if row else (None, None)

    async def group_counts(self) -> dict[str, int]:
        rows = await self.db.fetchall("SELECT tier, count(*) FROM dup_groups GROUP BY tier")
        return {r[0]: r[1] for r in rows}

    async def published_duplicate_ids(self) -> frozenset[str]:
        """Duplicate ids write-back gave to groups in Immich (still standing)."""
        rows = await self.db.fetchall(
            "SELECT immich_id FROM wb_made WHERE kind = 'duplicate_group' AND active = 1"
        )
        return frozenset(r[0] for r in rows if r[0])

    async def decisions(self) -> list[tuple[GroupDecision, list[str]]]:
        rows = await self.db.fetchall("SELECT kind, members FROM decisions ORDER BY id")
        return [(GroupDecision(r[0]), json.loads(r[1])) for r in rows]

    async def decide(
        self, kind: GroupDecision, members: Sequence[str], note: str | None = None
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO decisions (kind, members, made_at, note)"
                " VALUES (?, ?, ?, ?)",
                (kind.value, json.dumps(sorted(set(members))), utcnow(), note),
            )

    async def undecide(self, kind: GroupDecision, members: Sequence[str]) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM decisions WHERE kind = ? AND members = ?",
                (kind.value, json.dumps(sorted(set(members)))),
            )
