"""The operations log: one row per scan/sync/analysis/write-back run, with counts."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sidecar.engine.core.models import Operation
from sidecar.engine.store.db import Database, utcnow

COUNT_COLUMNS = (
    "scanned",
    "added",
    "changed",
    "moved",
    "removed",
    "unchanged",
    "hashed",
    "bytes_hashed",
    "skipped",
    "errors",
)


class OperationStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def start(self, kind: str, details: Mapping[str, Any]) -> int:
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO operations (kind, status, started_at, details)"
                " VALUES (?, 'running', ?, ?)",
                (kind, utcnow(), json.dumps(dict(details))),
            )
            op_id = cur.lastrowid
        assert op_id is not None
        return op_id

    async def finish(
        self,
        op_id: int,
        status: str,
        counts: Mapping[str, int],
        duration_s: float,
        error_message: str | None = None,
    ) -> None:
        values = [int(counts.get(c, 0)) for c in COUNT_COLUMNS]
        sets = ", ".join(f"{c} = ?" for c in COUNT_COLUMNS)
        async with self.db.transaction() as conn:
            await conn.execute(
                f"UPDATE operations SET status = ?, ended_at = ?, duration_s = ?,"
                f" error_message = ?, {sets} WHERE id = ?",
                (status, utcnow(), round(duration_s, 3), error_message, *values, op_id),
            )

    async def add_errors(self, op_id: int, errors: Sequence[tuple[str, str]]) -> None:
        if not errors:
            return
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO operation_errors (op_id, path, reason) VALUES (?, ?, ?)",
                [(op_id, path, reason) for path, reason in errors],
            )

    async def mark_interrupted(self, kind: str) -> int:
        """Runs of `kind` still marked running belong to a process that died: close them."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE operations SET status = 'interrupted', ended_at = ?,"
                " error_message = 'the process stopped before the run finished'"
                " WHERE status = 'running' AND kind = ?",
                (utcnow(), kind),
            )
            return cur.rowcount

    async def recent(self, limit: int = 10) -> list[Operation]:
        rows = await self.db.fetchall("SELECT * FROM operations ORDER BY id DESC LIMIT ?", (limit,))
        return [
            Operation(
                id=r["id"],
                kind=r["kind"],
                status=r["status"],
                started_at=r["started_at"],
                ended_at=r["ended_at"],
                duration_s=r["duration_s"],
                counts={c: r[c] for c in COUNT_COLUMNS},
                error_message=r["error_message"],
                details=json.loads(r["details"] or "{}"),
            )
            for r in rows
        ]

    async def errors(self, op_id: int, limit: int = 1000) -> list[tuple[str, str]]:
        rows = await self.db.fetchall(
            "SELECT path, reason FROM operation_errors WHERE op_id = ? ORDER BY id LIMIT ?",
            (op_id, limit),
        )
        return [(r[0], r[1]) for r in rows]
