"""Album membership for the keeper rules, read incrementally per API key.

Listing a key's albums (own and shared) costs two requests; an album's members are read again
(one search per album, by album id) only when its signature changed since the last run:
`updatedAt` (Immich moves it when assets are added) and `assetCount` (which removals change).
Albums the key no longer sees are dropped, and so are the sidecar's own review albums (its
write-back puts every member of a group there: no person chose them).
"""

from __future__ import annotations

from dataclasses import dataclass

from sidecar.engine.ports import MarkBook
from sidecar.immich_client import ImmichClient
from sidecar.immich_client.models import Album


@dataclass(slots=True)
class AlbumSync:
    albums: int = 0  # seen
    read: int = 0  # whose members were read again
    dropped: int = 0


def signature(album: Album) -> str:
    stamp = album.updated_at.isoformat() if album.updated_at else ""
    return f"{stamp}|{album.asset_count}"


def ours(album: Album, review_album: str) -> bool:
    """An album write-back made (by its name, or the description it gives its albums)."""
    return album.name == review_album or "immich-sidecar" in (album.description or "")


async def sync_albums(
    client: ImmichClient, store: MarkBook, sync_key: str, full: bool, review_album: str
) -> AlbumSync:
    result = AlbumSync()
    known = await store.album_signatures(sync_key)
    albums = [a for a in await client.all_albums() if not ours(a, review_album)]
    result.albums = len(albums)
    for album in albums:
        sig = signature(album)
        if not full and known.get(album.id) == sig:
            continue
        members = await client.album_asset_ids(album.id)
        await store.replace_album(sync_key, album.id, album.name, sig, members)
        result.read += 1
    gone = set(known) - {a.id for a in albums}
    await store.drop_albums(sync_key, gone)
    result.dropped = len(gone)
    return result
