"""The write-back journal: runs, their actions (intent before a call, outcome after it), what
the sidecar made in Immich, and what people rejected."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from sidecar.engine.core.models import JournalAction, Made, Rejection, Run
from sidecar.engine.store.db import Database, utcnow

_MADE = "SELECT id, kind, key, owner, immich_id, run_id, action_id, verified FROM wb_made"


class JournalStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- runs and actions ------------------------------------------------------------------

    async def start_run(
        self, actions: Sequence[tuple[str, str, str, dict[str, Any]]], pid: int | None = None
    ) -> int:
        """A new run with its planned actions (kind, owner, sync key, payload), in order;
        `pid`: the process running it (so a run left 'running' by a killed process can be
        told from one under way)."""
        now = utcnow()
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO wb_runs (started_at, status, summary) VALUES (?, 'running', ?)",
                (now, json.dumps({"pid": pid})),
            )
            run_id = cur.lastrowid
            assert run_id is not None
            await conn.executemany(
                "INSERT INTO wb_actions (run_id, seq, kind, owner, sync_key, payload, status,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, 'planned', ?)",
                [
                    (run_id, n, kind, owner, key, json.dumps(payload), now)
                    for n, (kind, owner, key, payload) in enumerate(actions, 1)
                ],
            )
        return run_id

    async def actions(self, run_id: int) -> list[JournalAction]:
        rows = await self.db.fetchall(
            "SELECT id, run_id, seq, kind, owner, sync_key, payload, status, result, error"
            " FROM wb_actions WHERE run_id = ? ORDER BY seq",
            (run_id,),
        )
        return [
            JournalAction(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                json.loads(r[6]),
                r[7],
                json.loads(r[8]) if r[8] else {},
                r[9],
            )
            for r in rows
        ]

    async def set_status(
        self,
        action_id: int,
        status: str,
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE wb_actions SET status = ?, result = coalesce(?, result), error = ?,"
                " updated_at = ? WHERE id = ?",
                (
                    status,
                    json.dumps(result) if result is not None else None,
                    error,
                    utcnow(),
                    action_id,
                ),
            )

    async def done(
        self,
        action: JournalAction,
        result: dict[str, Any],
        made: Sequence[tuple[str, str, str | None]],
        *,
        unverified: Collection[str] = (),
    ) -> None:
        """The outcome of an action and what it made (kind, key, Immich id), in one
        transaction. Made things of the `unverified` kinds still have to be read back from
        Immich (see `verify`); the rest Immich's answer confirmed."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE wb_actions SET status = 'done', result = ?, error = NULL,"
                " updated_at = ? WHERE id = ?",
                (json.dumps(result), utcnow(), action.id),
            )
            await conn.executemany(
                "INSERT INTO wb_made (kind, key, owner, immich_id, run_id, action_id, verified)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        kind,
                        key,
                        action.owner,
                        immich_id,
                        action.run_id,
                        action.id,
                        int(kind not in unverified),
                    )
                    for kind, key, immich_id in made
                ],
            )

    async def finish_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE wb_runs SET status = ?, ended_at = ?, summary = ? WHERE id = ?",
                (status, utcnow(), json.dumps(summary), run_id),
            )

    async def runs(self, status: str | None = None) -> list[Run]:
        where, params = ("WHERE status = ?", (status,)) if status else ("", ())
        rows = await self.db.fetchall(
            f"SELECT id, started_at, ended_at, status, summary FROM wb_runs {where}"
            " ORDER BY id DESC",
            params,
        )
        return [Run(r[0], r[1], r[2], r[3], json.loads(r[4]) if r[4] else {}) for r in rows]

    async def run(self, run_id: int) -> Run | None:
        found = [r for r in await self.runs() if r.id == run_id]
        return found[0] if found else None

    # -- what the sidecar made, and what people rejected ----------------------------------

    async def made(self, kind: str, owner: str | None = None) -> list[Made]:
        where = "kind = ? AND active = 1" + (" AND owner = ?" if owner else "")
        params = (kind, owner) if owner else (kind,)
        rows = await self.db.fetchall(f"{_MADE} WHERE {where}", params)
        return [_made(r) for r in rows]

    async def made_by_action(self, action_id: int) -> list[Made]:
        rows = await self.db.fetchall(f"{_MADE} WHERE action_id = ? AND active = 1", (action_id,))
        return [_made(r) for r in rows]

    async def made_by_run(self, run_id: int) -> list[Made]:
        rows = await self.db.fetchall(f"{_MADE} WHERE run_id = ? AND active = 1", (run_id,))
        return [_made(r) for r in rows]

    async def verify(self, made: Sequence[Made]) -> None:
        """These were read back from Immich and stand."""
        async with self.db.transaction() as conn:
            await conn.executemany(
                "UPDATE wb_made SET verified = 1 WHERE id = ?", [(m.id,) for m in made]
            )

    async def end_made(self, made: Sequence[Made], why: str, *, reject: bool) -> None:
        """Mark things the sidecar made as no longer standing; `reject`: a person undid
        them, so they are never made again."""
        if not made:
            return
        now = utcnow()
        async with self.db.transaction() as conn:
            await conn.executemany(
                "UPDATE wb_made SET active = 0, ended = ? WHERE id = ?",
                [(why, m.id) for m in made],
            )
            if reject:
                await conn.executemany(
                    "INSERT OR IGNORE INTO wb_rejected (kind, key, owner, noted_at, reason)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [(m.kind, m.key, m.owner, now, why) for m in made],
                )

    async def end_gone(self, made: Sequence[Made], why: str) -> int:
        """Things the sidecar made that are gone from Immich. Only those read back after
        their run (verified) were removed by a person: rejections. The rest Immich itself
        may have dropped: they end without a rejection, so the next plan makes them again.
        Returns how many ended unverified."""
        verified = [m for m in made if m.verified]
        await self.end_made(verified, why, reject=True)
        unverified = [m for m in made if not m.verified]
        await self.end_made(unverified, "gone before it was verified; made again", reject=False)
        return len(unverified)

    async def rejections(self) -> list[Rejection]:
        rows = await self.db.fetchall(
            "SELECT kind, key, owner, noted_at, reason FROM wb_rejected ORDER BY noted_at, kind"
        )
        return [Rejection(*r) for r in rows]

    async def lift(self, *, run_id: int | None = None, asset_id: str | None = None) -> int:
        """Forget rejections (so later plans may make those things again): those of what run
        `run_id` made, or those naming `asset_id`. Returns how many were lifted."""
        async with self.db.transaction() as conn:
            if run_id is not None:
                cur = await conn.execute(
                    "DELETE FROM wb_rejected WHERE (kind, key) IN"
                    " (SELECT kind, key FROM wb_made WHERE run_id = ?)",
                    (run_id,),
                )
            else:
                cur = await conn.execute(
                    "DELETE FROM wb_rejected WHERE instr(key, ?) > 0", (asset_id or "-",)
                )
            return int(cur.rowcount)

    async def rejected(self, kind: str) -> frozenset[str]:
        rows = await self.db.fetchall("SELECT key FROM wb_rejected WHERE kind = ?", (kind,))
        return frozenset(r[0] for r in rows)

    # -- trash decisions -------------------------------------------------------------------

    async def decide_trash(self, asset_ids: Sequence[str], note: str | None) -> None:
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO trash_decisions (asset_id, decided_at, note) VALUES (?, ?, ?)"
                " ON CONFLICT (asset_id) DO UPDATE SET status = 'pending',"
                " decided_at = excluded.decided_at, note = excluded.note",
                [(a, utcnow(), note) for a in asset_ids],
            )

    async def revoke_trash(self, asset_ids: Sequence[str]) -> None:
        async with self.db.transaction() as conn:
            await conn.executemany(
                "UPDATE trash_decisions SET status = 'revoked' WHERE asset_id = ?",
                [(a,) for a in asset_ids],
            )

    async def trash_decided(self) -> dict[str, str]:
        """Pending decisions: asset id -> when it was decided."""
        rows = await self.db.fetchall(
            "SELECT asset_id, decided_at FROM trash_decisions WHERE status = 'pending'"
        )
        return {r[0]: r[1] for r in rows}

    async def trash_noted(self, prefix: str) -> list[tuple[str, str, str]]:
        """(asset id, note, status) of the trash decisions whose note starts with `prefix`."""
        rows = await self.db.fetchall(
            "SELECT asset_id, note, status FROM trash_decisions WHERE substr(note, 1, ?) = ?",
            (len(prefix), prefix),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    # -- stack-instead decisions -----------------------------------------------------------

    async def decide_stack(self, asset_ids: Sequence[str], owner: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT OR REPLACE INTO stack_decisions (members, owner, made_at) VALUES (?, ?, ?)",
                (json.dumps(list(asset_ids)), owner, utcnow()),
            )

    async def undecide_stack(self, asset_ids: Sequence[str]) -> None:
        """Forget a stack-instead decision for exactly these assets (in any order)."""
        wanted = sorted(asset_ids)
        async with self.db.transaction() as conn:
            rows = await (await conn.execute("SELECT members FROM stack_decisions")).fetchall()
            gone = [r[0] for r in rows if sorted(json.loads(r[0])) == wanted]
            await conn.executemany(
                "DELETE FROM stack_decisions WHERE members = ?", [(m,) for m in gone]
            )

    async def stacks_decided(self) -> list[tuple[str, list[str]]]:
        """(owner, asset ids with the primary first) of groups to stack."""
        rows = await self.db.fetchall("SELECT owner, members FROM stack_decisions")
        return [(r[0], json.loads(r[1])) for r in rows]


def _made(row: Sequence[Any]) -> Made:
    return Made(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]))
