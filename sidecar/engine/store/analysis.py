"""Fingerprints, the latest duplicate groups and pairs, and the decisions people made."""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence

from sidecar.engine.core.models import (
    FingerprintRow,
    GroupDecision,
    MediaItem,
    Member,
    NearEdge,
    PairDecision,
    StoredGroup,
    StoredPair,
    join_path,
)
from sidecar.engine.store.db import Database, utcnow
from sidecar.engine.store.meta import get_meta, set_meta


class AnalysisStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def unfingerprinted(self) -> list[tuple[str, str, str]]:
        """(content hash, one path, kind) of present images and RAW files whose content has no
        fingerprint yet, or one made before centre views were hashed or EXIF Software was read
        (indexes: files_by_hash, fingerprints primary key)."""
        rows = await self.db.fetchall(
            "SELECT f.content_hash, r.path, f.rel_dir, f.name, f.kind FROM files f"
            " JOIN roots r ON r.id = f.root_id"
            " LEFT JOIN fingerprints p ON p.content_hash = f.content_hash"
            " WHERE f.state = 'present' AND f.kind IN ('image', 'raw')"
            " AND f.content_hash IS NOT NULL"
            " AND (p.content_hash IS NULL OR (p.error IS NULL"
            " AND (p.zoomed IS NULL OR p.exif_read IS NULL)))"
            " GROUP BY f.content_hash"
        )
        return [(r[0], join_path(r[1], r[2], r[3]), r[4]) for r in rows]

    async def save_fingerprints(self, rows: Sequence[FingerprintRow]) -> None:
        now = utcnow()
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT OR REPLACE INTO fingerprints (content_hash, hash_algo, phash, dhash,"
                " hash_size, width, height, source, taken_at, make, model, error, computed_at,"
                " zoomed, software, modified_at, exif_read, jpeg_quality)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.content_hash,
                        r.hash_algo,
                        r.phash,
                        r.dhash,
                        r.hash_size,
                        r.width,
                        r.height,
                        r.source,
                        r.taken_at,
                        r.make,
                        r.model,
                        r.error,
                        now,
                        pack(r.zoomed),
                        r.software,
                        r.modified_at,
                        1 if r.exif_read else None,
                        r.quality,
                    )
                    for r in rows
                ],
            )

    async def media(self) -> list[MediaItem]:
        """Every present image and RAW file with its fingerprint, for grouping and pairing."""
        rows = await self.db.fetchall(
            "SELECT r.path, f.rel_dir, f.name, f.kind, f.size, f.content_hash, p.phash, p.dhash,"
            " p.width, p.height, p.taken_at, p.make, p.model, p.software, p.modified_at,"
            " p.jpeg_quality"
            " FROM files f"
            " JOIN roots r ON r.id = f.root_id"
            " LEFT JOIN fingerprints p ON p.content_hash = f.content_hash"
            " WHERE f.state = 'present' AND f.kind IN ('image', 'raw')"
            " AND f.content_hash IS NOT NULL"
        )
        return [MediaItem(join_path(r[0], r[1], r[2]), *tuple(r)[3:]) for r in rows]

    async def fingerprint_errors(self) -> list[tuple[str, str]]:
        rows = await self.db.fetchall(
            "SELECT content_hash, error FROM fingerprints WHERE error IS NOT NULL"
        )
        return [(r[0], r[1]) for r in rows]

    async def replace_results(
        self,
        op_id: int,
        groups: Sequence[tuple[str, str, str, list[str], int, int, list[Member]]],
        pairs: Sequence[tuple[str, str, str, list[str], list[Member]]],
    ) -> None:
        """Swap in a new analysis: (tier, owner, keeper, reasons, distance, reclaim, members)
        and (kind, owner, primary, reasons, members), in one transaction."""
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM dup_members")
            await conn.execute("DELETE FROM dup_groups")
            await conn.execute("DELETE FROM pair_members")
            await conn.execute("DELETE FROM pairs")
            for tier, owner, keeper, reasons, distance, reclaim, members in groups:
                cur = await conn.execute(
                    "INSERT INTO dup_groups (op_id, tier, owner, keeper, reasons, distance,"
                    " reclaim) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (op_id, tier, owner, keeper, json.dumps(reasons), distance, reclaim),
                )
                await conn.executemany(
                    "INSERT INTO dup_members (group_id, member, path, asset_id, size, width,"
                    " height, captured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(cur.lastrowid, *_member_values(m)) for m in members],
                )
            for kind, owner, primary, reasons, members in pairs:
                cur = await conn.execute(
                    "INSERT INTO pairs (op_id, kind, owner, primary_member, reasons)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (op_id, kind, owner, primary, json.dumps(reasons)),
                )
                await conn.executemany(
                    "INSERT INTO pair_members (pair_id, member, path, asset_id, size, width,"
                    " height, captured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(cur.lastrowid, *_member_values(m)) for m in members],
                )

    async def groups(
        self,
        limit: int = 100_000,
        offset: int = 0,
        sort: str = "reclaim",
        tier: str | None = None,
        *,
        text: str = "",
        only: Sequence[int] | None = None,
        skip: Sequence[int] | None = None,
    ) -> list[StoredGroup]:
        """A page of the latest groups, largest reclaimable size first (or by `sort`:
        reclaim, distance, members, size, date, id), optionally of one tier, with a member
        whose path contains `text` (case-insensitive), among the ids `only`, not among `skip`."""
        first = "(SELECT min(captured_at) FROM dup_members m WHERE m.group_id = g.id)"
        order = {
            "reclaim": "reclaim DESC, id",
            "distance": "distance DESC, id",
            "members": "(SELECT count(*) FROM dup_members m WHERE m.group_id = g.id) DESC, id",
            "size": "(SELECT max(size) FROM dup_members m WHERE m.group_id = g.id) DESC, id",
            "date": f"{first} IS NULL, {first}, id",  # undated groups last
            "id": "id",
        }.get(sort, "reclaim DESC, id")
        where, params = _group_filter(tier, text, only, skip)
        rows = await self.db.fetchall(
            "SELECT id, tier, owner, keeper, reasons, distance, reclaim FROM dup_groups g"
            f" {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        members = await self._members("dup_members", "group_id", [r[0] for r in rows])
        return [
            StoredGroup(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], members.get(r[0], []))
            for r in rows
        ]

    async def count_groups(
        self,
        tier: str | None = None,
        *,
        text: str = "",
        only: Sequence[int] | None = None,
        skip: Sequence[int] | None = None,
    ) -> int:
        """How many groups `groups` shows with these filters, all pages together."""
        where, params = _group_filter(tier, text, only, skip)
        return int(await self.db.scalar(f"SELECT count(*) FROM dup_groups g {where}", params))

    async def group_ids(
        self,
        tier: str | None = None,
        *,
        text: str = "",
        only: Sequence[int] | None = None,
        skip: Sequence[int] | None = None,
    ) -> list[int]:
        """The ids of the groups `groups` shows with these filters."""
        where, params = _group_filter(tier, text, only, skip)
        rows = await self.db.fetchall(f"SELECT id FROM dup_groups g {where} ORDER BY id", params)
        return [r[0] for r in rows]

    async def groups_holding(
        self, asset_ids: Sequence[str] = (), keys: Sequence[str] = ()
    ) -> list[int]:
        """Ids of the groups with a member that is one of these Immich assets or has one of
        these member keys (index dup_members_by_member for the keys)."""
        rows = await self.db.fetchall(
            "SELECT group_id FROM dup_members WHERE asset_id IN (SELECT value FROM json_each(?))"
            " UNION SELECT group_id FROM dup_members"
            " WHERE member IN (SELECT value FROM json_each(?))",
            (json.dumps(list(asset_ids)), json.dumps(list(keys))),
        )
        return sorted(r[0] for r in rows)

    async def groups_queued(self) -> list[int]:
        """Ids of the groups with a member in the trash queue (a pending trash decision), in
        one query (trash_decisions primary key per member)."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT m.group_id FROM dup_members m JOIN trash_decisions t"
            " ON t.asset_id = m.asset_id WHERE t.status = 'pending'"
        )
        return [r[0] for r in rows]

    async def groups_by_id(self, ids: Sequence[int]) -> list[StoredGroup]:
        """These groups (those still stored), by id."""
        rows = await self.db.fetchall(
            "SELECT id, tier, owner, keeper, reasons, distance, reclaim FROM dup_groups"
            " WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json.dumps(list(ids)),),
        )
        members = await self._members("dup_members", "group_id", [r[0] for r in rows])
        return [
            StoredGroup(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], members.get(r[0], []))
            for r in rows
        ]

    async def groups_with_assets(self, asset_ids: Sequence[str]) -> list[StoredGroup]:
        """The latest groups that have any of these Immich assets as a member."""
        found: set[int] = set()
        for start in range(0, len(asset_ids), 500):
            chunk = list(asset_ids[start : start + 500])
            rows = await self.db.fetchall(
                "SELECT DISTINCT group_id FROM dup_members WHERE asset_id IN"
                f" ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update(r[0] for r in rows)
        if not found:
            return []
        ids = sorted(found)
        rows = []
        for start in range(0, len(ids), 500):
            chunk_ids = ids[start : start + 500]
            rows += await self.db.fetchall(
                "SELECT id, tier, owner, keeper, reasons, distance, reclaim FROM dup_groups"
                f" WHERE id IN ({','.join('?' * len(chunk_ids))}) ORDER BY id",
                chunk_ids,
            )
        members = await self._members("dup_members", "group_id", [r[0] for r in rows])
        return [
            StoredGroup(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], members.get(r[0], []))
            for r in rows
        ]

    async def pairs(self, limit: int = 100_000, offset: int = 0) -> list[StoredPair]:
        rows = await self.db.fetchall(
            "SELECT id, kind, owner, primary_member, reasons FROM pairs ORDER BY id"
            " LIMIT ? OFFSET ?",
            (limit, offset),
        )
        members = await self._members("pair_members", "pair_id", [r[0] for r in rows])
        return [
            StoredPair(r[0], r[1], r[2], r[3], json.loads(r[4]), members.get(r[0], []))
            for r in rows
        ]

    async def _members(self, table: str, column: str, ids: list[int]) -> dict[int, list[Member]]:
        out: dict[int, list[Member]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in await self.db.fetchall(
                f"SELECT {column}, member, path, asset_id, size, width, height, captured_at"
                f" FROM {table} WHERE {column} IN ({marks}) ORDER BY {column}, member",
                chunk,
            ):
                out.setdefault(r[0], []).append(Member(*tuple(r)[1:]))
        return out

    async def hashed_contents(self) -> list[tuple[str, int, int, tuple[int, ...]]]:
        """(content hash, pHash, dHash, centre-view hashes) of every fingerprint (signed
        64-bit, as stored)."""
        rows = await self.db.fetchall(
            "SELECT content_hash, phash, dhash, zoomed FROM fingerprints"
            " WHERE phash IS NOT NULL AND dhash IS NOT NULL"
        )
        return [(r[0], r[1], r[2], unpack(r[3])) for r in rows]

    async def fingerprints_of(
        self, keys: Sequence[str]
    ) -> dict[str, tuple[int | None, int | None, str | None, bool]]:
        """pHash, dHash, error and "has centre views" of the given content keys (primary key
        lookups)."""
        out: dict[str, tuple[int | None, int | None, str | None, bool]] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in await self.db.fetchall(
                "SELECT content_hash, phash, dhash, error, zoomed IS NOT NULL FROM fingerprints"
                f" WHERE content_hash IN ({marks})",
                chunk,
            ):
                out[r[0]] = (r[1], r[2], r[3], bool(r[4]))
        return out

    async def edges(self) -> list[NearEdge]:
        rows = await self.db.fetchall(
            "SELECT a, b, phash_distance, dhash_distance, zoom FROM near_edges"
        )
        return [NearEdge(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def add_edges(self, edges: Sequence[NearEdge], *, replace_all: bool = False) -> None:
        """Store edges; of two edges between the same contents the closer one is kept."""
        best: dict[tuple[str, str], NearEdge] = {}
        for e in edges:
            key = (min(e.a, e.b), max(e.a, e.b))
            old = best.get(key)
            if old is None or (e.phash, e.dhash, e.zoom) < (old.phash, old.dhash, old.zoom):
                best[key] = e
        async with self.db.transaction() as conn:
            if replace_all:
                await conn.execute("DELETE FROM near_edges")
            await conn.executemany(
                "INSERT INTO near_edges (a, b, phash_distance, dhash_distance, zoom)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (a, b) DO UPDATE SET"
                " phash_distance = excluded.phash_distance,"
                " dhash_distance = excluded.dhash_distance, zoom = excluded.zoom"
                " WHERE (excluded.phash_distance, excluded.dhash_distance, excluded.zoom)"
                " < (near_edges.phash_distance, near_edges.dhash_distance, near_edges.zoom)",
                [(a, b, e.phash, e.dhash, e.zoom) for (a, b), e in best.items()],
            )

    async def decide_pair(
        self, members: Sequence[str], kind: PairDecision, primary: str | None
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO pair_decisions (members, kind, primary_key, made_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (members) DO UPDATE SET kind = excluded.kind,"
                " primary_key = excluded.primary_key, made_at = excluded.made_at",
                (json.dumps(sorted(set(members))), kind.value, primary, utcnow()),
            )

    async def undecide_pair(self, members: Sequence[str]) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM pair_decisions WHERE members = ?", (json.dumps(sorted(set(members))),)
            )

    async def pair_decisions(self) -> dict[frozenset[str], tuple[PairDecision, str | None]]:
        rows = await self.db.fetchall("SELECT members, kind, primary_key FROM pair_decisions")
        return {frozenset(json.loads(r[0])): (PairDecision(r[1]), r[2]) for r in rows}

    async def results_stamp(self) -> tuple[int | None, int | None]:
        """Which analysis the stored groups and pairs come from (changes with every analysis
        that finds any; another process's analysis included)."""
        row = await self.db.fetchone(
            "SELECT (SELECT max(op_id) FROM dup_groups), (SELECT max(op_id) FROM pairs)"
        )
        return (row[0], row[1]) if row else (None, None)

    async def group_counts(self) -> dict[str, int]:
        rows = await self.db.fetchall("SELECT tier, count(*) FROM dup_groups GROUP BY tier")
        return {r[0]: r[1] for r in rows}

    async def count_pairs(self) -> int:
        return int(await self.db.scalar("SELECT count(*) FROM pairs"))

    async def pair_counts(self) -> dict[str, int]:
        rows = await self.db.fetchall("SELECT kind, count(*) FROM pairs GROUP BY kind")
        return {r[0]: r[1] for r in rows}

    async def published_duplicate_ids(self) -> frozenset[str]:
        """Duplicate ids write-back gave to groups in Immich (still standing)."""
        rows = await self.db.fetchall(
            "SELECT immich_id FROM wb_made WHERE kind = 'duplicate_group' AND active = 1"
        )
        return frozenset(r[0] for r in rows if r[0])

    async def edge_plan(self) -> str | None:
        found = await get_meta(self.db, "analysis.edges")
        return None if found is None else found[0]

    async def set_edge_plan(self, plan: str) -> None:
        await set_meta(self.db, "analysis.edges", plan)

    async def decisions(self) -> list[tuple[GroupDecision, list[str]]]:
        rows = await self.db.fetchall("SELECT kind, members FROM decisions ORDER BY id")
        return [(GroupDecision(r[0]), json.loads(r[1])) for r in rows]

    async def decide(
        self, kind: GroupDecision, members: Sequence[str], note: str | None = None
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO decisions (kind, members, made_at, note)"
                " VALUES (?, ?, ?, ?)",
                (kind.value, json.dumps(sorted(set(members))), utcnow(), note),
            )

    async def undecide(self, kind: GroupDecision, members: Sequence[str]) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM decisions WHERE kind = ? AND members = ?",
                (kind.value, json.dumps(sorted(set(members)))),
            )


def _group_filter(
    tier: str | None, text: str, only: Sequence[int] | None, skip: Sequence[int] | None
) -> tuple[str, list[object]]:
    """The WHERE clause (and its parameters) of a filtered view of the groups. The path
    filter is SQLite's LIKE: case-insensitive for ASCII letters, `%` and `_` taken literally."""
    terms: list[str] = []
    params: list[object] = []
    if tier:
        terms.append("g.tier = ?")
        params.append(tier)
    if text:
        terms.append(
            "EXISTS (SELECT 1 FROM dup_members m WHERE m.group_id = g.id"
            " AND m.path LIKE ? ESCAPE '\\')"
        )
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{escaped}%")
    if only is not None:
        terms.append("g.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(only)))
    if skip:
        terms.append("g.id NOT IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(skip)))
    return ("WHERE " + " AND ".join(terms) if terms else ""), params


def _member_values(m: Member) -> tuple[object, ...]:
    return (m.key, m.path, m.asset_id, m.size, m.width, m.height, m.captured_at)


def pack(values: Sequence[int]) -> bytes | None:
    return struct.pack(f"<{len(values)}q", *values) if values else None


def unpack(blob: bytes | None) -> tuple[int, ...]:
    return struct.unpack(f"<{len(blob) // 8}q", blob) if blob else ()
