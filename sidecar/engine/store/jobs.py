"""State of the daemon's jobs (for `status`, `health` and the TUI), and its heartbeat."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sidecar.engine.core.models import JobState
from sidecar.engine.store.db import Database, utcnow
from sidecar.engine.store.meta import get_meta, set_meta

HEARTBEAT = "daemon.heartbeat"
WATCHER = "daemon.watcher"
PROBLEM = "daemon.problem"


class JobStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self) -> list[JobState]:
        rows = await self.db.fetchall(
            "SELECT id, last_started, last_ended, last_status, last_message, last_ok,"
            " failing_since, counts, next_run FROM jobs ORDER BY id"
        )
        return [
            JobState(
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]) if r[7] else {}, r[8]
            )
            for r in rows
        ]

    async def get(self, job_id: str) -> JobState | None:
        return next((j for j in await self.all() if j.id == job_id), None)

    async def started(self, job_id: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO jobs (id, last_started, last_status) VALUES (?, ?, 'running')"
                " ON CONFLICT (id) DO UPDATE SET last_started = excluded.last_started,"
                " last_status = 'running'",
                (job_id, utcnow()),
            )

    async def ended(
        self, job_id: str, ok: bool, message: str | None, counts: dict[str, Any]
    ) -> None:
        now = utcnow()
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE jobs SET last_ended = ?, last_status = ?, last_message = ?,"
                " counts = ?, last_ok = CASE WHEN ? THEN ? ELSE last_ok END,"
                " failing_since = CASE WHEN ? THEN NULL ELSE coalesce(failing_since, ?) END"
                " WHERE id = ?",
                (
                    now,
                    "ok" if ok else "failed",
                    message,
                    json.dumps(counts),
                    ok,
                    now,
                    ok,
                    now,
                    job_id,
                ),
            )

    async def set_next_run(self, job_id: str, when: datetime | None) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO jobs (id, next_run) VALUES (?, ?)"
                " ON CONFLICT (id) DO UPDATE SET next_run = excluded.next_run",
                (job_id, when.isoformat() if when else None),
            )

    async def mark_interrupted(self) -> None:
        """Jobs a killed daemon left 'running'."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE jobs SET last_status = 'interrupted' WHERE last_status = 'running'"
            )

    async def beat(self, watcher: str) -> None:
        await set_meta(self.db, HEARTBEAT, utcnow())
        await set_meta(self.db, WATCHER, watcher)

    async def heartbeat(self) -> tuple[str | None, str]:
        """(time of the daemon's last heartbeat, watcher state: active, polling or off)."""
        beat = await get_meta(self.db, HEARTBEAT)
        watcher = await get_meta(self.db, WATCHER)
        return (beat[0] if beat else None, watcher[0] if watcher else "off")

    async def set_problem(self, problem: str | None) -> None:
        """Why the running daemon cannot work as configured (a config or API key it cannot
        use), or None; `health` fails at once while one is recorded."""
        await set_meta(self.db, PROBLEM, problem or "")

    async def problem(self) -> str | None:
        value = await get_meta(self.db, PROBLEM)
        return (value[0] or None) if value else None
