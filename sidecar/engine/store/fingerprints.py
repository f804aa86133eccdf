"""Fingerprints of contents, the media they describe, and the look-alike edges found between
them (with the settings the edges were found with)."""

from __future__ import annotations

import struct
from collections.abc import Sequence

from sidecar.engine.core.models import FingerprintRow, MediaItem, NearEdge, join_path
from sidecar.engine.store.db import Database, utcnow
from sidecar.engine.store.meta import get_meta, set_meta
from sidecar.engine.store.migrations.prints import COMPLETE, NEEDS

# Of the queued contents (table unprinted, migration 0021), those with a present image or RAW
# file and no fingerprint, or one made before a later kind of hash existed (CROSS JOIN: the
# queue drives, each content's files and fingerprint looked up by index)
_UNFINGERPRINTED = (
    "FROM unprinted q CROSS JOIN files f ON f.content_hash = q.content_hash{roots}"
    " LEFT JOIN fingerprints p ON p.content_hash = q.content_hash"
    f" WHERE {NEEDS.format(f='f')} AND (p.content_hash IS NULL OR NOT {COMPLETE.format(p='p')})"
)


class FingerprintStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def unfingerprinted(self, after: str = "", limit: int = -1) -> list[tuple[str, str, str]]:
        """(content hash, one path, kind) of present images and RAW files whose content has no
        fingerprint yet, or one made before centre and one-sided views were hashed (and the
        thumbnail kept) or EXIF Software was read; in content order, after content `after`, at
        most `limit` (-1: all). Only the queued contents are looked at (table unprinted, kept
        by triggers), each by index lookups: the cost is the work, not the library."""
        rows = await self.db.fetchall(
            "SELECT q.content_hash, r.path, f.rel_dir, f.name, f.kind"
            f" {_UNFINGERPRINTED.format(roots=' JOIN roots r ON r.id = f.root_id')}"
            " AND q.content_hash > ?"
            " GROUP BY q.content_hash ORDER BY q.content_hash LIMIT ?",
            (after, limit),
        )
        return [(r[0], join_path(r[1], r[2], r[3]), r[4]) for r in rows]

    async def unfingerprinted_count(self) -> int:
        """How many contents `unfingerprinted` lists; the queued contents that no longer need
        a fingerprint (their files went away first) are dropped from the queue."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM unprinted WHERE content_hash NOT IN"
                f" (SELECT q.content_hash {_UNFINGERPRINTED.format(roots='')})"
            )
        return int(
            await self.db.scalar(
                f"SELECT count(*) FROM (SELECT 1 {_UNFINGERPRINTED.format(roots='')}"
                " GROUP BY q.content_hash)"
            )
        )

    async def save_fingerprints(self, rows: Sequence[FingerprintRow]) -> None:
        now = utcnow()
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT OR REPLACE INTO fingerprints (content_hash, hash_algo, phash, dhash,"
                " hash_size, width, height, source, taken_at, make, model, error, computed_at,"
                " zoomed, software, modified_at, exif_read, jpeg_quality, sided, thumb)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                        pack(r.sided),
                        r.thumb or None,
                    )
                    for r in rows
                ],
            )

    async def media(self) -> list[MediaItem]:
        """Every present image, RAW and video file with its fingerprint (a video's from its
        video fingerprint), for grouping and pairing."""
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
        from sidecar.engine.store.video_prints import VIDEO_MEDIA, video_media  # (imports us)

        photos = [MediaItem(join_path(r[0], r[1], r[2]), *tuple(r)[3:]) for r in rows]
        return photos + [video_media(tuple(r))[1] for r in await self.db.fetchall(VIDEO_MEDIA)]

    async def fingerprint_errors(self) -> list[tuple[str, str]]:
        rows = await self.db.fetchall(
            "SELECT content_hash, error FROM fingerprints WHERE error IS NOT NULL"
        )
        return [(r[0], r[1]) for r in rows]

    async def hashed_contents(self) -> list[tuple[str, int, int, tuple[int, ...]]]:
        """(content hash, pHash, dHash, centre-view hashes) of every fingerprint (signed
        64-bit, as stored)."""
        rows = await self.db.fetchall(
            "SELECT content_hash, phash, dhash, zoomed FROM fingerprints"
            " WHERE phash IS NOT NULL AND dhash IS NOT NULL"
        )
        return [(r[0], r[1], r[2], unpack(r[3])) for r in rows]

    async def side_views(self) -> dict[str, bytes]:
        """Content hash -> its one-sided views' hashes as stored (packed signed 64-bit,
        (pHash, dHash) per view), for those that have them."""
        rows = await self.db.fetchall(
            "SELECT content_hash, sided FROM fingerprints WHERE sided IS NOT NULL"
        )
        return {r[0]: bytes(r[1]) for r in rows}

    async def thumbs_of(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The thumbnails of the given contents that have one (primary key lookups)."""
        out: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in await self.db.fetchall(
                f"SELECT content_hash, thumb FROM fingerprints WHERE content_hash IN ({marks})"
                " AND thumb IS NOT NULL",
                chunk,
            ):
                out[r[0]] = bytes(r[1])
        return out

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
            "SELECT a, b, phash_distance, dhash_distance, zoom, side, likeness FROM near_edges"
        )
        return [NearEdge(r[0], r[1], r[2], r[3], r[4], r[5] or "", r[6] or 0) for r in rows]

    async def add_edges(self, edges: Sequence[NearEdge], *, replace_all: bool = False) -> None:
        """Store edges; of two edges between the same contents the closer one is kept."""
        best: dict[tuple[str, str], NearEdge] = {}
        for e in edges:
            key = (min(e.a, e.b), max(e.a, e.b))
            old = best.get(key)
            if old is None or _rank(e) < _rank(old):
                best[key] = e
        async with self.db.transaction() as conn:
            if replace_all:
                await conn.execute("DELETE FROM near_edges")
            await conn.executemany(
                "INSERT INTO near_edges (a, b, phash_distance, dhash_distance, zoom, side,"
                " likeness) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (a, b) DO UPDATE SET"
                " phash_distance = excluded.phash_distance,"
                " dhash_distance = excluded.dhash_distance, zoom = excluded.zoom,"
                " side = excluded.side, likeness = excluded.likeness"
                " WHERE (excluded.likeness IS NOT NULL, excluded.phash_distance,"
                " excluded.dhash_distance, excluded.zoom)"
                " < (near_edges.likeness IS NOT NULL, near_edges.phash_distance,"
                " near_edges.dhash_distance, near_edges.zoom)",
                [
                    (a, b, e.phash, e.dhash, e.zoom, e.side or None, e.likeness or None)
                    for (a, b), e in best.items()
                ],
            )

    async def edge_plan(self) -> str | None:
        found = await get_meta(self.db, "analysis.edges")
        return None if found is None else found[0]

    async def set_edge_plan(self, plan: str) -> None:
        await set_meta(self.db, "analysis.edges", plan)


def _rank(e: NearEdge) -> tuple[bool, int, int, int]:
    """Of two edges between the same contents the one kept: the hashes alone before a
    confirmed match, then the closer."""
    return (e.likeness > 0, e.phash, e.dhash, e.zoom)


def pack(values: Sequence[int]) -> bytes | None:
    return struct.pack(f"<{len(values)}q", *values) if values else None


def unpack(blob: bytes | None) -> tuple[int, ...]:
    return struct.unpack(f"<{len(blob) // 8}q", blob) if blob else ()
