"""Typed models for the parts of Immich's API the sidecar uses (msgspec structs).

Unknown extra fields are ignored (servers add fields); a missing required field is a
protocol error naming it. Timestamps arrive in two formats (JavaScript ISO with `Z`, and
Postgres with microseconds and `+00:00`); both parse to aware datetimes. msgspec decodes a
1000-asset search page straight from bytes in about a tenth of the time a generic validator
needs, which matters: a full mirror is mostly this decoding.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, TypeVar

import msgspec


class _Model(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """Python names in snake_case; the wire names are their camelCase forms."""


class ServerVersion(_Model, frozen=True):
    major: int
    minor: int
    patch: int
    prerelease: str | None = None

    def __str__(self) -> str:
        base = f"{self.major}.{self.minor}.{self.patch}"
        return f"{base}-{self.prerelease}" if self.prerelease else base

    @property
    def has_cursor_search(self) -> bool:
        """`filter` + `cursor` search arrived in 3.2.0; 3.1 silently ignores it."""
        return (self.major, self.minor) >= (3, 2)


class ApiKeyInfo(_Model, frozen=True):
    id: str
    name: str
    permissions: list[str]


class UserInfo(_Model, frozen=True):
    id: str
    email: str
    name: str
    is_admin: bool = False


class ExifInfo(_Model, frozen=True, gc=False):
    file_size: int | None = msgspec.field(default=None, name="fileSizeInByte")
    width: int | None = msgspec.field(default=None, name="exifImageWidth")
    height: int | None = msgspec.field(default=None, name="exifImageHeight")
    make: str | None = None
    model: str | None = None
    lens_model: str | None = None
    date_time_original: datetime | None = None
    time_zone: str | None = None
    orientation: str | int | None = None
    description: str | None = None
    rating: int | None = None


class AssetStackRef(_Model, frozen=True, gc=False):
    id: str
    primary_asset_id: str
    asset_count: int


class Asset(_Model, frozen=True, gc=False):
    """(Not tracked by the garbage collector, nor its EXIF and stack: a full mirror decodes
    a million of them, and they never form cycles.)"""

    id: str
    owner_id: str
    type: str
    original_path: str
    original_file_name: str
    checksum: str
    file_created_at: datetime
    file_modified_at: datetime
    local_date_time: datetime
    updated_at: datetime
    is_favorite: bool
    is_trashed: bool
    library_id: str | None = None
    is_offline: bool = False
    visibility: str | None = None
    duplicate_id: str | None = None
    live_photo_video_id: str | None = None
    stack: AssetStackRef | None = None
    exif: ExifInfo | None = msgspec.field(default=None, name="exifInfo")
    width: int | None = None
    height: int | None = None
    tags: list[Tag] | None = None  # asset detail only
    # a video's length: milliseconds (3.x, null for images) or "H:MM:SS.ffffff" (2.x, 1.x;
    # "0:00:00.00000" for images); see `duration_ms`
    duration: int | str | None = None

    @property
    def duration_ms(self) -> int | None:
        return duration_ms(self.duration)


class SearchPage(_Model, frozen=True):
    items: list[Asset]
    next_page: str | None = None
    next_cursor: str | None = None


class SearchResponse(_Model, frozen=True):
    assets: SearchPage


class Stack(_Model, frozen=True):
    id: str
    primary_asset_id: str
    assets: list[Asset]


class Album(_Model, frozen=True):
    id: str
    name: str = msgspec.field(name="albumName")
    asset_count: int = 0
    description: str | None = None
    owner_id: str | None = None  # 2.x only
    updated_at: datetime | None = None  # bumped when assets are added (not when removed)
    shared: bool = False


class BulkIdResult(_Model, frozen=True):
    """One item of a bulk call: `error` is duplicate, no_permission, not_found, unknown or
    validation when `success` is false."""

    id: str
    success: bool
    error: str | None = None
    error_message: str | None = None


class Tag(_Model, frozen=True):
    id: str
    name: str
    value: str
    parent_id: str | None = None


class DuplicateGroup(_Model, frozen=True):
    duplicate_id: str
    assets: list[Asset]
    suggested_keep_asset_ids: list[str] = msgspec.field(default_factory=list)


MAX_DURATION_MS = 100 * 24 * 3600 * 1000  # longer than this is no video's length (100 days)


def duration_ms(value: int | str | None) -> int | None:
    """A duration as Immich sends it, in milliseconds; None for none, zero or a form not
    understood (3.x: an integer of milliseconds; before: "H:MM:SS.ffffff"), and for
    infinities, NaN and lengths no video has (a value never aborts a sync page)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_DURATION_MS else None
    parts = value.strip().split(":")
    try:
        seconds = float(parts[-1]) if parts[-1] else 0.0
        for unit, part in zip((60, 3600), reversed(parts[:-1]), strict=False):
            seconds += unit * int(part)
    except ValueError:
        return None
    if len(parts) > 3 or not math.isfinite(seconds) or seconds <= 0:
        return None
    ms = round(seconds * 1000)
    return ms if 0 < ms <= MAX_DURATION_MS else None


M = TypeVar("M")


class ModelError(ValueError):
    """Data that does not fit a model; the message names the field (e.g.
    "Object missing required field `originalPath` - at `$.assets.items[0]`")."""


def convert(model: type[M], data: Any) -> M:
    """A model from already-decoded JSON."""
    try:
        return msgspec.convert(data, model)
    except msgspec.ValidationError as exc:
        raise ModelError(str(exc)) from None


def decode(model: type[M], raw: bytes) -> M:
    """A model straight from JSON bytes (the fast path for search pages)."""
    try:
        return msgspec.json.decode(raw, type=model)
    except msgspec.ValidationError as exc:
        raise ModelError(str(exc)) from None
    except msgspec.DecodeError:
        raise ModelError("not JSON") from None


def to_json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def timestamps(values: list[datetime | None]) -> list[str | None]:
    """ISO 8601 strings for many datetimes in one call (UTC written as `Z`)."""
    out: list[str | None] = msgspec.to_builtins(values)
    return out
