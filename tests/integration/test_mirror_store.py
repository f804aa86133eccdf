"""The asset mirror's table (migration 0023) and its first-pass writes, on real SQLite files:
a pass into an empty mirror appends its pages and builds the id index once at the end."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sidecar.engine.core.models import AssetRow
from sidecar.engine.store.assets import AssetStore
from sidecar.engine.store.db import open_database
from sidecar.engine.store.migrations import MIGRATIONS


def _row(n: int, *, updated: str = "2024-01-01T00:00:00Z", trashed: bool = False) -> AssetRow:
    return AssetRow(
        id=f"asset-{n:04d}",
        owner_id="owner",
        library_id=None,
        type="IMAGE",
        original_path=f"/photos/{n}.jpg",
        original_file_name=f"{n}.jpg",
        checksum=f"sum{n}",
        file_created_at="2024-01-01T00:00:00Z",
        file_modified_at="2024-01-01T00:00:00Z",
        local_date_time="2024-01-01T00:00:00Z",
        updated_at=updated,
        is_favorite=False,
        is_trashed=trashed,
        is_offline=False,
        visibility="timeline",
        duplicate_id=None,
        stack_id=None,
        live_photo_video_id=None,
        width=4000,
        height=3000,
        file_size=1000 + n,
        make="Canon",
        model=None,
        date_time_original=None,
        exif='{"make":"Canon"}',
    )


def _schema(db_path: Path, table: str) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db_path) as conn:
        return sorted(
            conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL",
                (table,),
            ).fetchall()
        )


def _has_id_index(db_path: Path) -> bool:
    with sqlite3.connect(db_path) as conn:
        found = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'assets_by_id'")
        return bool(found.fetchone()[0])


async def test_0023_keeps_rows_rowids_triggers_and_the_unique_id(tmp_path: Path) -> None:
    db_path = tmp_path / "inventory.db"
    before = [m for m in MIGRATIONS if m.name < "0023"]
    async with (
        open_database(db_path, before) as db,
        db.transaction() as conn,  # (as the mirror wrote them then: no duration)
    ):
        names = "id, owner_id, library_id, type, original_path, original_file_name, checksum"
        await conn.executemany(
            f"INSERT INTO assets ({names}, updated_at, sync_key, first_seen_op, seen_op)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'default', 1, 1)",
            [(*_row(n)[:7], _row(n).updated_at) for n in range(3)],
        )
        await conn.execute("DELETE FROM assets WHERE id = 'asset-0001'")  # a gap in rowids
        changes = await (await conn.execute("SELECT changes FROM analysis_inputs")).fetchone()
    triggers = [t for t in _schema(db_path, "assets") if t[0] == "trigger"]
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT rowid, * FROM assets ORDER BY rowid").fetchall()
    assert len(triggers) == 6

    async with open_database(db_path, [m for m in MIGRATIONS if m.name <= "0024"]) as db:
        after = await db.fetchtuples("SELECT rowid, * FROM assets ORDER BY rowid")
        assert after == rows  # (rowid 1 and 3: a full read keeps its order)
        # the copy is no change to what the analysis reads
        assert await db.scalar("SELECT changes FROM analysis_inputs") == changes[0]
    assert [t for t in _schema(db_path, "assets") if t[0] == "trigger"] == triggers
    assert _has_id_index(db_path)
    with sqlite3.connect(db_path) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO assets SELECT * FROM assets WHERE id = 'asset-0000'")


async def test_a_pass_into_an_empty_mirror_appends_then_builds_the_index(tmp_path: Path) -> None:
    db_path = tmp_path / "inventory.db"
    async with open_database(db_path) as db:
        store = AssetStore(db)
        assert await store.start_pass()  # empty: the index is left out
        assert not _has_id_index(db_path)
        rows = [_row(n, trashed=n == 2) for n in range(5)]
        counts = await store.upsert(rows, 7, "default", fresh=True)
        assert (counts.added, counts.updated, counts.removed) == (5, 0, 0)
        await store.end_pass()
        assert _has_id_index(db_path)
        assert await db.scalar("PRAGMA temp_store") == 2  # (memory, as before the build)
        states = await db.fetchtuples(
            "SELECT id, state, sync_key, first_seen_op, seen_op FROM assets ORDER BY id"
        )
        assert states[2] == ("asset-0002", "trashed", "default", 7, 7)
        assert states[0] == ("asset-0000", "present", "default", 7, 7)

        assert not await store.start_pass()  # not empty: upserts with their lookups
        assert _has_id_index(db_path)
        counts = await store.upsert(
            [_row(0, updated="2024-02-01T00:00:00Z", trashed=True), _row(1), _row(9)], 8, "default"
        )
        assert (counts.added, counts.updated, counts.removed) == (1, 1, 1)
        assert await db.scalar("SELECT count(*) FROM assets") == 6
        assert await db.fetchtuples(
            "SELECT state, first_seen_op, seen_op FROM assets WHERE id = 'asset-0000'"
        ) == [("trashed", 7, 8)]


async def test_a_first_pass_stopped_before_its_end_gets_its_index_on_the_next_open(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "inventory.db"
    async with open_database(db_path) as db:
        store = AssetStore(db)
        assert await store.start_pass()
        await store.upsert([_row(n) for n in range(4)], 1, "default", fresh=True)
    assert not _has_id_index(db_path)  # as a killed process leaves it
    with sqlite3.connect(db_path) as conn:  # (never written by a pass: the index keeps one)
        conn.execute("INSERT INTO assets SELECT * FROM assets WHERE id = 'asset-0003'")
        conn.execute(
            "UPDATE assets SET file_size = 1 WHERE rowid = (SELECT max(rowid) FROM assets)"
        )
    async with open_database(db_path) as db:
        assert _has_id_index(db_path)
        assert await db.fetchtuples("SELECT id, file_size FROM assets ORDER BY id") == [
            ("asset-0000", 1000),
            ("asset-0001", 1001),
            ("asset-0002", 1002),
            ("asset-0003", 1),  # the row written last
        ]


@pytest.mark.parametrize("label", ["o'brien", "a\0b", "--'); DROP TABLE assets; --"])
async def test_any_key_label_is_stored_as_it_is(tmp_path: Path, label: str) -> None:
    async with open_database(tmp_path / "inventory.db") as db:
        store = AssetStore(db)
        await store.upsert([_row(1)], 3, label, fresh=True)
        await store.upsert([_row(1), _row(2)], 4, label)
        assert await db.fetchtuples("SELECT DISTINCT sync_key FROM assets") == [(label,)]
        assert await store.count_by_user() == {label: 2}
