"""An async client for the Immich endpoints the sidecar uses (Immich 2.x and 3.x)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar

from sidecar.immich_client.errors import (
    ImmichProtocolError,
    ImmichRequestError,
    ImmichUnsupportedError,
)
from sidecar.immich_client.models import (
    Album,
    ApiKeyInfo,
    Asset,
    BulkIdResult,
    DuplicateGroup,
    ModelError,
    SearchPage,
    SearchResponse,
    ServerVersion,
    Stack,
    Tag,
    UserInfo,
    convert,
    decode,
)
from sidecar.immich_client.transport import RetryPolicy, Transport, page_summary

M = TypeVar("M")
OLDEST_SUPPORTED = (2, 0)
PAGE_SIZE = 1000  # the server's maximum


@dataclass(frozen=True, slots=True)
class AssetQuery:
    """What to list with POST /search/metadata."""

    updated_after: datetime | None = None
    with_deleted: bool = True  # trashed and offline assets too
    with_exif: bool = True
    size: int = PAGE_SIZE
    album_id: str | None = None  # only the members of this album
    tag_id: str | None = None  # only assets carrying this tag (or one below it)
    # inclusive bounds, for re-reading a run of equal timestamps (see engine.services.sync.listing)
    taken_from: datetime | None = None
    taken_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def search_body(
    query: AssetQuery, version: ServerVersion, *, cursor: str | None, page: int | None
) -> dict[str, Any]:
    """The request body for one page, in the dialect of the server's generation.

    2.x-3.1: flat filters with `page`/`nextPage`. 3.2+: `filter` with `cursor`/`nextCursor`
    (3.1 would silently ignore `filter` and return everything, so never send it there). In
    filter mode trashed assets are returned unless `trashedAt` is constrained (Immich
    #31511), which is what a mirror wants.
    """
    body: dict[str, Any] = {"size": query.size, "withExif": query.with_exif}
    if version.has_cursor_search:
        body["filter"] = (
            {"updatedAt": {"gt": _iso(query.updated_after)}} if query.updated_after else {}
        )
        if query.album_id is not None:
            body["filter"]["albumIds"] = {"any": [query.album_id]}
        if query.tag_id is not None:
            body["filter"]["tagIds"] = {"any": [query.tag_id]}
        for field, low, high in (
            ("takenAt", query.taken_from, query.taken_to),
            ("updatedAt", query.updated_from, query.updated_to),
        ):
            bounds = body["filter"].setdefault(field, {})
            if low is not None:
                bounds["gte"] = _iso(low)
            if high is not None:
                bounds["lte"] = _iso(high)
            if not bounds:
                del body["filter"][field]
        if cursor is not None:
            body["cursor"] = cursor
        elif page is not None:  # the server answered with nextPage only: follow it
            body["page"] = page
        return body
    body["page"] = page or 1
    body["withDeleted"] = query.with_deleted
    if query.updated_after is not None:
        body["updatedAfter"] = _iso(query.updated_after)
    for field, value in (
        ("takenAfter", query.taken_from),
        ("takenBefore", query.taken_to),
        ("updatedAfter", query.updated_from),
        ("updatedBefore", query.updated_to),
    ):
        if value is not None:  # inclusive bounds in Immich's search repository
            body[field] = _iso(value)
    if query.album_id is not None:
        body["albumIds"] = [query.album_id]
    if query.tag_id is not None:
        body["tagIds"] = [query.tag_id]
    return body


def _page_number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ImmichProtocolError(
            f"Immich sent a nextPage that is not a number: {value!r}"
        ) from None


def parse(model: type[M], data: Any, what: str) -> M:
    try:
        return convert(model, data)
    except ModelError as exc:
        raise ImmichProtocolError(_describe(exc, what)) from None


def parse_list(model: type[M], data: Any, what: str) -> list[M]:
    return parse(list[model], data, what)  # type: ignore[valid-type]


_MISSING = re.compile(r"missing required field `([^`]*)`(?: - at `\$?([^`]*)`)?")
_AT = re.compile(r"^(.*?)(?: - at `\$?([^`]*)`)?$")


def _describe(exc: ModelError, what: str) -> str:
    """One line naming the field: "field 'assets.items[0].originalPath' is missing"."""
    text = str(exc)
    missing = _MISSING.search(text)
    if missing:
        field = f"{(missing[2] or '').lstrip('.')}.{missing[1]}".lstrip(".")
        return f"unexpected response from Immich for {what}: field '{field}' is missing"
    if text == "not JSON":
        return f"unexpected response from Immich for {what}: not JSON"
    problem, at = _AT.match(text).groups()  # type: ignore[union-attr]
    where = f"field '{at.lstrip('.')}' " if at else ""
    return f"unexpected response from Immich for {what}: {where}is invalid ({problem})"


class ImmichClient:
    def __init__(self, transport: Transport, version: ServerVersion | None = None) -> None:
        self.transport = transport
        self._version = version

    @classmethod
    def connect(
        cls,
        url: str,
        api_key: str,
        *,
        connect_timeout_s: float = 10.0,
        request_timeout_s: float = 60.0,
        retry: RetryPolicy | None = None,
        version: ServerVersion | None = None,
    ) -> ImmichClient:
        """A client for `url`; pass a recently probed `version` to skip the probe."""
        transport = Transport(
            url,
            api_key,
            connect_timeout_s=connect_timeout_s,
            request_timeout_s=request_timeout_s,
            retry=retry,
        )
        return cls(transport, version)

    async def __aenter__(self) -> ImmichClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.transport.aclose()

    async def _decoded(self, model: type[M], method: str, path: str, **kw: Any) -> M:
        """A model straight from the response bytes (large listings such as all stacks)."""
        response = await self.transport.request(method, path, **kw)
        try:
            return decode(model, response.content)
        except ModelError as exc:
            raise ImmichProtocolError(_describe(exc, f"{method} {path}")) from None

    async def _json(self, method: str, path: str, **kw: Any) -> Any:
        response = await self.transport.request(method, path, **kw)
        try:
            return response.json()
        except ValueError:
            raise ImmichProtocolError(
                f"unexpected response from Immich for {method} {path}: not JSON "
                f"(is [immich] url pointing at Immich?)"
            ) from None

    # -- server and identity ---------------------------------------------------------------

    async def version(self) -> ServerVersion:
        """The server version (no authentication needed); older than 2.0 is refused."""
        if self._version is None:
            version = await self._probe_version()
            if (version.major, version.minor) < OLDEST_SUPPORTED:
                raise ImmichUnsupportedError(
                    f"Immich {version} is too old: immich-sidecar needs Immich 2.0 or newer"
                )
            self._version = version
        return self._version

    async def _probe_version(self) -> ServerVersion:
        """GET /server/version, the first request to a server: whatever answers it in a way
        Immich never does (an HTML page, another web server's 404, JSON of another shape) is
        reported in one line as not looking like Immich."""
        try:
            response = await self.transport.request("GET", "/server/version")
        except ImmichRequestError as exc:  # 4xx: Immich always answers this path
            answer = f"{exc.status} {exc.summary}"
        else:
            try:
                return decode(ServerVersion, response.content)
            except ModelError:
                answer = f"{response.status_code} {page_summary(response)}"
        raise ImmichProtocolError(
            f"{self.transport.base_url} does not look like Immich (GET /server/version "
            f"answered {answer}): check [immich] url, e.g. http://immich-server:2283"
        )

    async def my_key(self) -> ApiKeyInfo:
        """The API key in use and its permissions (GET /api-keys/me needs no permission)."""
        return parse(ApiKeyInfo, await self._json("GET", "/api-keys/me"), "GET /api-keys/me")

    async def me(self) -> UserInfo:
        return parse(UserInfo, await self._json("GET", "/users/me"), "GET /users/me")

    # -- assets ----------------------------------------------------------------------------

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
                    number = _page_number(page.next_page)
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
            raise ImmichProtocolError(_describe(exc, "POST /search/metadata")) from None

    async def asset(self, asset_id: str) -> Asset:
        return parse(Asset, await self._json("GET", f"/assets/{asset_id}"), "GET /assets/{id}")

    async def thumbnail(self, asset_id: str, size: str = "thumbnail") -> bytes:
        """The bytes of an asset's thumbnail (GET /assets/{id}/thumbnail, asset.view). A
        missing rendition is ImmichNotFoundError ("Asset media not found")."""
        response = await self.transport.request(
            "GET", f"/assets/{asset_id}/thumbnail", params={"size": size}
        )
        return response.content

    async def stacks(self) -> list[Stack]:
        return await self._decoded(list[Stack], "GET", "/stacks")

    async def albums(self) -> list[Album]:
        return await self._decoded(list[Album], "GET", "/albums")

    async def all_albums(self) -> list[Album]:
        """The caller's own albums and those shared with it (album.read): `GET /albums` lists
        only the owned ones, `?shared=true` (3.x: `isShared`) the shared ones."""
        version = await self.version()
        flag = "isShared" if version.major >= 3 else "shared"
        shared = await self._decoded(list[Album], "GET", "/albums", params={flag: "true"})
        return list({a.id: a for a in [*await self.albums(), *shared]}.values())

    async def tags(self) -> list[Tag]:
        return await self._decoded(list[Tag], "GET", "/tags")

    async def duplicates(self) -> list[DuplicateGroup]:
        """Immich's duplicate groups. Note: the server dissolves one-member groups as a side
        effect of this GET."""
        data = await self._json("GET", "/duplicates")
        return parse_list(DuplicateGroup, data, "GET /duplicates")

    # -- writes (each needs the permission named in its docstring) ------------------------

    async def _send(self, method: str, path: str, **kw: Any) -> None:
        await self.transport.request(method, path, **kw)

    async def stack(self, stack_id: str) -> Stack:
        """GET /stacks/{id} (stack.read); an unknown id is ImmichNotFoundError."""
        return parse(Stack, await self._json("GET", f"/stacks/{stack_id}"), "GET /stacks/{id}")

    async def create_stack(self, asset_ids: list[str]) -> Stack:
        """POST /stacks (stack.create); the first id becomes the primary. Beware Immich's
        rules: a stack whose primary is among the ids is merged into the new one, and a
        non-primary member of another stack is moved out of it. Never retried (not
        idempotent)."""
        data = await self._json("POST", "/stacks", json={"assetIds": asset_ids}, idempotent=False)
        return parse(Stack, data, "POST /stacks")

    async def delete_stack(self, stack_id: str) -> None:
        """DELETE /stacks/{id} (stack.delete): the assets stay, unstacked."""
        await self._send("DELETE", f"/stacks/{stack_id}", idempotent=True)

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
        data = await self._json(
            "PUT", f"/albums/{album_id}/assets", json={"ids": asset_ids}, idempotent=True
        )
        return parse_list(BulkIdResult, data, "PUT /albums/{id}/assets")

    async def remove_from_album(self, album_id: str, asset_ids: list[str]) -> list[BulkIdResult]:
        """DELETE /albums/{id}/assets (albumAsset.delete): `not_found` when not there."""
        data = await self._json(
            "DELETE", f"/albums/{album_id}/assets", json={"ids": asset_ids}, idempotent=True
        )
        return parse_list(BulkIdResult, data, "DELETE /albums/{id}/assets")

    async def album_asset_ids(self, album_id: str) -> set[str]:
        """Ids of an album's assets, through search (3.x albums no longer list them)."""
        query = AssetQuery(with_exif=False, album_id=album_id)
        return {a.id async for page in self.search_pages(query) for a in page.items}

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
        data = await self._json(
            "PUT", f"/tags/{tag_id}/assets", json={"ids": asset_ids}, idempotent=True
        )
        return parse_list(BulkIdResult, data, "PUT /tags/{id}/assets")

    async def untag_assets(self, tag_id: str, asset_ids: list[str]) -> list[BulkIdResult]:
        """DELETE /tags/{id}/assets (tag.asset): `not_found` when not tagged."""
        data = await self._json(
            "DELETE", f"/tags/{tag_id}/assets", json={"ids": asset_ids}, idempotent=True
        )
        return parse_list(BulkIdResult, data, "DELETE /tags/{id}/assets")

    async def tag_asset_ids(self, tag_id: str) -> set[str]:
        """Ids of the assets carrying a tag (or a tag below it), through search."""
        query = AssetQuery(with_exif=False, tag_id=tag_id)
        return {a.id async for page in self.search_pages(query) for a in page.items}


__all__ = ["Asset", "AssetQuery", "ImmichClient"]
