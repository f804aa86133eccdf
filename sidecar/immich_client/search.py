"""Listing assets with POST /search/metadata: the query, and its body in the dialect of each
server generation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sidecar.immich_client.errors import ImmichProtocolError
from sidecar.immich_client.models import ServerVersion

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
    asset_type: str | None = None  # only assets of this type (IMAGE, VIDEO, ...)
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
        if query.asset_type is not None:
            body["filter"]["type"] = {"eq": query.asset_type}
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
    if query.asset_type is not None:
        body["type"] = query.asset_type
    return body


def page_number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ImmichProtocolError(
            f"Immich sent a nextPage that is not a number: {value!r}"
        ) from None
