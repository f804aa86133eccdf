"""The part of the analysis a partial regroup reads and rewrites: the log of touched inputs,
the media, edges and assets of some contents and folders, the stored groups and pairs holding
some members, and one transaction swapping those for the new ones. Every read is an index
lookup (files_by_hash, the files UNIQUE index, near_edges both ways, dup/pair members by
member, assets_by_path); only the whole-library counts read a table through."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

import aiosqlite

from sidecar.engine.core.media import immich_generated
from sidecar.engine.core.models import AssetLink, MediaItem, NearEdge
from sidecar.engine.core.models.inventory import join_path
from sidecar.engine.core.touched import JSON_KINDS, Key, Touched
from sidecar.engine.store.assets import LINK_COLUMNS, _link
from sidecar.engine.store.db import Database, utcnow
from sidecar.engine.store.members import GroupRow, PairRow, insert_groups, insert_pairs
from sidecar.engine.store.migrations.touched import LOGGING_KEY
from sidecar.engine.store.video_prints import VIDEO_MEDIA, video_media

CHUNK = 500
RESULTS_KEY = "analysis.results"  # the last analysis that changed the stored results
Place = tuple[int, str, str]  # root_id, rel_dir, name
Folder = tuple[int, str]  # root_id, rel_dir

_MEDIA = (
    "SELECT f.root_id, f.rel_dir, f.name, f.kind, f.size, f.content_hash, p.phash, p.dhash,"
    " p.width, p.height, p.taken_at, p.make, p.model, p.software, p.modified_at,"
    " p.jpeg_quality, r.path"
    " FROM files f JOIN roots r ON r.id = f.root_id"
    " LEFT JOIN fingerprints p ON p.content_hash = f.content_hash"
    " WHERE f.state = 'present' AND f.kind IN ('image', 'raw') AND f.content_hash IS NOT NULL"
)


def _chunks(items: Iterable[str]) -> Iterable[list[str]]:
    unique = sorted(set(items))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


async def links_where(
    db: Database, column: str, values: Iterable[str], extra: str = ""
) -> list[AssetLink]:
    """Assets (not gone) whose `column` is one of `values` (and `extra`, SQL), in the order a
    full read gives them (by rowid); `column` is indexed (assets_by_id, _by_path, _by_upload)."""
    found = []
    for chunk in _chunks(values):
        marks = ",".join("?" * len(chunk))
        rows = await db.fetchall(
            f"SELECT {LINK_COLUMNS}, rowid FROM assets"
            f" WHERE {column} IN ({marks}) AND state != 'gone'{extra}",
            chunk,
        )
        found += [(int(r[-1]), _link(tuple(r)[:-1])) for r in rows]
    return [link for _, link in sorted(found, key=lambda x: x[0])]


class ScopeStore:
    db: Database

    async def last_touched(self) -> int:
        """The id of the last touched row; the log is started first (from now on every
        change is logged: the caller reads the inputs after this)."""
        if await self.db.fetchone("SELECT 1 FROM meta WHERE key = ?", (LOGGING_KEY,)) is None:
            async with self.db.transaction() as conn:
                await conn.execute(
                    "INSERT OR IGNORE INTO meta (key, value, updated_at) VALUES (?, '1', ?)",
                    (LOGGING_KEY, utcnow()),
                )
        return int(await self.db.scalar("SELECT coalesce(max(id), 0) FROM analysis_touched"))

    async def count_touched(self, upto: int) -> int:
        return int(
            await self.db.scalar("SELECT count(*) FROM analysis_touched WHERE id <= ?", (upto,))
        )

    async def touched(self, upto: int) -> list[tuple[str, Key]]:
        """(kind, key) of the touched rows up to `upto`, the JSON keys decoded."""
        rows = await self.db.fetchall(
            "SELECT kind, key FROM analysis_touched WHERE id <= ? ORDER BY id", (upto,)
        )
        return [
            (r[0], json.loads(r[1]) if r[0] in JSON_KINDS and r[1] is not None else r[1])
            for r in rows
        ]

    async def root_paths(self) -> dict[int, str]:
        return {r[0]: r[1] for r in await self.db.fetchall("SELECT id, path FROM roots")}

    async def contents_at(self, places: Iterable[Place]) -> dict[Place, str]:
        """The content of the present files at these places (UNIQUE index lookups)."""
        out: dict[Place, str] = {}
        for root_id, rel_dir, name in set(places):
            row = await self.db.fetchone(
                "SELECT content_hash FROM files WHERE root_id = ? AND rel_dir = ? AND name = ?"
                " AND state = 'present' AND content_hash IS NOT NULL",
                (root_id, rel_dir, name),
            )
            if row is not None:
                out[(root_id, rel_dir, name)] = row[0]
        return out

    async def neighbours(self, contents: Iterable[str]) -> set[str]:
        """Contents a stored near edge links to any of these (both ways)."""
        out: set[str] = set()
        for chunk in _chunks(contents):
            marks = ",".join("?" * len(chunk))
            rows = await self.db.fetchall(
                f"SELECT b FROM near_edges WHERE a IN ({marks})"
                f" UNION SELECT a FROM near_edges WHERE b IN ({marks})",
                [*chunk, *chunk],
            )
            out.update(r[0] for r in rows)
        return out

    async def edges_from(self, contents: Iterable[str]) -> list[NearEdge]:
        """The stored edges whose first end is one of these (all of a closed set's edges)."""
        out = []
        for chunk in _chunks(contents):
            marks = ",".join("?" * len(chunk))
            out += [
                NearEdge(r[0], r[1], r[2], r[3], r[4], r[5] or "", r[6] or 0)
                for r in await self.db.fetchall(
                    "SELECT a, b, phash_distance, dhash_distance, zoom, side, likeness"
                    f" FROM near_edges WHERE a IN ({marks})",
                    chunk,
                )
            ]
        return out

    async def media_of(self, contents: Iterable[str]) -> list[tuple[Folder, MediaItem]]:
        """Present media files with these contents, with their folder."""
        out = []
        for chunk in _chunks(contents):
            marks = ",".join("?" * len(chunk))
            rows = await self.db.fetchall(f"{_MEDIA} AND f.content_hash IN ({marks})", chunk)
            out += [_media(r) for r in rows]
            rows = await self.db.fetchall(f"{VIDEO_MEDIA} AND f.content_hash IN ({marks})", chunk)
            out += [video_media(tuple(r)) for r in rows]
        return out

    async def media_in(self, folders: Iterable[Folder]) -> list[tuple[Folder, MediaItem]]:
        """Present media files directly in these folders (the UNIQUE index's prefix)."""
        out = []
        for root_id, rel_dir in sorted(set(folders)):
            rows = await self.db.fetchall(
                f"{_MEDIA} AND f.root_id = ? AND f.rel_dir = ?", (root_id, rel_dir)
            )
            out += [_media(r) for r in rows]
            rows = await self.db.fetchall(
                f"{VIDEO_MEDIA} AND f.root_id = ? AND f.rel_dir = ?", (root_id, rel_dir)
            )
            out += [video_media(tuple(r)) for r in rows]
        return out

    async def burst_named(self) -> list[tuple[Folder, str]]:
        """Folder and name of the present media files whose name may hold a burst tag (a
        pass over the names: only when the part has tagged frames, whose bursts span
        folders)."""
        rows = await self.db.fetchall(
            "SELECT root_id, rel_dir, name FROM files WHERE name LIKE '%burst%'"
            " AND state = 'present' AND kind IN ('image', 'raw') AND content_hash IS NOT NULL"
        )
        return [((r[0], r[1]), r[2]) for r in rows]

    async def links_at(self, immich_paths: Iterable[str]) -> list[AssetLink]:
        """Assets (not gone) at these Immich paths, in the order a full read gives them."""
        return await links_where(self.db, "original_path", immich_paths)

    async def results_holding(
        self, keys: Iterable[str]
    ) -> tuple[set[int], set[int], list[tuple[str, str | None]]]:
        """Stored exact and near groups, and pairs, with any of these member keys: their ids
        and all their members (key, path)."""
        groups: set[int] = set()
        pairs: set[int] = set()
        for chunk in _chunks(keys):
            marks = ",".join("?" * len(chunk))
            groups.update(
                r[0]
                for r in await self.db.fetchall(
                    "SELECT m.group_id FROM dup_members m JOIN dup_groups g ON g.id = m.group_id"
                    f" WHERE m.member IN ({marks}) AND g.tier != 'semantic'",
                    chunk,
                )
            )
            pairs.update(
                r[0]
                for r in await self.db.fetchall(
                    f"SELECT pair_id FROM pair_members WHERE member IN ({marks})", chunk
                )
            )
        members: list[tuple[str, str | None]] = []
        for table, column, ids in (
            ("dup_members", "group_id", groups),
            ("pair_members", "pair_id", pairs),
        ):
            for chunk in _chunks(str(i) for i in ids):
                marks = ",".join("?" * len(chunk))
                members += [
                    (r[0], r[1])
                    for r in await self.db.fetchall(
                        f"SELECT member, path FROM {table} WHERE {column} IN ({marks})",
                        [int(i) for i in chunk],
                    )
                ]
        return groups, pairs, members

    async def swap_part(
        self,
        op_id: int,
        drop: tuple[set[int], set[int]],
        groups: Sequence[GroupRow],
        pairs: Sequence[PairRow],
        touched_upto: int,
    ) -> None:
        """In one transaction: delete the groups and pairs `drop` names, insert the new ones
        (analysis `op_id`), forget the touched rows up to `touched_upto`, and note that this
        analysis changed the results (the stamp moves even when only rows went)."""
        old_groups, old_pairs = drop
        async with self.db.transaction() as conn:
            for table, column, ids in (
                ("dup_members", "group_id", old_groups),
                ("dup_groups", "id", old_groups),
                ("pair_members", "pair_id", old_pairs),
                ("pairs", "id", old_pairs),
            ):
                await conn.executemany(
                    f"DELETE FROM {table} WHERE {column} = ?", [(i,) for i in ids]
                )
            await insert_groups(conn, op_id, groups)
            await insert_pairs(conn, op_id, pairs)
            await conn.execute("DELETE FROM analysis_touched WHERE id <= ?", (touched_upto,))
            if old_groups or old_pairs or groups or pairs:
                await note_results(conn, op_id)

    async def forget_touched(self, upto: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM analysis_touched WHERE id <= ?", (upto,))

    async def touch_assets(self, assets: Sequence[AssetLink]) -> None:
        """Rows as the assets' own triggers write them (migration 0017)."""
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO analysis_touched (kind, key) VALUES (?, json_array(?, ?))",
                [(Touched.ASSET.value, a.id, a.original_path) for a in assets],
            )

    async def reclaimable(self) -> int:
        return int(
            await self.db.scalar(
                "SELECT coalesce(sum(reclaim), 0) FROM dup_groups WHERE tier != 'semantic'"
            )
        )

    async def count_media(self) -> int:
        """How many media files an analysis compares (present images, RAWs and videos with a
        content hash; not the files Immich generates): one count, and the few whose folder
        names look like Immich's are checked by path. (Live photos' motion parts left out of
        the members are counted: a figure, not a pass over every folder.)"""
        total = int(
            await self.db.scalar(
                "SELECT count(*) FROM files WHERE state = 'present'"
                " AND kind IN ('image', 'raw', 'video') AND content_hash IS NOT NULL"
            )
        )
        like = (
            " AND (f.rel_dir LIKE '%thumbs/%' OR f.rel_dir LIKE '%encoded-video/%'"
            " OR f.rel_dir LIKE '%profile/%' OR r.path LIKE '%thumbs%'"
            " OR r.path LIKE '%encoded-video%' OR r.path LIKE '%profile%')"
        )
        rows = [_media(r)[1] for r in await self.db.fetchall(f"{_MEDIA}{like}")]
        rows += [video_media(tuple(r))[1] for r in await self.db.fetchall(f"{VIDEO_MEDIA}{like}")]
        return total - sum(1 for m in rows if immich_generated(m.path))


async def note_results(conn: aiosqlite.Connection, op_id: int) -> None:
    """Analysis `op_id` changed the stored results (part of `results_stamp`)."""
    await conn.execute(
        "INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key)"
        " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (RESULTS_KEY, str(op_id), utcnow()),
    )


def _media(r: sqlite3.Row) -> tuple[Folder, MediaItem]:
    row = tuple(r)
    return (row[0], row[1]), MediaItem(join_path(row[16], row[1], row[2]), *row[3:16])
