"""Every fingerprint's hashes packed into pages of row ids (table fingerprint_pages, migration
0021; the record layout in engine.core.hash_records), for the near-pair search: a page is
built when first read, a change to one of its fingerprints deletes it (triggers), and one made
stale without them (row ids renumbered) is noticed by its last row and built again."""

from __future__ import annotations

from collections.abc import Sequence

from sidecar.engine.core.hash_records import pack_records
from sidecar.engine.store.db import Database
from sidecar.engine.store.migrations.prints import PAGE_BITS

PAGE_ROWS = 1 << PAGE_BITS


class HashPageStore:
    db: Database

    async def hash_page_count(self) -> int:
        """Pages 0 .. count - 1 cover every fingerprint's row id."""
        top = await self.db.scalar("SELECT max(rowid) FROM fingerprints")
        return 0 if top is None else (int(top) >> PAGE_BITS) + 1

    async def hash_pages(self, first: int, count: int) -> list[bytes]:
        """The packed records of pages first .. first + count - 1 (empty ones left out), those
        missing or stale built first (and kept)."""
        last = first + count - 1
        rows = await self.db.fetchtuples(
            "SELECT page, hashes, top, top_key,"
            " (SELECT max(rowid) FROM fingerprints"
            f"  WHERE rowid BETWEEN page << {PAGE_BITS} AND (page << {PAGE_BITS}) + ?),"
            " (SELECT content_hash FROM fingerprints WHERE rowid = top)"
            " FROM fingerprint_pages WHERE page BETWEEN ? AND ?",
            (PAGE_ROWS - 1, first, last),
        )
        kept = {r[0]: bytes(r[1]) for r in rows if (r[2], r[3]) == (r[4], r[5])}
        out = []
        for page in range(first, last + 1):
            blob = kept.get(page)
            if blob is None:
                blob = await self._build(page)
            if blob:
                out.append(blob)
        return out

    async def _build(self, page: int) -> bytes:
        low = page << PAGE_BITS
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT rowid, content_hash, phash, dhash, zoomed, sided FROM fingerprints"
                " WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
                (low, low + PAGE_ROWS - 1),
            ) as cur:
                rows = list(await cur.fetchall())
            blob = pack_records(
                (r[0], r[2], r[3], r[4], r[5])
                for r in rows
                if r[2] is not None and r[3] is not None
            )
            top, key = (rows[-1][0], rows[-1][1]) if rows else (None, None)
            await conn.execute(
                "INSERT OR REPLACE INTO fingerprint_pages (page, hashes, top, top_key)"
                " VALUES (?, ?, ?, ?)",
                (page, blob, top, key),
            )
        return blob

    async def hash_records_of(self, keys: Sequence[str]) -> bytes:
        """The packed records of the given contents that have hashes (primary key lookups)."""
        out = []
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            out.append(
                pack_records(
                    await self.db.fetchtuples(
                        "SELECT rowid, phash, dhash, zoomed, sided FROM fingerprints"
                        f" WHERE content_hash IN ({marks}) AND phash IS NOT NULL"
                        " AND dhash IS NOT NULL",
                        chunk,
                    )
                )
            )
        return b"".join(out)

    async def contents_of_rows(self, rows: Sequence[int]) -> dict[int, str]:
        """Row id -> content of the given fingerprint rows (rowid lookups)."""
        out: dict[int, str] = {}
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in await self.db.fetchtuples(
                f"SELECT rowid, content_hash FROM fingerprints WHERE rowid IN ({marks})", chunk
            ):
                out[r[0]] = r[1]
        return out
