"""Typed models for the parts of Immich's API the sidecar uses.

Unknown extra fields are ignored (servers add fields); a missing required field is a
protocol error naming it. Timestamps arrive in two formats (JavaScript ISO with `Z`, and
Postgres with microseconds and `+00:00`); both parse to aware datetimes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class ServerVersion(_Model):
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


class ServerAbout(_Model):
    version: str
    licensed: bool = False


class ApiKeyInfo(_Model):
    id: str
    name: str
    permissions: list[str]


class UserInfo(_Model):
    id: str
    email: str
    name: str
    is_admin: bool = Field(default=False, alias="isAdmin")


class ExifInfo(_Model):
    file_size: int | None = Field(default=None, alias="fileSizeInByte")
    width: int | None = Field(default=None, alias="exifImageWidth")
    height: int | None = Field(default=None, alias="exifImageHeight")
    make: str | None = None
    model: str | None = None
    lens_model: str | None = Field(default=None, alias="lensModel")
    date_time_original: datetime | None = Field(default=None, alias="dateTimeOriginal")
    time_zone: str | None = Field(default=None, alias="timeZone")
    orientation: str | int | None = None
    description: str | None = None
    rating: int | None = None


class AssetStackRef(_Model):
    id: str
    primary_asset_id: str = Field(alias="primaryAssetId")
    asset_count: int = Field(alias="assetCount")


class Asset(_Model):
    id: str
    owner_id: str = Field(alias="ownerId")
    library_id: str | None = Field(default=None, alias="libraryId")
    type: str
    original_path: str = Field(alias="originalPath")
    original_file_name: str = Field(alias="originalFileName")
    checksum: str
    file_created_at: datetime = Field(alias="fileCreatedAt")
    file_modified_at: datetime = Field(alias="fileModifiedAt")
    local_date_time: datetime = Field(alias="localDateTime")
    updated_at: datetime = Field(alias="updatedAt")
    is_favorite: bool = Field(alias="isFavorite")
    is_trashed: bool = Field(alias="isTrashed")
    is_offline: bool = Field(default=False, alias="isOffline")
    visibility: str | None = None
    duplicate_id: str | None = Field(default=None, alias="duplicateId")
    live_photo_video_id: str | None = Field(default=None, alias="livePhotoVideoId")
    stack: AssetStackRef | None = None
    exif: ExifInfo | None = Field(default=None, alias="exifInfo")
    width: int | None = None
    height: int | None = None


class SearchPage(_Model):
    items: list[Asset]
    next_page: str | None = Field(default=None, alias="nextPage")
    next_cursor: str | None = Field(default=None, alias="nextCursor")


class SearchResponse(_Model):
    assets: SearchPage


class Stack(_Model):
    id: str
    primary_asset_id: str = Field(alias="primaryAssetId")
    assets: list[Asset]


class Album(_Model):
    id: str
    name: str = Field(alias="albumName")
    asset_count: int = Field(default=0, alias="assetCount")
    description: str | None = None


class Tag(_Model):
    id: str
    name: str
    value: str
    parent_id: str | None = Field(default=None, alias="parentId")


class DuplicateGroup(_Model):
    duplicate_id: str = Field(alias="duplicateId")
    assets: list[Asset]
    suggested_keep_asset_ids: list[str] = Field(default_factory=list, alias="suggestedKeepAssetIds")


class Library(_Model):
    id: str
    name: str
    owner_id: str = Field(alias="ownerId")
    import_paths: list[str] = Field(default_factory=list, alias="importPaths")
    exclusion_patterns: list[str] = Field(default_factory=list, alias="exclusionPatterns")


class LibraryStatistics(_Model):
    photos: int
    videos: int
    total: int
    usage: int


def asset_from_json(data: Any) -> Asset:
    return Asset.model_validate(data)
