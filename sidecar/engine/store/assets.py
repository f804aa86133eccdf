"""Queries on the mirrored Immich assets and the per-key sync state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sidecar.engine.core.models import AssetLink, AssetRow, SyncState, UpsertCounts
from sidecar.engine.store.db import Database, utcnow
from sidecar.engine.store.meta import get_meta, input_changes, set_meta
from sidecar.engine.store.migrations.mirror import ASSET_LOOKUPS
from sidecar.engine.store.mirror_index import ASSET_ID_INDEX_NAME, restore_asset_index

CHUNK = 1000  # ids per IN (...) lookup: one page per query


COLUMNS = (
    "id, owner_id, library_id, type, original_path, original_file_name, checksum,"
    " file_created_at, file_modified_at, local_date_time, updated_at, is_favorite, is_trashed,"
    " is_offline, visibility, duplicate_id, stack_id, live_photo_video_id, width, height,"
    " file_size, make, model, date_time_original, exif, duration_ms"
)


_NAMES = [c.strip() for c in COLUMNS.split(",")]
_UPDATES = ", ".join(f"{c} = excluded.{c}" for c in _NAMES[1:])


def _writes(sync_key: str, op_id: int, *, upsert: bool) -> str:
    """The statement writing one row (an AssetRow bound as it is, `?1`..`?26`) for this key
    and operation: the state follows is_trashed (`?13`), the key and the operation are in
    the statement, so the rows are bound without being copied (a tuple per asset cost about
    a millisecond per page)."""
    key = " || char(0) || ".join(
        "'" + part.replace("'", "''") + "'" for part in sync_key.split("\0")
    )
    values = ", ".join(f"?{i}" for i in range(1, len(_NAMES) + 1))
    sql = (
        f"INSERT INTO assets ({COLUMNS}, state, sync_key, first_seen_op, seen_op) VALUES"
        f" ({values}, CASE WHEN ?13 THEN 'trashed' ELSE 'present' END, {key}, {op_id:d}, {op_id:d})"
    )
    if upsert:
        sql += (
            f" ON CONFLICT (id) DO UPDATE SET {_UPDATES}, state = excluded.state,"
            " sync_key = excluded.sync_key, seen_op = excluded.seen_op"
        )
    return sql


class AssetStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def start_pass(self) -> bool:
        """Before a pass: when the mirror holds no asset at all, drop its id index (and its
        path and upload lookups) and say so
        (True): the pass then appends its pages (`upsert(..., fresh=True)`, no lookup, no
        random index inserts) and `end_pass` builds the index once from the sorted ids. A
        pass never writes an id twice (its listing drops repeats). Otherwise the index is
        made sure of (a first pass stopped before its end left it out)."""
        async with self.db.transaction() as conn:
            async with conn.execute("SELECT EXISTS (SELECT 1 FROM assets)") as cur:
                row = await cur.fetchone()
            if row is not None and not row[0]:
                for name in (ASSET_ID_INDEX_NAME, *(n for n, _ in ASSET_LOOKUPS)):
                    await conn.execute(f"DROP INDEX IF EXISTS {name}")
                return True
        await restore_asset_index(self.db)
        return False

    async def end_pass(self) -> None:
        """After the pages of a pass that `start_pass` made fresh: the id index again."""
        await restore_asset_index(self.db)

    async def upsert(
        self, rows: Sequence[AssetRow], op_id: int, sync_key: str, *, fresh: bool = False
    ) -> UpsertCounts:
        """Write one page of assets in one transaction (lookups by id first). `fresh`: the
        mirror held none of them (a pass `start_pass` found empty): appended, no lookup."""
        counts = UpsertCounts()
        if not rows:
            return counts
        if fresh:
            counts.added = len(rows)
            async with self.db.transaction() as conn:
                await conn.executemany(_writes(sync_key, op_id, upsert=False), rows)
            return counts
        before: dict[str, tuple[str, str]] = {}
        ids = [r.id for r in rows]
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            for row in await self.db.fetchall(
                f"SELECT id, state, updated_at FROM assets WHERE id IN ({marks})", chunk
            ):
                before[row[0]] = (row[1], row[2])
        for r in rows:
            old = before.get(r.id)
            if old is None or old[0] == "gone":
                counts.added += 1
            elif old[1] != r.updated_at and _dt(old[1]) != _dt(r.updated_at):
                # (the second test: the same instant written in another ISO form)
                counts.updated += 1
                if old[0] == "present" and r.state == "trashed":
                    counts.removed += 1
        async with self.db.transaction() as conn:
            await conn.executemany(_writes(sync_key, op_id, upsert=True), rows)
        return counts

    async def unseen(self, sync_key: str, op_id: int) -> list[str]:
        """Assets of this key, not gone, that operation `op_id` did not store: what a full pass
        did not see. (One read of the table per full pass; see the migration for why seen_op
        has no index.)"""
        rows = await self.db.fetchall(
            "SELECT id FROM assets WHERE sync_key = ? AND seen_op < ? AND state != 'gone'",
            (sync_key, op_id),
        )
        return [r[0] for r in rows]

    async def mark_gone(self, sync_key: str, ids: Sequence[str]) -> int:
        """Mark assets Immich confirmed it no longer has; they are kept, never deleted."""
        count = 0
        async with self.db.transaction() as conn:
            for start in range(0, len(ids), CHUNK):
                chunk = list(ids[start : start + CHUNK])
                cur = await conn.execute(
                    f"UPDATE assets SET state = 'gone' WHERE id IN ({','.join('?' * len(chunk))})"
                    " AND sync_key = ? AND state != 'gone'",
                    [*chunk, sync_key],
                )
                count += cur.rowcount
        return count

    async def sync_state(self, sync_key: str) -> SyncState:
        row = await self.db.fetchone(
            "SELECT key_id, watermark, last_full_sweep FROM sync_state WHERE sync_key = ?",
            (sync_key,),
        )
        if row is None:
            return SyncState(sync_key, None, None, None)
        return SyncState(sync_key, row[0], _dt(row[1]), _dt(row[2]))

    async def save_sync_state(
        self,
        sync_key: str,
        *,
        key_id: str | None,
        watermark: datetime | None,
        full_sweep: datetime | None,
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO sync_state (sync_key, key_id, watermark, last_full_sweep, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (sync_key) DO UPDATE SET"
                " key_id = coalesce(excluded.key_id, sync_state.key_id),"
                " watermark = excluded.watermark,"
                " last_full_sweep = coalesce(excluded.last_full_sweep, sync_state.last_full_sweep),"
                " updated_at = excluded.updated_at",
                (sync_key, key_id, _iso(watermark), _iso(full_sweep), utcnow()),
            )

    async def meta(self, key: str) -> tuple[str, datetime] | None:
        return await get_meta(self.db, key)

    async def set_meta(self, key: str, value: str) -> None:
        await set_meta(self.db, key, value)

    async def count_present(self) -> int:
        """Mirrored assets neither trashed nor gone (index: assets_by_state)."""
        return int(await self.db.scalar("SELECT count(*) FROM assets WHERE state = 'present'"))

    async def count_by_user(self) -> dict[str, int]:
        """Mirrored assets neither trashed nor gone, per API key label (Immich user) (covering
        index: assets_by_state on state, sync_key)."""
        rows = await self.db.fetchall(
            "SELECT sync_key, count(*) FROM assets WHERE state = 'present' GROUP BY sync_key"
        )
        return {r[0]: r[1] for r in rows}

    async def links(self) -> list[AssetLink]:
        """Every asset not gone, for drift (a full read, once per report)."""
        rows = await self.db.fetchall(f"SELECT {LINK_COLUMNS} FROM assets WHERE state != 'gone'")
        return [_link(r) for r in rows]

    async def paths_outside(self, folders: Sequence[str]) -> list[str]:
        """The Immich paths of assets not gone that lie in none of `folders` (each without a
        trailing slash): the filter runs in SQL, so a library whose folders are all mapped
        reads no row into Python (a million AssetLinks were 1.5 GB and 30 s)."""
        inside = " OR ".join(
            "original_path = ? OR substr(original_path, 1, ?) = ?" for _ in folders
        )
        params: list[Any] = [v for f in folders for v in (f, len(f) + 1, f + "/")]
        where = f" AND NOT ({inside})" if folders else ""
        rows = await self.db.fetchall(
            f"SELECT original_path FROM assets WHERE state != 'gone'{where}", params
        )
        return [r[0] for r in rows]

    async def input_changes(self) -> int:
        """The count of changes to the analysis inputs (the asset mirror among them)."""
        return await input_changes(self.db)

    async def links_of(self, ids: Sequence[str]) -> list[AssetLink]:
        """The given assets, unless gone (primary key lookups)."""
        out = []
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = await self.db.fetchall(
                f"SELECT {LINK_COLUMNS} FROM assets WHERE id IN ({marks}) AND state != 'gone'",
                chunk,
            )
            out += [_link(r) for r in rows]
        return out

    async def orientations(self, ids: Sequence[str]) -> dict[str, str]:
        """The EXIF orientation Immich reported per asset (from the mirrored exif), when set."""
        out: dict[str, str] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = await self.db.fetchall(
                "SELECT id, json_extract(exif, '$.orientation') FROM assets"
                f" WHERE id IN ({marks}) AND exif IS NOT NULL",
                chunk,
            )
            out.update({r[0]: str(r[1]) for r in rows if r[1] is not None})
        return out


LINK_COLUMNS = (
    "id, owner_id, library_id, original_path, checksum, state, is_offline, file_size,"
    " date_time_original, make, model, type, sync_key, width, height, original_file_name,"
    " duplicate_id, visibility, duration_ms"
)


def _link(r: Any) -> AssetLink:
    return AssetLink(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), *tuple(r)[7:])


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)
