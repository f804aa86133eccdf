"""POST /search/metadata as Immich answers it, per generation."""

from __future__ import annotations

import base64
import bisect
import json
import operator
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Matches:
    """The sorted matches of one query, and where runs of equal `fileCreatedAt` start."""

    items: list[FakeAsset]
    tie_starts: list[int]  # index of the first item of every run of equal timestamps

    def run_of(self, index: int) -> tuple[int, int]:
        """The [start, end) of the equal-timestamp run holding `index`."""
        at = bisect.bisect_right(self.tie_starts, index) - 1
        end = self.tie_starts[at + 1] if at + 1 < len(self.tie_starts) else len(self.items)
        return self.tie_starts[at], end


def _tie_starts(items: list[FakeAsset]) -> list[int]:
    return [
        i
        for i in range(len(items))
        if i == 0 or items[i].file_created_at != items[i - 1].file_created_at
    ]


class Search:
    def __init__(self, state: State) -> None:
        self.state = state
        self._cache: dict[str, tuple[int, Matches]] = {}
        self._rng = random.Random(20261206)
        self._rng_lock = threading.Lock()

    def run(self, body: dict[str, Any], owner_id: str) -> dict[str, Any]:
        size = body.get("size", 250)
        if not isinstance(size, int) or isinstance(size, bool):
            raise SearchError("size", "Invalid input: expected number", "size must be a number")
        if size > 1000:
            raise SearchError(
                "size",
                "Too big: expected number to be <=1000",
                "size must not be greater than 1000",
            )
        if size < 1:
            raise SearchError(
                "size", "Too small: expected number to be >=1", "size must not be less than 1"
            )
        with_exif = bool(body.get("withExif", False))
        filter_mode = self.state.mode.cursor_search and ("filter" in body or "cursor" in body)
        found = self._matches(body, owner_id, filter_mode, with_exif)
        matches = found.items
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
                raise SearchError(
                    "page", "Too small: expected number to be >=1", "page must not be less than 1"
                )
            offset = (page - 1) * size
            items = self._window(found, offset, size)
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

    def _window(self, found: Matches, offset: int, size: int) -> list[FakeAsset]:
        """OFFSET/LIMIT over the sorted matches. Before 3.1 the order among equal timestamps
        is whatever the database picks for this request: a run of equal timestamps that the
        page boundary cuts is served as a fresh random choice from the whole run, so one
        asset can come back on two pages and another on none (API-NOTES section 16)."""
        items = found.items[offset : offset + size]
        if self.state.mode.tie_breaker or not items:
            return items
        end = offset + len(items)
        start, stop = found.run_of(offset)
        with self._rng_lock:
            if start < offset or stop > end:  # the run at the top of the page is cut
                take = min(stop, end) - offset
                items[:take] = self._rng.sample(found.items[start:stop], take)
            last_start, last_stop = found.run_of(end - 1)
            if last_start != start and last_stop > end:  # the run at the bottom is cut
                take = end - last_start
                items[-take:] = self._rng.sample(found.items[last_start:last_stop], take)
        return items

    def _matches(
        self, body: dict[str, Any], owner_id: str, filter_mode: bool, with_exif: bool
    ) -> Matches:
        key = json.dumps(
            [
                owner_id,
                filter_mode,
                {k: v for k, v in body.items() if k not in ("page", "cursor", "size")},
            ],
            sort_keys=True,
            default=str,
        )
        cached = self._cache.get(key)
        if cached is not None and cached[0] == self.state.revision:
            return cached[1]
        with self.state.lock:
            # `withExif: true` is an inner join on the EXIF table (2.7.5 to 3.x): assets whose
            # metadata extraction has not run are not found at all
            pool = [
                a
                for a in self.state.assets.values()
                if a.owner_id == owner_id and not (with_exif and a.metadata_pending)
            ]
            found = self._filter(pool, body) if filter_mode else self._flat(pool, body)
            desc = (body.get("order") or "desc") == "desc"
            found.sort(key=lambda a: (a.file_created_at, a.id), reverse=desc)
            matches = Matches(found, _tie_starts(found))
            self._cache[key] = (self.state.revision, matches)
            return matches

    def _flat(self, pool: list[FakeAsset], body: dict[str, Any]) -> list[FakeAsset]:
        """2.x-3.1 flat filters (3.x strips `filter`/`cursor`/`orderBy` it does not know)."""
        with_deleted = (
            bool(body.get("withDeleted")) or "trashedAfter" in body or ("trashedBefore" in body)
        )
        out = [a for a in pool if with_deleted or not a.is_trashed]
        # date bounds are inclusive, as in Immich's search repository
        if "updatedAfter" in body:
            after = _date(body["updatedAfter"], "updatedAfter")
            out = [a for a in out if a.updated_at >= after]
        if "updatedBefore" in body:
            before = _date(body["updatedBefore"], "updatedBefore")
            out = [a for a in out if a.updated_at <= before]
        if "takenAfter" in body:
            after = _date(body["takenAfter"], "takenAfter")
            out = [a for a in out if a.file_created_at >= after]
        if "takenBefore" in body:
            before = _date(body["takenBefore"], "takenBefore")
            out = [a for a in out if a.file_created_at <= before]
        if "trashedAfter" in body:
            after = _date(body["trashedAfter"], "trashedAfter")
            out = [a for a in out if a.deleted_at is not None and a.deleted_at > after]
        for field, attr in (
            ("id", "id"),
            ("libraryId", "library_id"),
            ("checksum", "checksum"),
            ("isOffline", "is_offline"),
            ("isFavorite", "is_favorite"),
            ("originalPath", "original_path"),
            ("type", "type"),
        ):
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
            tagged = [
                self.state.tagged(t) if t in self.state.tags else set() for t in body["tagIds"]
            ]
            out = [a for a in out if all(a.id in members for members in tagged)]
        return out

    def _filter(self, pool: list[FakeAsset], body: dict[str, Any]) -> list[FakeAsset]:
        """3.2+ `filter`: trashed assets are included unless trashedAt is constrained
        (Immich issue #31511)."""
        flt = body.get("filter") or {}
        out = list(pool)
        for field, attr in (("updatedAt", "updated_at"), ("takenAt", "file_created_at")):
            dates = flt.get(field) or {}
            for op, check in _COMPARE.items():
                if op in dates:
                    bound = _date(dates[op], f"filter.{field}.{op}")
                    out = [a for a in out if check(getattr(a, attr), bound)]
        trashed = flt.get("trashedAt") or {}
        if "eq" in trashed and trashed["eq"] is None:
            out = [a for a in out if not a.is_trashed]
        if "isOffline" in flt and "eq" in flt["isOffline"]:
            out = [a for a in out if a.is_offline == flt["isOffline"]["eq"]]
        if "id" in flt and "eq" in flt["id"]:
            out = [a for a in out if a.id == flt["id"]["eq"]]
        if "type" in flt and "eq" in flt["type"]:
            out = [a for a in out if a.type == flt["type"]["eq"]]
        albums = flt.get("albumIds") or {}
        if albums.get("any"):  # in any album given
            members = {
                m
                for x in albums["any"]
                if x in self.state.albums
                for m in self.state.albums[x].asset_ids
            }
            out = [a for a in out if a.id in members]
        tags = flt.get("tagIds") or {}
        if tags.get("any"):
            carrying = {
                a for t in tags["any"] if t in self.state.tags for a in self.state.tagged(t)
            }
            out = [a for a in out if a.id in carrying]
        return out


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def _decode_cursor(cursor: Any) -> int:
    if cursor is None:
        return 0
    try:
        return int(json.loads(base64.urlsafe_b64decode(str(cursor)))["o"])
    except (ValueError, KeyError, TypeError):
        raise SearchError("cursor", "Invalid cursor", "cursor is invalid") from None
