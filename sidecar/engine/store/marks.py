"""What a person marked in Immich: album membership (per API key, read again only when an
album changed) and, from the mirrored assets, favourites, ratings and descriptions."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sidecar.engine.store.db import Database


@dataclass(frozen=True, slots=True)
class Marks:
    albums: tuple[str, ...] = ()  # album names, sorted
    favorite: bool = False
    rating: int | None = None
    description: str = ""


class MarkStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def album_signatures(self, sync_key: str) -> dict[str, str]:
        """Album id -> the signature it had when its members were last read (primary key)."""
        rows = await self.db.fetchall(
            "SELECT id, signature FROM albums WHERE sync_key = ?", (sync_key,)
        )
        return {r[0]: r[1] for r in rows}

    async def replace_album(
        self, sync_key: str, album_id: str, name: str, signature: str, asset_ids: Iterable[str]
    ) -> None:
        """An album's name and members as just read, in one transaction."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO albums (sync_key, id, name, signature) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (sync_key, id) DO UPDATE SET name = excluded.name,"
                " signature = excluded.signature",
                (sync_key, album_id, name, signature),
            )
            await conn.execute("DELETE FROM album_assets WHERE album_id = ?", (album_id,))
            await conn.executemany(
                "INSERT OR IGNORE INTO album_assets (album_id, asset_id) VALUES (?, ?)",
                [(album_id, a) for a in asset_ids],
            )

    async def drop_albums(self, sync_key: str, album_ids: Collection[str]) -> None:
        """Albums this key no longer sees (deleted, or no longer shared with it); their members
        go once no other key sees the album."""
        if not album_ids:
            return
        async with self.db.transaction() as conn:
            for album_id in album_ids:
                await conn.execute(
                    "DELETE FROM albums WHERE sync_key = ? AND id = ?", (sync_key, album_id)
                )
                await conn.execute(
                    "DELETE FROM album_assets WHERE album_id = ?"
                    " AND NOT EXISTS (SELECT 1 FROM albums WHERE id = ?)",
                    (album_id, album_id),
                )

    async def marks(self) -> dict[str, Marks]:
        """Every asset (not gone) a person marked: in an album, a favourite, rated or
        described. Two reads: the album members (index: album_assets primary key) and the
        assets table once."""
        albums: dict[str, set[str]] = {}
        for asset_id, name in await self.db.fetchall(
            "SELECT DISTINCT m.asset_id, a.name FROM album_assets m"
            " JOIN albums a ON a.id = m.album_id"
        ):
            albums.setdefault(asset_id, set()).add(name)
        rows = await self.db.fetchall(
            "SELECT id, is_favorite, json_extract(exif, '$.rating'),"
            " json_extract(exif, '$.description') FROM assets WHERE state != 'gone'"
            " AND (is_favorite = 1 OR json_extract(exif, '$.rating') IS NOT NULL"
            " OR coalesce(json_extract(exif, '$.description'), '') != '')"
        )
        out = {a: Marks(tuple(sorted(names))) for a, names in albums.items()}
        for asset_id, favorite, rating, description in rows:
            names = out.get(asset_id, Marks()).albums
            out[asset_id] = Marks(names, bool(favorite), rating, description or "")
        return out
