"""The contents to fingerprint are listed from a queue the triggers keep (migration 0021), not
by looking through every file: over rounds of random edits to files and fingerprints the queue's
listing is exactly what the look through the whole inventory finds, an existing inventory is
converted when the migration runs, and the listing's plans use indexes only."""

from __future__ import annotations

import random
from pathlib import Path

from sidecar.engine.core.models import FingerprintRow
from sidecar.engine.store.db import Database, open_database
from sidecar.engine.store.fingerprints import _UNFINGERPRINTED, FingerprintStore
from sidecar.engine.store.migrations import MIGRATIONS

# The look through the whole inventory the queue replaces (as it was before migration 0021)
WHOLE = (
    "SELECT DISTINCT f.content_hash FROM files f"
    " LEFT JOIN fingerprints p ON p.content_hash = f.content_hash"
    " WHERE f.state = 'present' AND f.kind IN ('image', 'raw')"
    " AND f.content_hash IS NOT NULL"
    " AND (p.content_hash IS NULL OR (p.error IS NULL"
    " AND (p.zoomed IS NULL OR p.exif_read IS NULL OR p.thumb IS NULL)))"
)
CONTENTS = [f"c{n:02d}" for n in range(12)]


def _print(content: str, how: str) -> FingerprintRow:
    error = "unreadable" if how == "error" else None
    whole = how == "whole"
    return FingerprintRow(
        content,
        "sha1",
        None if error else 5,
        None if error else 7,
        8,
        10,
        10,
        "local-file",
        None,
        None,
        None,
        error,
        (1, 2) if whole or how == "no-thumb" else (),
        None,
        None,
        how != "old",
        None,
        (3, 4) if whole else (),
        b"t" if whole else b"",
    )


async def _run(db: Database, sql: str, params: tuple[object, ...] = ()) -> None:
    async with db.transaction() as conn:
        await conn.execute(sql, params)


async def _edit(db: Database, store: FingerprintStore, rng: random.Random, name: int) -> None:
    """One random change to the files or the fingerprints."""
    what = rng.choice(
        ["add", "add", "content", "state", "kind", "print", "print", "forget", "stale"]
    )
    content = rng.choice([*CONTENTS, None])
    if what == "add":  # (a scan's upsert: a file seen again may change)
        await _run(
            db,
            "INSERT INTO files (root_id, rel_dir, name, kind, size, mtime_ns, content_hash,"
            " first_seen, first_gen, seen_gen, state) VALUES (1, 'd', ?, ?, 1, 1, ?, 'now', 1,"
            " 1, ?) ON CONFLICT (root_id, rel_dir, name) DO UPDATE SET kind = excluded.kind,"
            " content_hash = excluded.content_hash, state = excluded.state",
            (
                f"f{rng.randrange(name + 1)}",
                rng.choice(["image", "raw", "video"]),
                content,
                rng.choice(["present", "present", "removed"]),
            ),
        )
    elif what in ("content", "state", "kind"):
        column = {"content": "content_hash"}.get(what, what)
        value = {
            "content": content,
            "state": rng.choice(["present", "removed"]),
            "kind": rng.choice(["image", "raw", "video", "sidecar"]),
        }[what]
        await _run(
            db,
            f"UPDATE files SET {column} = ? WHERE id = ?",
            (value, rng.randrange(1, int(await db.scalar("SELECT max(id) FROM files") or 0) + 2)),
        )
    elif what == "print":
        how = rng.choice(["whole", "whole", "error", "old", "no-thumb"])
        await store.save_fingerprints([_print(rng.choice(CONTENTS), how)])
    elif what == "stale":  # (no run does this; a migration might)
        column = rng.choice(["thumb", "zoomed", "error"])
        await _run(
            db,
            f"UPDATE fingerprints SET {column} = ? WHERE content_hash = ?",
            (rng.choice([None, b"x"]) if column != "error" else None, rng.choice(CONTENTS)),
        )
    else:
        await _run(db, "DELETE FROM fingerprints WHERE content_hash = ?", (rng.choice(CONTENTS),))
    if rng.random() < 0.1:  # a scan marking what it saw: no change to the queue
        await _run(db, "UPDATE files SET seen_gen = seen_gen + 1")


async def _matches(db: Database, store: FingerprintStore) -> None:
    whole = sorted(r[0] for r in await db.fetchall(WHOLE))
    count = await store.unfingerprinted_count()
    listed = await store.unfingerprinted()
    assert [content for content, _, _ in listed] == whole
    assert count == len(whole)
    paged, after = [], ""
    while page := await store.unfingerprinted(after, 2):
        paged += [content for content, _, _ in page]
        after = page[-1][0]
    assert paged == whole
    for content, path, kind in listed:  # a present image or RAW file of that content
        assert path.startswith("/root/d/f")
        assert kind in ("image", "raw")
        name = path.rsplit("/", 1)[1]
        row = await db.fetchone(
            "SELECT content_hash, state, kind FROM files WHERE name = ?", (name,)
        )
        assert row is not None
        assert tuple(row) == (content, "present", kind)


async def test_the_queue_lists_what_the_whole_inventory_would(tmp_path: Path) -> None:
    rng = random.Random(5)
    async with open_database(tmp_path / "inventory.db") as db:
        store = FingerprintStore(db)
        await _run(db, "INSERT INTO roots (path, created_at) VALUES ('/root', 'now')")
        for n in range(150):
            await _edit(db, store, rng, n)
            if n % 10 == 9:
                await _matches(db, store)
        # the queue holds no more than a few contents that no longer need anything
        queued = await db.scalar("SELECT count(*) FROM unprinted")
        assert queued == await store.unfingerprinted_count()


async def test_an_existing_inventory_is_queued_when_it_is_migrated(tmp_path: Path) -> None:
    rng = random.Random(8)
    path = tmp_path / "inventory.db"
    before = [m for m in MIGRATIONS if m.name < "0021"]
    async with open_database(path, before) as db:
        store = FingerprintStore(db)
        await _run(db, "INSERT INTO roots (path, created_at) VALUES ('/root', 'now')")
        for n in range(60):
            await _edit(db, store, rng, n)
        whole = await db.fetchall(WHOLE)
    assert whole  # (something to convert)
    async with open_database(path) as db:
        await _matches(db, FingerprintStore(db))


async def test_the_listing_reads_the_queue_not_the_library(tmp_path: Path) -> None:
    queries = [
        "SELECT q.content_hash, r.path"
        f" {_UNFINGERPRINTED.format(roots=' JOIN roots r ON r.id = f.root_id')}"
        " AND q.content_hash > 'x' GROUP BY q.content_hash"
        " ORDER BY q.content_hash LIMIT 10",
        f"SELECT count(*) FROM (SELECT 1 {_UNFINGERPRINTED.format(roots='')}"
        " GROUP BY q.content_hash)",
    ]
    async with open_database(tmp_path / "inventory.db") as db:
        for sql in queries:
            plan = " | ".join(r[3] for r in await db.fetchall(f"EXPLAIN QUERY PLAN {sql}"))
            for table in ("files", "f", "fingerprints", "p"):
                assert f"SCAN {table} " not in plan + " ", plan
