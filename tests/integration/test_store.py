from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

import pytest

from sidecar.engine.core.errors import StoreError
from sidecar.engine.store.db import open_database
from sidecar.engine.store.migrations import MIGRATIONS, Migration
from tests.helpers.process import run_process, without_root_powers

SHIPPED = [
    "0001_inventory",
    "0002_assets_fingerprints",
    "0003_analysis",
    "0004_zoom_views",
    "0005_asset_indexes",
    "0006_writeback",
    "0007_trash_decisions",
    "0008_jobs",
    "0009_pair_decisions",
    "0010_stack_decisions",
    "0011_review",
    "0012_person_marks",
    "0013_writeback_verified",
    "0014_person_tags",
    "0015_side_views",
    "0016_analysis_inputs",
    "0017_analysis_touched",
    "0018_fingerprint_search",
    "0019_scale_counts",
    "0020_remote_members",
    "0021_fingerprint_work",
    "0022_scan_dirs",
    "0023_asset_id_index",
    "0024_asset_lookups",
    "0025_video",
    "0026_video_assets",
]


def test_shipped_migrations_keep_their_names_and_order() -> None:
    # existing inventories recorded these names: a new migration is appended, never inserted
    names = [m.name for m in MIGRATIONS]
    assert names[: len(SHIPPED)] == SHIPPED
    assert len(set(names)) == len(names)


async def test_new_database_is_wal_and_records_migrations(tmp_path: Path) -> None:
    db_path = tmp_path / "state" / "inventory.db"
    async with open_database(db_path) as db:
        assert (await db.scalar("PRAGMA journal_mode")).lower() == "wal"
        assert await db.scalar("PRAGMA busy_timeout") == 10_000
        names = [r[0] for r in await db.fetchall("SELECT name FROM schema_migrations")]
        assert names == [m.name for m in MIGRATIONS]
    assert not (tmp_path / "state" / "backups").exists()  # nothing to back up on a new db
    assert not (tmp_path / "state" / "inventory.db.migrating").exists()  # its lock is gone


async def test_pending_migration_on_existing_db_takes_a_backup_first(tmp_path: Path) -> None:
    db_path = tmp_path / "inventory.db"
    async with open_database(db_path) as db, db.transaction() as conn:
        await conn.execute("INSERT INTO roots (path, created_at) VALUES ('/photos', '2026-01-01')")
    extra = Migration("0099_test_extra", "CREATE TABLE extra (id INTEGER PRIMARY KEY);")
    async with open_database(db_path, (*MIGRATIONS, extra)) as db:
        names = [r[0] for r in await db.fetchall("SELECT name FROM schema_migrations")]
        assert names[-1] == "0099_test_extra"
        assert await db.scalar("SELECT count(*) FROM extra") == 0
    backups = list((tmp_path / "backups").glob("inventory-*-before-0099_test_extra.db"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as old:
        assert old.execute("SELECT path FROM roots").fetchall() == [("/photos",)]
        tables = {r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "extra" not in tables
    # reopening with the same migrations changes nothing and takes no new backup
    async with open_database(db_path, (*MIGRATIONS, extra)):
        pass
    assert len(list((tmp_path / "backups").iterdir())) == 1


async def test_failed_migration_leaves_db_unchanged(tmp_path: Path) -> None:
    db_path = tmp_path / "inventory.db"
    async with open_database(db_path):
        pass
    bad = Migration("0099_broken", "CREATE TABLE half (id INTEGER);\nCREATE TABLE roots (x);")
    with pytest.raises(StoreError, match="migration 0099_broken failed"):
        async with open_database(db_path, (*MIGRATIONS, bad)):
            pass
    async with open_database(db_path) as db:
        tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert "half" not in tables


async def test_db_from_newer_version_is_refused(tmp_path: Path) -> None:
    db_path = tmp_path / "inventory.db"
    future = Migration("0999_future", "SELECT 1;")
    async with open_database(db_path, (*MIGRATIONS, future)):
        pass
    with pytest.raises(StoreError, match="written by a newer immich-sidecar"):
        async with open_database(db_path):
            pass


async def test_not_a_database(tmp_path: Path) -> None:
    db_path = tmp_path / "inventory.db"
    db_path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable SQLite database"):
        async with open_database(db_path):
            pass


async def test_every_query_plan_uses_an_index(tmp_path: Path) -> None:
    """The lookups the product makes never scan the files table."""
    queries = [
        "SELECT id FROM files WHERE root_id = 1 AND rel_dir = 'a'",
        "SELECT id FROM files WHERE root_id = 1 AND rel_dir = 'a' AND name = 'b'",
        "SELECT id FROM files WHERE content_hash = 'x'",
        "SELECT id FROM files WHERE root_id = 1 AND state = 'present' AND seen_gen < 5",
        "SELECT id FROM files WHERE root_id = 1 AND state = 'present'"
        " AND (rel_dir = 'a' OR (rel_dir >= 'a/' AND rel_dir < 'a0'))",
        "SELECT id FROM roots WHERE path = '/x'",
        "SELECT * FROM operations ORDER BY id DESC LIMIT 10",
        "SELECT path FROM operation_errors WHERE op_id = 3",
        "SELECT count(*) FROM assets WHERE state = 'present'",
        "SELECT phash FROM fingerprints WHERE content_hash = 'x'",
        "SELECT changes FROM analysis_inputs WHERE id = 1",
        "SELECT asset_id FROM tag_assets WHERE tag_id = 'x'",
        "SELECT asset_id FROM album_assets WHERE album_id = 'x'",
        "SELECT id FROM assets WHERE original_path IN ('/a', '/b') AND state != 'gone'",
        "SELECT id FROM assets WHERE checksum IN ('x') AND state != 'gone' AND library_id IS NULL",
    ]
    async with open_database(tmp_path / "inventory.db") as db:
        for sql in queries:
            plan = " | ".join(r[3] for r in await db.fetchall(f"EXPLAIN QUERY PLAN {sql}"))
            assert "SCAN files" not in plan, (sql, plan)
            assert "SCAN operation_errors" not in plan, (sql, plan)
            assert "SCAN assets " not in plan + " ", (sql, plan)
            assert "SCAN fingerprints" not in plan, (sql, plan)
            assert "SCAN tag_assets" not in plan, (sql, plan)
            assert "SCAN album_assets" not in plan, (sql, plan)


async def test_changes_to_what_the_analysis_reads_are_counted_and_bookkeeping_is_not(
    tmp_path: Path,
) -> None:
    async with open_database(tmp_path / "inventory.db") as db:

        async def changes() -> int:
            return int(await db.scalar("SELECT changes FROM analysis_inputs WHERE id = 1"))

        async def run(sql: str) -> None:
            async with db.transaction() as conn:
                await conn.execute(sql)

        assert await changes() == 0
        await run("INSERT INTO roots (path, created_at) VALUES ('/p', 'now')")
        await run(
            "INSERT INTO files (root_id, rel_dir, name, kind, size, mtime_ns, first_seen,"
            " first_gen, seen_gen) VALUES (1, '', 'a.jpg', 'image', 1, 1, 'now', 1, 1)"
        )
        assert await changes() == 2
        await run("UPDATE files SET seen_gen = 2")  # a scan saw it again: no change
        await run("UPDATE files SET size = 1")  # the same value written again
        assert await changes() == 2
        await run("UPDATE files SET size = 2")
        await run("UPDATE files SET state = 'removed'")
        assert await changes() == 4
        await run("INSERT INTO albums (sync_key, id, name, signature) VALUES ('k', 'a', 'A', 's')")
        await run("UPDATE albums SET signature = 't'")  # when its members were read: none
        assert await changes() == 5
        await run("DELETE FROM files")
        await run("INSERT INTO meta (key, value, updated_at) VALUES ('x', 'y', 'now')")
        assert await changes() == 6


async def test_openers_started_together_on_a_new_state_folder_all_work(tmp_path: Path) -> None:
    """Two commands on a brand-new folder used to race into 'table already exists'."""
    db_path = tmp_path / "state" / "inventory.db"

    async def open_and_count() -> int:
        async with open_database(db_path) as db:
            return int(await db.scalar("SELECT count(*) FROM schema_migrations"))

    counts = await asyncio.gather(*(open_and_count() for _ in range(4)))
    assert counts == [len(MIGRATIONS)] * 4
    assert not db_path.with_name("inventory.db.migrating").exists()


def test_a_state_folder_it_cannot_write_is_named_with_the_fix(tmp_path: Path) -> None:
    state = tmp_path / "state"
    env = {"IMMICH_SIDECAR_STATE_DIR": str(state)}
    assert run_process(["status"], env=env).returncode == 0
    state.chmod(0o555)
    try:
        proc = run_process(["status"], env=env, prefix=without_root_powers())
    finally:
        state.chmod(0o755)
    assert proc.returncode == 1
    uid = os.getuid()
    assert proc.stderr == (
        f"immich-sidecar: the state folder {state} is not writable: make it writable for uid "
        f"{uid} (e.g. 'chmod -R u+rwX {state}') or point storage.state_dir "
        "(IMMICH_SIDECAR_STATE_DIR) at a writable folder\n"
    )
    (state / "inventory.db").chmod(0o444)
    try:
        proc = run_process(["status"], env=env, prefix=without_root_powers())
    finally:
        (state / "inventory.db").chmod(0o644)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"immich-sidecar: {state}/inventory.db cannot be read and")
