"""POST /search/metadata as Immich answers it, per generation."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from tests.fake_immich.state import FakeAsset, State


class SearchError(Exception):
    """A validation error: `field` and `message` feed the generation's error body."""

    def __init__(self, field: str, message: str, legacy: str) -> None:
        super().__init__(message)
        self.field, self.message, self.legacy = field, message, legacy


def _date(value: Any, field: str) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise SearchError(field, "Invalid ISO datetime", f"{field} must be a date string") from None


class Search:
    def __init__(self, state: State) -> None:
        self.state = state
        self._cache: dict[str, tuple[int, list[FakeAsset]]] = {}

    def run(self, body: dict[str, Any], owner_id: str) -> dict[str, Any]:
        size = body.get("size", 250)
        if not isinstance(size, int) or isinstance(size, bool):
            raise SearchError("size", "Invalid input: expected number", "size must be a number")
        if size > 1000:
            raise SearchError("size", "Too big: expected number to be <=1000",
                              "size must not be greater than 1000")  # fmt: skip
        if size < 1:
            raise SearchError("size", "Too small: expected number to be >=1",
                              "size must not be less than 1")  # fmt: skip
        with_exif = bool(body.get("withExif", False))
        filter_mode = self.state.mode.cursor_search and ("filter" in body or "cursor" in body)
        matches = self._matches(body, owner_id, filter_mode)
        if filter_mode:
            offset = _decode_cursor(body.get("cursor"))
            items = matches[offset : offset + size]
            more = len(matches) > offset + size
            next_page, next_cursor = None, (_encode_cursor(offset + size) if more else None)
        else:
            page = body.get("page", 1)
            if not isinstance(page, int) or isinstance(page, bool):
                raise SearchError("page", "Invalid input: expected number", "page must be a number")
            if page < 1:
                raise SearchError("page", "Too small: expected number to be >=1",
                                  "page must not be less than 1")  # fmt: skip
            offset = (page - 1) * size
            items = matches[offset : offset + size]
            # the server looks one item ahead: a full last page already answers null
            next_page = str(page + 1) if len(matches) > offset + size else None
            next_cursor = None
        assets: dict[str, Any] = {
            "total": len(items),  # the size of this page, not the match count
            "count": len(items),
            "items": [self.state.asset_json(a, with_exif=with_exif) for a in items],
            "facets": [],
            "nextPage": next_page,
        }
        if self.state.mode.cursor_search:
            assets["nextCursor"] = next_cursor
        return {"albums": {"total": 0, "count": 0, "items": [], "facets": []}, "assets": assets}

    def _matches(self, body: dict[str, Any], owner_id: str, filter_mode: bool) -> list[FakeAsset]:
        key = json.dumps([owner_id, filter_mode, {k: v for k, v in body.items()
                                                  if k not in ("page", "cursor", "size")}],
                         sort_keys=True, default=str)  # fmt: skip
        cached = self._cache.get(key)
        if cached is not None and cached[0] == self.state.revision:
            return cached[1]
        with self.state.lock:
            pool = [a for a in self.state.assets.values() if a.owner_id == owner_id]
            found = self._filter(pool, body) if filter_mode else self._flat(pool, body)
            desc = (body.get("order") or "desc") == "desc"
            found.sort(key=lambda a: (a.file_created_at, a.id), reverse=desc)
            self._cache[key] = (self.state.revision, found)
            return found

    def _flat(self, pool: list[FakeAsset], body: dict[str, Any]) -> list[FakeAsset]:
        """2.x-3.1 flat filters (3.x strips `filter`/`cursor`/`orderBy` it does not know)."""
        with_deleted = (
            bool(body.get("withDeleted")) or "trashedAfter" in body or ("trashedBefore" in body)
        )
        out = [a for a in pool if with_deleted or not a.is_trashed]
        if "updatedAfter" in body:
            after = _date(body["updatedAfter"], "updatedAfter")
            out = [a for a in out if a.updated_at > after]
        if "updatedBefore" in body:
            before = _date(body["updatedBefore"], "updatedBefore")
            out = [a for a in out if a.updated_at < before]
        if "trashedAfter" in body:
            after = _date(body["trashedAfter"], "trashedAfter")
            out = [a for a in out if a.deleted_at is not None and a.deleted_at > after]
        for field, attr in (("id", "id"), ("libraryId", "library_id"), ("checksum", "checksum"),
                            ("isOffline", "is_offline"), ("isFavorite", "is_favorite"),
                            ("originalPath", "original_path")):  # fmt: skip
            if field in body:
                out = [a for a in out if getattr(a, attr) == body[field]]
        if "originalFileName" in body:
            out = [a for a in out if a.file_name == body["originalFileName"]]
        if "visibility" in body:
            out = [a for a in out if a.visibility == body["visibility"]]
        if body.get("albumIds"):  # in every album given
            albums = [self.state.albums.get(x) for x in body["albumIds"]]
            sets = [set(a.asset_ids) if a else set() for a in albums]
            out = [a for a in out if all(a.id in members for members in sets)]
        if body.get("tagIds"):  # carrying every tag given (or a tag below it)
            tagged = [self.state.tagged(t) if t in self.state.tags else set()
                      for t in body["tagIds"]]  # fmt: skip
            out = [a for a in out if all(a.id in members for members in tagged)]
        return out

    def _filter(self, pool: list[FakeAsset], body: dict[str, Any]) -> list[FakeAsset]:
        """3.2+ `filter`: trashed assets are included unless trashedAt is constrained
        (Immich issue #31511)."""
        flt = body.get("filter") or {}
        out = list(pool)
        updated = flt.get("updatedAt") or {}
        for op, check in (("gt", lambda a, b: a > b), ("gte", lambda a, b: a >= b),
                          ("lt", lambda a, b: a < b), ("lte", lambda a, b: a <= b)):  # fmt: skip
            if op in updated:
                bound = _date(updated[op], f"filter.updatedAt.{op}")
                out = [a for a in out if check(a.updated_at, bound)]
        trashed = flt.get("trashedAt") or {}
        if "eq" in trashed and trashed["eq"] is None:
            out = [a for a in out if not a.is_trashed]
        if "isOffline" in flt and "eq" in flt["isOffline"]:
            out = [a for a in out if a.is_offline == flt["isOffline"]["eq"]]
        if "id" in flt and "eq" in flt["id"]:
            out = [a for a in out if a.id == flt["id"]["eq"]]
        albums = flt.get("albumIds") or {}
        if albums.get("any"):  # in any album given
            members = {m for x in albums["any"] if x in self.state.albums
                       for m in self.state.albums[x].asset_ids}  # fmt: skip
            out = [a for a in out if a.id in members]
        tags = flt.get("tagIds") or {}
        if tags.get("any"):
            carrying = {a for t in tags["any"] if t in self.state.tags
                        for a in self.state.tagged(t)}  # fmt: skip
            out = [a for a in out if a.id in carrying]
        return out


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def _decode_cursor(cursor: Any) -> int:
    if cursor is None:
        return 0
    try:
        return int(json.loads(base64.urlsafe_b64decode(str(cursor)))["o"])
    except (ValueError, KeyError, TypeError):
        raise SearchError("cursor", "Invalid cursor", "cursor is invalid") from None
