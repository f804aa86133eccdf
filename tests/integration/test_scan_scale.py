"""What keeps a scan and the dashboard cheap on a large library, checked for behaviour: a
rescan's marks are no change to the analysis inputs (a changed or vanished file is), small
and large files hash alike, and the dashboard's counts are read from indexes."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from sidecar.engine.disk import SMALL_FILE, hash_file
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.helpers.scan import scan


async def input_changes(settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        return await rt.analysis.input_changes()


async def test_a_rescan_marks_no_change_but_a_changed_or_vanished_file_does(
    photos: Path, settings: Settings
) -> None:
    first = await scan(settings, photos)
    before = await input_changes(settings)
    again = await scan(settings, photos)
    assert again.counts.unchanged == first.counts.scanned
    assert await input_changes(settings) == before  # every record was marked seen
    changed = next(photos.rglob("*.jpg"))
    with changed.open("ab") as fh:
        fh.write(b"\0" * 16)
    assert (await scan(settings, photos)).counts.changed == 1
    after_change = await input_changes(settings)
    assert after_change > before
    next(p for p in photos.rglob("*.png")).unlink()
    assert (await scan(settings, photos)).counts.removed == 1
    assert await input_changes(settings) > after_change


async def test_an_unchanged_rescan_marks_each_folder_once_and_no_file(
    photos: Path, settings: Settings
) -> None:
    first = await scan(settings, photos)
    conn = sqlite3.connect(settings.storage.db_path)
    try:  # a folder's first record made its row: nothing to look through when settling
        assert conn.execute("SELECT DISTINCT seen_gen FROM scan_dirs").fetchall() == [
            (first.op_id,)
        ]
    finally:
        conn.close()
    again = await scan(settings, photos)
    conn = sqlite3.connect(settings.storage.db_path)
    try:
        # every record keeps the generation of the scan that wrote it; its folder has the new
        assert conn.execute("SELECT DISTINCT seen_gen FROM files").fetchall() == [(first.op_id,)]
        folders = conn.execute("SELECT count(DISTINCT rel_dir) FROM files").fetchone()[0]
        marked = conn.execute(
            "SELECT count(*) FROM scan_dirs WHERE seen_gen = ?", (again.op_id,)
        ).fetchone()[0]
        assert marked == folders > 1
    finally:
        conn.close()


def hash_index(settings: Settings) -> list[str]:
    conn = sqlite3.connect(settings.storage.db_path)
    try:
        rows = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'files_by_hash'")
        return [r[0] for r in rows]
    finally:
        conn.close()


async def test_the_hash_index_a_scan_dropped_is_there_again_as_it_was(
    photos: Path, settings: Settings
) -> None:
    await scan(settings, photos)
    made = hash_index(settings)
    assert made == ["CREATE INDEX files_by_hash ON files (content_hash)"]  # migration 0001
    async with open_runtime(settings) as rt:  # a scan writing many rows, killed
        await rt.files.pause_hash_index()
    assert hash_index(settings) == []
    async with open_runtime(settings):  # any command's start builds it again
        pass
    assert hash_index(settings) == made
    report = await scan(settings, photos)
    assert report.counts.unchanged == report.counts.scanned
    assert hash_index(settings) == made


def test_small_and_large_files_hash_to_their_content(tmp_path: Path) -> None:
    for size in (0, 1, 1024, SMALL_FILE, SMALL_FILE + 1, 3 * SMALL_FILE + 7):
        path = tmp_path / f"f{size}.jpg"
        data = hashlib.sha256(str(size).encode()).digest() * (size // 32 + 1)
        path.write_bytes(data[:size])
        for algorithm in ("sha1", "sha256"):
            got = hash_file(str(path), algorithm)
            assert got.digest == hashlib.new(algorithm, data[:size]).hexdigest()
            assert got.size == size
            assert got.mtime_ns == path.stat().st_mtime_ns


# the queries of FileStore.counts and AssetStore.count_by_user
COUNTS = (
    "SELECT count(*) FROM files",
    "SELECT count(*) FROM files WHERE state != 'present'",
    "SELECT count(*) FROM assets WHERE state = 'present'",
    "SELECT sync_key, count(*) FROM assets WHERE state = 'present' GROUP BY sync_key",
)
# the scan's queries for present files keep to the path and hash indexes
SCAN_QUERIES = {
    "SELECT id FROM files WHERE root_id = 1 AND rel_dir IN ('a', 'b') AND state = 'present'"
    " AND seen_gen < 5": "files_1",
    "SELECT id FROM files WHERE root_id = 1 AND state = 'present' AND rel_dir IN ('a', 'b')": (
        "files_1"
    ),
    "SELECT f.id FROM files f JOIN scan_dirs d ON d.root_id = f.root_id AND d.rel_dir = f.rel_dir"
    " WHERE f.content_hash IN ('x', 'y') AND f.state = 'present'"
    " AND (f.seen_gen = 3 OR d.seen_gen = 3)": "files_by_hash",
}
# and its folder marks keep to their primary key
DIR_QUERIES = (
    "SELECT rel_dir, seen_gen FROM scan_dirs WHERE root_id = 1"
    " AND (rel_dir = 'a' OR (rel_dir >= 'a/' AND rel_dir < 'a0')) AND seen_gen < 5",
    "UPDATE scan_dirs SET seen_gen = 3 WHERE root_id = 1 AND rel_dir IN ('a', 'b')",
)


async def test_the_dashboard_counts_read_indexes_not_whole_tables(
    photos: Path, settings: Settings
) -> None:
    await scan(settings, photos)
    async with open_runtime(settings) as rt:
        status = await rt.review.overview()
    assert status.files > 0
    conn = sqlite3.connect(settings.storage.db_path)
    try:
        for sql in COUNTS:
            plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert "COVERING INDEX" in plan, (sql, plan)
        for sql, index in SCAN_QUERIES.items():
            plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert f"INDEX {index}" in plan or f"autoindex_{index}" in plan, (sql, plan)
        for sql in DIR_QUERIES:
            plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert "scan_dirs USING PRIMARY KEY" in plan, (sql, plan)
    finally:
        conn.close()


async def test_small_and_large_chunks_hash_alike_on_their_threads(
    tmp_path: Path, settings: Settings
) -> None:
    """Folders of small files go to the one-thread pool, a folder holding large files to the
    `concurrency` threads: every record holds its file's content hash either way."""
    root = tmp_path / "lib"
    sizes = {"small": [5, 700, 40_000] * 4, "large": [3 * SMALL_FILE, 10, SMALL_FILE + 3]}
    expected: dict[str, str] = {}
    for folder, lengths in sizes.items():
        (root / folder).mkdir(parents=True)
        for n, size in enumerate(lengths):
            data = (hashlib.sha256(f"{folder}{n}".encode()).digest() * (size // 32 + 1))[:size]
            (root / folder / f"{n:02d}.jpg").write_bytes(data)
            expected[f"{folder}/{n:02d}.jpg"] = hashlib.sha1(data).hexdigest()
    report = await scan(settings, root)
    assert (report.counts.added, report.counts.errors) == (len(expected), 0)
    async with open_runtime(settings) as rt:
        rows = await rt.db.fetchall("SELECT rel_dir, name, content_hash FROM files")
    assert {f"{r[0]}/{r[1]}": r[2] for r in rows} == expected
