"""Albums: the caller's own and shared ones, creating and deleting them, adding and removing
assets."""

from __future__ import annotations

from typing import Any

from sidecar.immich_client.assets import AssetsApi
from sidecar.immich_client.models import Album, BulkIdResult
from sidecar.immich_client.parsing import parse
from sidecar.immich_client.search import AssetQuery


class AlbumsApi(AssetsApi):
    """Albums: listing, creating, deleting, and their members (read through search)."""

    async def albums(self) -> list[Album]:
        return await self._decoded(list[Album], "GET", "/albums")

    async def all_albums(self) -> list[Album]:
        """The caller's own albums and those shared with it (album.read): `GET /albums` lists
        only the owned ones, `?shared=true` (3.x: `isShared`) the shared ones."""
        version = await self.version()
        flag = "isShared" if version.major >= 3 else "shared"
        shared = await self._decoded(list[Album], "GET", "/albums", params={flag: "true"})
        return list({a.id: a for a in [*await self.albums(), *shared]}.values())

    async def albums_of(self, asset_id: str) -> list[Album]:
        """The caller's albums that hold an asset (GET /albums?assetId=, album.read)."""
        return await self._decoded(list[Album], "GET", "/albums", params={"assetId": asset_id})

    async def find_albums(self, name: str) -> list[Album]:
        """The caller's albums called `name` (album.read; names are not unique)."""
        return [a for a in await self.albums() if a.name == name]

    async def create_album(self, name: str, description: str | None = None) -> Album:
        """POST /albums (album.create). Never retried (not idempotent)."""
        body: dict[str, Any] = {"albumName": name}
        if description:
            body["description"] = description
        data = await self._json("POST", "/albums", json=body, idempotent=False)
        return parse(Album, data, "POST /albums")

    async def delete_album(self, album_id: str) -> None:
        """DELETE /albums/{id} (album.delete): the album only; its assets stay."""
        await self._send("DELETE", f"/albums/{album_id}", idempotent=True)

    async def add_to_album(self, album_id: str, asset_ids: list[str]) -> list[BulkIdResult]:
        """PUT /albums/{id}/assets (albumAsset.create): one result per id, `duplicate` when
        already there (safe to repeat, so retried)."""
        return await self._bulk_ids("PUT", "/albums/{id}/assets", album_id, asset_ids)

    async def remove_from_album(self, album_id: str, asset_ids: list[str]) -> list[BulkIdResult]:
        """DELETE /albums/{id}/assets (albumAsset.delete): `not_found` when not there."""
        return await self._bulk_ids("DELETE", "/albums/{id}/assets", album_id, asset_ids)

    async def album_asset_ids(self, album_id: str) -> set[str]:
        """Ids of an album's assets, through search (3.x albums no longer list them)."""
        query = AssetQuery(with_exif=False, album_id=album_id)
        return {a.id async for page in self.search_pages(query) for a in page.items}
