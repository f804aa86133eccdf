"""What the inventory holds: mirrored Immich assets (and what drift and planning need of
one), the per-key sync state, media roots and files on disk, and what a person marked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


class AssetRow(NamedTuple):
    """One asset as the store keeps it (mapped from the client's model by the sync service);
    a tuple, since a full mirror builds hundreds of thousands of them."""

    id: str
    owner_id: str
    library_id: str | None
    type: str
    original_path: str
    original_file_name: str
    checksum: str
    file_created_at: str
    file_modified_at: str
    local_date_time: str
    updated_at: str
    is_favorite: bool
    is_trashed: bool
    is_offline: bool
    visibility: str | None
    duplicate_id: str | None
    stack_id: str | None
    live_photo_video_id: str | None
    width: int | None
    height: int | None
    file_size: int | None
    make: str | None
    model: str | None
    date_time_original: str | None
    exif: str | None
    duration_ms: int | None = None  # a video's length (Immich's duration)

    @property
    def state(self) -> str:
        return "trashed" if self.is_trashed else "present"


@dataclass(slots=True)
class UpsertCounts:
    added: int = 0
    updated: int = 0
    removed: int = 0  # present before, trashed now


@dataclass(frozen=True, slots=True)
class SyncState:
    sync_key: str
    key_id: str | None
    watermark: datetime | None
    last_full_sweep: datetime | None


@dataclass(frozen=True, slots=True)
class AssetLink:
    """What drift needs of an asset."""

    id: str
    owner_id: str
    library_id: str | None
    original_path: str
    checksum: str
    state: str
    is_offline: bool
    file_size: int | None
    date_time_original: str | None
    make: str | None
    model: str | None
    type: str = "IMAGE"
    sync_key: str = ""
    width: int | None = None
    height: int | None = None
    original_file_name: str = ""
    duplicate_id: str | None = None
    visibility: str | None = None  # 'hidden': the motion part of a live photo
    duration_ms: int | None = None  # a video's length as Immich reports it (None: a photo)


@dataclass(frozen=True, slots=True)
class Root:
    id: int
    path: str


class HashedFile(NamedTuple):
    """A file whose content was read this run, ready to be written (a tuple, in the order of
    the columns it is written to: a first scan makes one per file)."""

    root_id: int
    rel_dir: str
    name: str
    kind: str
    size: int
    mtime_ns: int
    content_hash: str
    hash_algo: str


@dataclass(frozen=True, slots=True)
class FileRecord:
    id: int
    root: str
    rel_dir: str
    name: str
    kind: str
    size: int
    mtime_ns: int
    content_hash: str | None
    state: str

    @property
    def path(self) -> str:
        return join_path(self.root, self.rel_dir, self.name)


def join_path(root: str, rel_dir: str, name: str) -> str:
    parts = [root.rstrip("/") or "/"]
    if rel_dir:
        parts.append(rel_dir)
    parts.append(name)
    return "/".join(parts).replace("//", "/")


@dataclass(frozen=True, slots=True)
class Marks:
    albums: tuple[str, ...] = ()  # album names, sorted
    favorite: bool = False
    rating: int | None = None
    description: str = ""
    tags: tuple[str, ...] = ()  # root tag names, sorted
