"""What a person marked in Immich: album membership (per API key, read again only when an
album changed), root tags (per API key, read at each analysis) and, from the mirrored assets,
favourites, ratings and descriptions."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import aiosqlite

from sidecar.engine.core.models import Marks
from sidecar.engine.store.db import Database


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
            await _set_members(conn, _ALBUMS, album_id, asset_ids)

    async def drop_albums(self, sync_key: str, album_ids: Collection[str]) -> None:
        """Albums this key no longer sees (deleted, or no longer shared with it); their members
        go once no other key sees the album."""
        if not album_ids:
            return
        async with self.db.transaction() as conn:
            await _drop(conn, _ALBUMS, sync_key, album_ids)

    async def replace_tags(
        self, sync_key: str, tags: Mapping[str, tuple[str, Collection[str]]]
    ) -> int:
        """The root tags a key sees, as just read (tag id -> name, asset ids), in one
        transaction; tags it no longer sees are dropped (their assets once no other key sees
        the tag). Returns how many were dropped."""
        async with self.db.transaction() as conn:
            async with conn.execute("SELECT id FROM tags WHERE sync_key = ?", (sync_key,)) as cur:
                gone = {r[0] for r in await cur.fetchall()} - set(tags)
            await _drop(conn, _TAGS, sync_key, gone)
            for tag_id, (name, asset_ids) in tags.items():
                await conn.execute(
                    "INSERT INTO tags (sync_key, id, name) VALUES (?, ?, ?)"
                    " ON CONFLICT (sync_key, id) DO UPDATE SET name = excluded.name"
                    " WHERE tags.name IS NOT excluded.name",
                    (sync_key, tag_id, name),
                )
                await _set_members(conn, _TAGS, tag_id, asset_ids)
        return len(gone)

    async def marks(self) -> dict[str, Marks]:
        """Every asset (not gone) a person marked: in an album, a favourite, rated or
        described, tagged. Three reads: the album members, the tagged assets (index: their
        primary keys) and the assets table once."""
        albums = await self._names("album_assets", "albums", "album_id")
        tags = await self._names("tag_assets", "tags", "tag_id")
        rows = await self.db.fetchall(f"SELECT {_MARKED} FROM assets WHERE {_IS_MARKED}")
        return _marks(albums, tags, rows)

    async def marks_of(self, ids: Iterable[str]) -> dict[str, Marks]:
        """`marks` of these assets only (index lookups: album and tag members by asset,
        assets by primary key)."""
        albums: dict[str, set[str]] = {}
        tags: dict[str, set[str]] = {}
        rows: list[Any] = []
        unique = sorted(set(ids))
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start : start + CHUNK]
            where = f"m.asset_id IN ({','.join('?' * len(chunk))})"
            _merge(albums, await self._names("album_assets", "albums", "album_id", where, chunk))
            _merge(tags, await self._names("tag_assets", "tags", "tag_id", where, chunk))
            rows += await self.db.fetchall(
                f"SELECT {_MARKED} FROM assets WHERE id IN ({','.join('?' * len(chunk))})"
                f" AND {_IS_MARKED}",
                chunk,
            )
        return _marks(albums, tags, rows)

    async def _names(
        self, members: str, groups: str, column: str, where: str = "", params: Sequence[str] = ()
    ) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for asset_id, name in await self.db.fetchall(
            f"SELECT DISTINCT m.asset_id, g.name FROM {members} m"
            f" JOIN {groups} g ON g.id = m.{column}" + (f" WHERE {where}" if where else ""),
            params,
        ):
            out.setdefault(asset_id, set()).add(name)
        return out


CHUNK = 500
_MARKED = "id, is_favorite, json_extract(exif, '$.rating'), json_extract(exif, '$.description')"
_IS_MARKED = (
    "state != 'gone' AND (is_favorite = 1 OR json_extract(exif, '$.rating') IS NOT NULL"
    " OR coalesce(json_extract(exif, '$.description'), '') != '')"
)


def _merge(into: dict[str, set[str]], more: dict[str, set[str]]) -> None:
    for key, names in more.items():
        into.setdefault(key, set()).update(names)


def _marks(
    albums: dict[str, set[str]], tags: dict[str, set[str]], rows: Iterable[Any]
) -> dict[str, Marks]:
    out = {
        a: Marks(tuple(sorted(albums.get(a, ()))), tags=tuple(sorted(tags.get(a, ()))))
        for a in albums.keys() | tags.keys()
    }
    for asset_id, favorite, rating, description in rows:
        known = out.get(asset_id, Marks())
        out[asset_id] = Marks(known.albums, bool(favorite), rating, description or "", known.tags)
    return out


_ALBUMS = ("albums", "album_assets", "album_id")
_TAGS = ("tags", "tag_assets", "tag_id")


async def _set_members(
    conn: aiosqlite.Connection,
    tables: tuple[str, str, str],
    container_id: str,
    asset_ids: Iterable[str],
) -> None:
    """A container's members as just read: only those that came or went are written (the
    analysis counts every change to them; an unchanged tag read again is none)."""
    _, members, column = tables
    async with conn.execute(
        f"SELECT asset_id FROM {members} WHERE {column} = ?", (container_id,)
    ) as cur:
        have = {r[0] for r in await cur.fetchall()}
    wanted = set(asset_ids)
    await conn.executemany(
        f"DELETE FROM {members} WHERE {column} = ? AND asset_id = ?",
        [(container_id, a) for a in have - wanted],
    )
    await conn.executemany(
        f"INSERT OR IGNORE INTO {members} ({column}, asset_id) VALUES (?, ?)",
        [(container_id, a) for a in wanted - have],
    )


async def _drop(
    conn: aiosqlite.Connection,
    tables: tuple[str, str, str],
    sync_key: str,
    ids: Collection[str],
) -> None:
    """Containers (albums or tags) a key no longer sees; their members go once no other key
    sees the container. `tables`: one of the fixed triples above (container table, member
    table, member column)."""
    containers, members, column = tables
    for container_id in ids:
        await conn.execute(
            f"DELETE FROM {containers} WHERE sync_key = ? AND id = ?", (sync_key, container_id)
        )
        await conn.execute(
            f"DELETE FROM {members} WHERE {column} = ?"
            f" AND NOT EXISTS (SELECT 1 FROM {containers} WHERE id = ?)",
            (container_id, container_id),
        )
