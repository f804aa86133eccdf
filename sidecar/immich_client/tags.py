"""Tags: listing, creating and deleting them, tagging and untagging assets."""

from __future__ import annotations

from sidecar.immich_client.assets import AssetsApi
from sidecar.immich_client.models import BulkIdResult, Tag
from sidecar.immich_client.parsing import parse_list
from sidecar.immich_client.search import AssetQuery


class TagsApi(AssetsApi):
    """Tags: listing, creating and deleting them, tagging and untagging assets."""

    async def tags(self) -> list[Tag]:
        return await self._decoded(list[Tag], "GET", "/tags")

    async def upsert_tags(self, values: list[str]) -> list[Tag]:
        """PUT /tags (tag.create): the leaf tags of slash-separated paths, creating missing
        parents; idempotent."""
        data = await self._json("PUT", "/tags", json={"tags": values}, idempotent=True)
        return parse_list(Tag, data, "PUT /tags")

    async def delete_tag(self, tag_id: str) -> None:
        """DELETE /tags/{id} (tag.delete): beware, the whole subtree goes."""
        await self._send("DELETE", f"/tags/{tag_id}", idempotent=True)

    async def tag_assets(self, tag_id: str, asset_ids: list[str]) -> list[BulkIdResult]:
        """PUT /tags/{id}/assets (tag.asset): per-item results, `duplicate` when already
        tagged. Immich then writes the tag into an .xmp file beside each original."""
        return await self._bulk_ids("PUT", "/tags/{id}/assets", tag_id, asset_ids)

    async def untag_assets(self, tag_id: str, asset_ids: list[str]) -> list[BulkIdResult]:
        """DELETE /tags/{id}/assets (tag.asset): `not_found` when not tagged."""
        return await self._bulk_ids("DELETE", "/tags/{id}/assets", tag_id, asset_ids)

    async def tag_asset_ids(self, tag_id: str) -> set[str]:
        """Ids of the assets carrying a tag (or a tag below it), through search."""
        query = AssetQuery(with_exif=False, tag_id=tag_id)
        return {a.id async for page in self.search_pages(query) for a in page.items}
