"""Queries on roots and files. Each names the index that backs it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sidecar.engine.core.models import FileRecord, HashedFile, Root, join_path
from sidecar.engine.core.reconcile import KnownFile, MoveCandidate
from sidecar.engine.store.db import Database, utcnow

CHUNK = 500  # ids per IN (...) list
# files_by_hash exactly as migration 0001 made it: a scan writing many records drops it and
# builds it again after (one sort instead of a random insert per row into a large index).
HASH_INDEX = "files_by_hash"
HASH_INDEX_SQL = f"CREATE INDEX IF NOT EXISTS {HASH_INDEX} ON files (content_hash)"


def _chunks(items: Sequence[int], size: int = CHUNK) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _subtree(rel_dir: str) -> tuple[str, list[str]]:
    """SQL condition (and parameters) for rows inside folder `rel_dir` of a root."""
    if not rel_dir:
        return "1", []
    # '/' + 1 == '0': a range scan on (root_id, rel_dir) instead of LIKE with escapes.
    return "(rel_dir = ? OR (rel_dir >= ? AND rel_dir < ?))", [
        rel_dir,
        rel_dir + "/",
        rel_dir + "0",
    ]


class FileStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def root(self, path: str) -> Root:
        """The root for an absolute folder, created on first use (index: roots.path UNIQUE)."""
        row = await self.db.fetchone("SELECT id, path FROM roots WHERE path = ?", (path,))
        if row is None:
            async with self.db.transaction() as conn:
                await conn.execute(
                    "INSERT OR IGNORE INTO roots (path, created_at) VALUES (?, ?)",
                    (path, utcnow()),
                )
            row = await self.db.fetchone("SELECT id, path FROM roots WHERE path = ?", (path,))
        assert row is not None
        return Root(row["id"], row["path"])

    async def forget_root(self, path: str) -> int | None:
        """Drop a root and its file records (and their move history) from the inventory;
        the number of records dropped, None when no such root is known. Nothing on disk."""
        root = await self.db.fetchone("SELECT id FROM roots WHERE path = ?", (path,))
        if root is None:
            return None
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM file_moves WHERE file_id IN (SELECT id FROM files WHERE root_id = ?)",
                (root["id"],),
            )
            cur = await conn.execute("DELETE FROM files WHERE root_id = ?", (root["id"],))
            await conn.execute("DELETE FROM scan_dirs WHERE root_id = ?", (root["id"],))
            await conn.execute("DELETE FROM roots WHERE id = ?", (root["id"],))
            return int(cur.rowcount)

    async def roots(self) -> list[Root]:
        rows = await self.db.fetchall("SELECT id, path FROM roots ORDER BY path")
        return [Root(r["id"], r["path"]) for r in rows]

    async def known_in_dirs(
        self, root_id: int, rel_dirs: Sequence[str]
    ) -> dict[str, list[KnownFile]]:
        """Records of several folders in one query (index: files UNIQUE (root_id, rel_dir,
        name))."""
        found: dict[str, list[KnownFile]] = {d: [] for d in rel_dirs}
        for start in range(0, len(rel_dirs), CHUNK):
            chunk = rel_dirs[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            async with self.db.conn.execute(
                "SELECT id, name, size, mtime_ns, hash_algo, state = 'present', rel_dir"
                f" FROM files WHERE root_id = ? AND rel_dir IN ({marks})",
                (root_id, *chunk),
            ) as cur:
                cur.row_factory = None  # plain tuples: this is the hot path of a rescan
                for row in await cur.fetchall():
                    found[row[6]].append(KnownFile._make(row[:6]))
        return found

    async def count_present_under(self, root_id: int, rel_dir: str) -> int:
        cond, params = _subtree(rel_dir)
        return int(
            await self.db.scalar(
                f"SELECT count(*) FROM files WHERE root_id = ? AND state = 'present' AND {cond}",
                (root_id, *params),
            )
        )

    async def record_count(self) -> int:
        return int(await self.db.scalar("SELECT count(*) FROM files"))

    async def pause_hash_index(self) -> None:
        """Drop files_by_hash while a scan writes many records: inserting a random hash into
        a large index dirties a page per row (measured at 400,000 rows: 8.5 s CPU with it,
        2.5 s without it and the index built after); `restore_hash_index` builds it again."""
        async with self.db.transaction() as conn:
            await conn.execute(f"DROP INDEX IF EXISTS {HASH_INDEX}")

    async def hash_index_dropped(self) -> bool:
        return not await self.db.scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?", (HASH_INDEX,)
        )

    async def restore_hash_index(self) -> None:
        if not await self.hash_index_dropped():
            return
        async with self.db.transaction() as conn:
            await conn.execute(HASH_INDEX_SQL)

    async def touch(self, ids: Sequence[int], generation: int) -> None:
        """Mark unchanged records as seen by this scan (primary key lookups)."""
        async with self.db.transaction() as conn:
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                await conn.execute(
                    f"UPDATE files SET seen_gen = ? WHERE id IN ({marks})",
                    (generation, *chunk),
                )

    async def touch_dirs(self, root_id: int, rel_dirs: Sequence[str], generation: int) -> None:
        """Mark folders whose present records were all seen unchanged by this scan, one row
        each instead of a row per file (primary key of scan_dirs)."""
        async with self.db.transaction() as conn:
            for start in range(0, len(rel_dirs), CHUNK):
                chunk = rel_dirs[start : start + CHUNK]
                marks = ",".join("?" * len(chunk))
                await conn.execute(
                    f"UPDATE scan_dirs SET seen_gen = ? WHERE root_id = ? AND rel_dir IN ({marks})",
                    (generation, root_id, *chunk),
                )

    async def touch_subtree(self, root_id: int, rel_dir: str, generation: int) -> None:
        """Keep records under a folder that could not be read from being taken as removed
        (marks its folders: a range of scan_dirs' primary key)."""
        cond, params = _subtree(rel_dir)
        async with self.db.transaction() as conn:
            await conn.execute(
                f"UPDATE scan_dirs SET seen_gen = ? WHERE root_id = ? AND {cond}",
                (generation, root_id, *params),
            )

    async def write_hashed(self, files: Sequence[HashedFile], generation: int) -> None:
        """Insert new paths and update changed ones in one transaction (upsert on the path)."""
        now = utcnow()
        rows = [(*f, now, generation, generation) for f in files]  # HashedFile: columns' order
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO files (root_id, rel_dir, name, kind, size, mtime_ns, content_hash,"
                " hash_algo, first_seen, first_gen, seen_gen)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (root_id, rel_dir, name) DO UPDATE SET"
                " kind = excluded.kind, size = excluded.size, mtime_ns = excluded.mtime_ns,"
                " content_hash = excluded.content_hash, hash_algo = excluded.hash_algo,"
                " seen_gen = excluded.seen_gen,"
                " first_gen = CASE WHEN files.state = 'removed' THEN excluded.first_gen"
                "                  ELSE files.first_gen END,"
                " state = 'present', removed_at = NULL",
                rows,
            )

    async def vanished(self, root: Root, rel_dir: str, generation: int) -> list[MoveCandidate]:
        """Present records in scope not seen by scan `generation`: in the folders it did not
        mark (scan_dirs' primary key), the records it did not mark either (the UNIQUE index's
        (root_id, rel_dir) prefix). Each one's generation: when it was last seen."""
        cond, params = _subtree(rel_dir)
        stale = {
            r[0]: r[1]
            for r in await self.db.fetchall(
                f"SELECT rel_dir, seen_gen FROM scan_dirs WHERE root_id = ? AND {cond}"
                " AND seen_gen < ?",
                (root.id, *params, generation),
            )
        }
        dirs = sorted(stale)
        out: list[MoveCandidate] = []
        for start in range(0, len(dirs), CHUNK):
            chunk = dirs[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = await self.db.fetchall(
                "SELECT id, rel_dir, name, content_hash, size, seen_gen FROM files"
                f" WHERE root_id = ? AND rel_dir IN ({marks}) AND state = 'present'"
                " AND seen_gen < ?",
                (root.id, *chunk, generation),
            )
            out += [
                MoveCandidate(
                    r["id"],
                    r["content_hash"] or "",
                    r["size"],
                    join_path(root.path, r["rel_dir"], r["name"]),
                    max(r["seen_gen"], stale[r["rel_dir"]]),
                )
                for r in rows
            ]
        return out

    async def seen_with_hashes(self, hashes: Sequence[str], generation: int) -> list[MoveCandidate]:
        """Records seen by scan `generation` holding any of these contents (index:
        files_by_hash; a record was seen when it or its folder was marked); `generation` of
        each candidate is the scan that first saw it."""
        out: list[MoveCandidate] = []
        for start in range(0, len(hashes), CHUNK):
            chunk = hashes[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = await self.db.fetchall(
                "SELECT f.id, r.path AS root, f.rel_dir, f.name, f.content_hash, f.size,"
                " f.first_gen FROM files f JOIN roots r ON r.id = f.root_id"
                " JOIN scan_dirs d ON d.root_id = f.root_id AND d.rel_dir = f.rel_dir"
                f" WHERE f.content_hash IN ({marks}) AND f.state = 'present'"
                " AND (f.seen_gen = ? OR d.seen_gen = ?)",
                (*chunk, generation, generation),
            )
            out += [
                MoveCandidate(
                    r["id"],
                    r["content_hash"],
                    r["size"],
                    join_path(r["root"], r["rel_dir"], r["name"]),
                    r["first_gen"],
                )
                for r in rows
            ]
        return out

    async def settle(
        self, moves: Sequence[tuple[int, int]], removed: Sequence[int], op_id: int
    ) -> None:
        """Apply moves (old record takes the new path; the new record is merged into it) and
        mark the rest of the vanished records removed, in one transaction."""
        now = utcnow()
        cols = "root_id, rel_dir, name, kind, size, mtime_ns, content_hash, hash_algo, seen_gen"
        async with self.db.transaction() as conn:
            for old_id, new_id in moves:
                async with conn.execute(f"SELECT {cols} FROM files WHERE id = ?", (new_id,)) as c:
                    new = await c.fetchone()
                from_path = await self._path_of(old_id)
                if new is None or from_path is None:
                    continue
                await conn.execute("DELETE FROM files WHERE id = ?", (new_id,))
                await conn.execute(
                    f"UPDATE files SET ({cols}, state, removed_at)"
                    " = (?, ?, ?, ?, ?, ?, ?, ?, ?, 'present', NULL) WHERE id = ?",
                    (*tuple(new), old_id),
                )
                to_path = await self._path_of(old_id)
                await conn.execute(
                    "INSERT INTO file_moves (file_id, op_id, from_path, to_path, moved_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (old_id, op_id, from_path, to_path, now),
                )
            for chunk in _chunks(removed):
                marks = ",".join("?" * len(chunk))
                await conn.execute(
                    f"UPDATE files SET state = 'removed', removed_at = ? WHERE id IN ({marks})",
                    (now, *chunk),
                )

    async def present_dirs(self, root_id: int) -> list[str]:
        """The folders of a root that hold present records (from scan_dirs, each checked
        through the UNIQUE index's (root_id, rel_dir) prefix: no read of every record)."""
        rows = await self.db.fetchall(
            "SELECT rel_dir FROM scan_dirs d WHERE root_id = ? AND EXISTS (SELECT 1 FROM files f"
            " WHERE f.root_id = d.root_id AND f.rel_dir = d.rel_dir AND f.state = 'present')",
            (root_id,),
        )
        return [r["rel_dir"] for r in rows]

    async def remove_dirs(self, root_id: int, rel_dirs: Sequence[str]) -> int:
        """Mark the present records of these folders (not their subfolders) removed."""
        now, count = utcnow(), 0
        async with self.db.transaction() as conn:
            for start in range(0, len(rel_dirs), CHUNK):
                chunk = rel_dirs[start : start + CHUNK]
                marks = ",".join("?" * len(chunk))
                cur = await conn.execute(
                    "UPDATE files SET state = 'removed', removed_at = ? WHERE root_id = ?"
                    f" AND state = 'present' AND rel_dir IN ({marks})",
                    (now, root_id, *chunk),
                )
                count += cur.rowcount
        return count

    async def _path_of(self, file_id: int) -> str | None:
        row = await self.db.fetchone(
            "SELECT r.path AS root, f.rel_dir, f.name FROM files f"
            " JOIN roots r ON r.id = f.root_id WHERE f.id = ?",
            (file_id,),
        )
        return None if row is None else join_path(row["root"], row["rel_dir"], row["name"])

    async def by_path(self, root: str, rel_dir: str, name: str) -> FileRecord | None:
        """One record by path (indexes: roots.path, files UNIQUE (root_id, rel_dir, name))."""
        rows = await self._records(
            "r.path = ? AND f.rel_dir = ? AND f.name = ?", (root, rel_dir, name)
        )
        return rows[0] if rows else None

    async def by_hash(self, content_hash: str) -> list[FileRecord]:
        """Every record holding this content (index: files_by_hash)."""
        return await self._records("f.content_hash = ?", (content_hash,))

    async def _records(self, where: str, params: Sequence[object]) -> list[FileRecord]:
        rows = await self.db.fetchall(
            "SELECT f.id, r.path AS root, f.rel_dir, f.name, f.kind, f.size, f.mtime_ns,"
            f" f.content_hash, f.state FROM files f JOIN roots r ON r.id = f.root_id WHERE {where}"
            " ORDER BY f.id",
            params,
        )
        return [FileRecord(*tuple(r)) for r in rows]

    async def all_files(self) -> list[tuple[str, str | None, str | None, str, str]]:
        """(path, content hash, algorithm, state, kind) of every record, for drift."""
        rows = await self.db.fetchall(
            "SELECT r.path, f.rel_dir, f.name, f.content_hash, f.hash_algo, f.state, f.kind"
            " FROM files f JOIN roots r ON r.id = f.root_id"
        )
        return [(join_path(r[0], r[1], r[2]), r[3], r[4], r[5], r[6]) for r in rows]

    async def all_moves(self) -> list[tuple[str, str]]:
        rows = await self.db.fetchall("SELECT from_path, to_path FROM file_moves ORDER BY id")
        return [(r[0], r[1]) for r in rows]

    async def moves_of(self, file_id: int) -> list[tuple[str, str]]:
        rows = await self.db.fetchall(
            "SELECT from_path, to_path FROM file_moves WHERE file_id = ? ORDER BY id", (file_id,)
        )
        return [(r[0], r[1]) for r in rows]

    async def counts(self) -> dict[str, int]:
        """Files per state and present assets, from indexes (no read of either whole table):
        all files (the smallest index), removed ones (files_removed, partial), present
        assets (assets_by_state)."""
        every = int(await self.db.scalar("SELECT count(*) FROM files"))
        removed = int(await self.db.scalar("SELECT count(*) FROM files WHERE state != 'present'"))
        assets = await self.db.scalar("SELECT count(*) FROM assets WHERE state = 'present'")
        return {"files": every - removed, "files_removed": removed, "assets": int(assets)}
