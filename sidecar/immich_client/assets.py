"""Assets: search, one asset, thumbnails, bulk updates, the trash, Immich's duplicate groups."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from sidecar.immich_client.base import ClientBase
from sidecar.immich_client.errors import ImmichProtocolError
from sidecar.immich_client.models import (
    Asset,
    DuplicateGroup,
    ModelError,
    SearchPage,
    SearchResponse,
    ServerVersion,
    decode,
)
from sidecar.immich_client.parsing import describe, parse, parse_list
from sidecar.immich_client.search import AssetQuery, page_number, search_body


class AssetsApi(ClientBase):
    """Listing and reading assets, changing them in bulk, the trash, Immich's duplicate groups."""

    async def search_pages(self, query: AssetQuery) -> AsyncIterator[SearchPage]:
        """Every page of POST /search/metadata for `query`, in the server's paging dialect.

        Requests run ahead of the caller: the next page is asked for as soon as the current
        one is parsed, and once a listing proves to have several numbered pages, the page
        after that too (so the server always has work while the caller stores a page). A
        listing that fits one page costs one request; a longer one may cost one extra
        request past its end.
        """
        version = await self.version()
        ahead: dict[tuple[str | None, int | None], asyncio.Future[SearchPage]] = {}

        def want(cursor: str | None, number: int | None) -> asyncio.Future[SearchPage]:
            if (cursor, number) not in ahead:
                ahead[(cursor, number)] = asyncio.ensure_future(
                    self._search_page(query, version, cursor, number)
                )
            return ahead[(cursor, number)]

        position: tuple[str | None, int | None] = (None, None)
        want(*position)
        try:
            while True:
                page = await ahead.pop(position)
                # never take a missing nextCursor for the end while nextPage says otherwise
                if page.next_cursor:
                    position = (page.next_cursor, None)
                    want(*position)
                elif page.next_page:
                    number = page_number(page.next_page)
                    position = (None, number)
                    want(*position)
                    want(None, number + 1)  # speculative: numbered pages are predictable
                    want(None, number + 2)
                else:
                    yield page
                    return
                yield page
        finally:
            for future in ahead.values():
                future.cancel()

    async def search_page(self, query: AssetQuery) -> SearchPage:
        """The first page of `query` alone: complete when it has no nextPage/nextCursor."""
        return await self._search_page(query, await self.version(), None, None)

    async def _search_page(
        self, query: AssetQuery, version: ServerVersion, cursor: str | None, page: int | None
    ) -> SearchPage:
        body = search_body(query, version, cursor=cursor, page=page)
        response = await self.transport.request(
            "POST", "/search/metadata", json=body, idempotent=True, read=True
        )
        try:
            return decode(SearchResponse, response.content).assets
        except ModelError as exc:
            raise ImmichProtocolError(describe(exc, "POST /search/metadata")) from None

    async def asset(self, asset_id: str) -> Asset:
        return parse(Asset, await self._json("GET", f"/assets/{asset_id}"), "GET /assets/{id}")

    async def thumbnail(self, asset_id: str, size: str = "thumbnail") -> bytes:
        """The bytes of an asset's thumbnail (GET /assets/{id}/thumbnail, asset.view). A
        missing rendition is ImmichNotFoundError ("Asset media not found")."""
        response = await self.transport.request(
            "GET", f"/assets/{asset_id}/thumbnail", params={"size": size}
        )
        return response.content

    async def duplicates(self) -> list[DuplicateGroup]:
        """Immich's duplicate groups. Note: the server dissolves one-member groups as a side
        effect of this GET."""
        data = await self._json("GET", "/duplicates")
        return parse_list(DuplicateGroup, data, "GET /duplicates")

    async def update_assets(self, asset_ids: list[str], **fields: Any) -> None:
        """PUT /assets (asset.update): the same fields on many assets, e.g. duplicateId (a
        UUID, or None to clear). Any unknown id rejects the whole request."""
        await self._send("PUT", "/assets", json={"ids": asset_ids, **fields}, idempotent=True)

    async def trash_assets(self, asset_ids: list[str]) -> None:
        """DELETE /assets with force: false (asset.delete): into Immich's trash, recoverable.
        There is deliberately no way to force: a forced delete of an external-library asset
        deletes the user's file from disk."""
        await self._send(
            "DELETE", "/assets", json={"ids": asset_ids, "force": False}, idempotent=True
        )

    async def restore_assets(self, asset_ids: list[str]) -> None:
        """POST /trash/restore/assets (asset.delete): out of the trash again."""
        await self._send("POST", "/trash/restore/assets", json={"ids": asset_ids}, idempotent=True)
