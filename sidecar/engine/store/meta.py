"""Small named facts kept in the `meta` table."""

from __future__ import annotations

from datetime import datetime

from sidecar.engine.store.db import Database, utcnow


async def get_meta(db: Database, key: str) -> tuple[str, datetime] | None:
    row = await db.fetchone("SELECT value, updated_at FROM meta WHERE key = ?", (key,))
    return None if row is None else (row[0], datetime.fromisoformat(row[1]))


async def set_meta(db: Database, key: str, value: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key)"
            " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (key, value, utcnow()),
        )


async def input_changes(db: Database) -> int:
    """How many changes were ever made to what the analysis reads, the asset mirror among it
    (one row, counted by the triggers of migration 0016)."""
    row = await db.fetchone("SELECT changes FROM analysis_inputs WHERE id = 1")
    return int(row[0]) if row else 0
