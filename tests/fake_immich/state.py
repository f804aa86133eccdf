"""In-memory Immich state, its mutations, and JSON shapes per server generation."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any


class Mode(Enum):
    """Which Immich generation to emulate."""

    V2_7 = "2.7.5"
    V3_1 = "3.1.0"
    V3_2 = "3.2.2"

    @property
    def version(self) -> dict[str, Any]:
        major, minor, patch = (int(x) for x in self.value.split("."))
        out: dict[str, Any] = {"major": major, "minor": minor, "patch": patch}
        if major >= 3:
            out["prerelease"] = None
        return out

    @property
    def cursor_search(self) -> bool:
        return self is Mode.V3_2

    @property
    def tie_breaker(self) -> bool:
        """Page search orders by fileCreatedAt, then id, from 3.1 on (immich#28686); before,
        by fileCreatedAt alone, so equal timestamps come back in a new order per request."""
        return self is not Mode.V2_7


def new_id() -> str:
    return str(uuid.uuid4())


def js_time(value: datetime) -> str:
    """JavaScript ISO format, as asset detail and search use: milliseconds and Z."""
    return (
        value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    )


def pg_time(value: datetime) -> str:
    """Postgres format, as nested objects and EXIF dates use: +00:00."""
    return value.astimezone(UTC).isoformat()


def duration_json(ms: int | None, v2: bool) -> str | int | None:
    """A duration as each generation sends it: 3.x milliseconds (null for images), 2.x and
    1.x a string "H:MM:SS.ffffff" ("0:00:00.00000" for images)."""
    if not v2:
        return ms
    if not ms:
        return "0:00:00.00000"
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{millis * 1000:06d}"


def path_checksum(original_path: str) -> str:
    """External-library assets: base64(sha1("path:" + originalPath))."""
    return base64.b64encode(hashlib.sha1(f"path:{original_path}".encode()).digest()).decode()


def content_checksum(data: bytes) -> str:
    return base64.b64encode(hashlib.sha1(data).digest()).decode()


@dataclass
class FakeKey:
    id: str
    user_id: str
    name: str
    permissions: list[str]


@dataclass
class FakeUser:
    id: str
    email: str
    name: str
    is_admin: bool = False
    cluster_group_id: str = field(default_factory=new_id)


@dataclass(slots=True)  # a million of them fit in the benchmarks' test Immich
class FakeAsset:
    id: str
    owner_id: str
    original_path: str
    checksum: str
    file_created_at: datetime
    updated_at: datetime
    library_id: str | None = None
    type: str = "IMAGE"
    is_favorite: bool = False
    is_offline: bool = False
    deleted_at: datetime | None = None
    visibility: str = "timeline"
    duplicate_id: str | None = None
    stack_id: str | None = None
    width: int = 4000
    height: int = 3000
    orientation: str = "1"  # EXIF: "6" and "8" are shown turned (width and height swap)
    file_size: int = 3_000_000
    make: str | None = "Canon"
    model: str | None = "Canon EOS 80D"
    description: str = ""
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    metadata_pending: bool = False  # no EXIF row yet: invisible to `withExif: true` searches
    duration_ms: int | None = None  # a video's length (give VIDEO assets one)
    live_photo_video_id: str | None = None  # a live photo's motion part (a hidden VIDEO asset)

    @property
    def file_name(self) -> str:
        return self.original_path.rsplit("/", 1)[-1]

    @property
    def is_trashed(self) -> bool:
        return self.deleted_at is not None


@dataclass
class FakeLibrary:
    id: str
    name: str
    owner_id: str
    import_paths: list[str]
    exclusion_patterns: list[str] = field(default_factory=list)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class FakeAlbum:
    id: str
    owner_id: str
    name: str
    asset_ids: list[str] = field(default_factory=list)
    description: str = ""
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    shared_with: list[str] = field(default_factory=list)  # user ids


@dataclass
class FakeTag:
    id: str
    owner_id: str
    name: str
    value: str  # the full path, e.g. "a/b/c"
    parent_id: str | None = None
    asset_ids: set[str] = field(default_factory=set)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class State:
    """Everything the fake server holds. Methods named like Immich's own activity (an upload,
    a library rescan) let tests change the server as a user or Immich would."""

    def __init__(self, mode: Mode = Mode.V2_7) -> None:
        self.mode = mode
        self.lock = threading.RLock()
        self.users: dict[str, FakeUser] = {}
        self.keys: dict[str, FakeKey] = {}  # secret -> key
        self.assets: dict[str, FakeAsset] = {}
        self.libraries: dict[str, FakeLibrary] = {}
        self.stacks: dict[str, tuple[str, list[str]]] = {}  # id -> (primary, members)
        self.albums: dict[str, FakeAlbum] = {}
        self.tags: dict[str, FakeTag] = {}
        self.revision = 0  # bumped on every change (search caches key on it)
        self._file_names: dict[str, str] = {}  # upload id -> original file name
        self._by_path: dict[str, FakeAsset] = {}
        self.thumbnails: dict[str, bytes] = {}  # asset id -> thumbnail bytes
        self._clock = datetime(2026, 11, 22, 1, 0, 0, tzinfo=UTC)

    # -- clock: strictly increasing server time ------------------------------------------

    def now(self) -> datetime:
        real = datetime.now(UTC)
        self._clock = max(real, self._clock + timedelta(milliseconds=1))
        return self._clock

    def touch(self, asset: FakeAsset) -> None:
        asset.updated_at = self.now()
        self.revision += 1

    # -- users and keys --------------------------------------------------------------------

    def add_user(self, name: str = "Admin", *, is_admin: bool = True) -> FakeUser:
        with self.lock:
            user = FakeUser(new_id(), f"{name.lower()}@example.test", name, is_admin)
            self.users[user.id] = user
            return user

    def add_key(
        self, user: FakeUser, permissions: list[str] | None = None, name: str = "sidecar"
    ) -> str:
        """Create an API key for `user`; returns its secret."""
        with self.lock:
            secret = secrets.token_urlsafe(24)
            self.keys[secret] = FakeKey(new_id(), user.id, name, permissions or ["all"])
            return secret

    # -- assets ----------------------------------------------------------------------------

    def add_upload(
        self,
        owner: FakeUser,
        content: bytes,
        *,
        file_name: str = "IMG.jpg",
        taken: datetime | None = None,
        **fields: Any,
    ) -> FakeAsset:
        with self.lock:
            asset_id = new_id()
            path = f"/data/upload/{owner.id}/{asset_id[:2]}/{asset_id[2:4]}/{asset_id}.jpg"
            asset = FakeAsset(
                id=asset_id,
                owner_id=owner.id,
                original_path=path,
                checksum=content_checksum(content),
                file_size=len(content),
                file_created_at=taken or datetime(2024, 5, 1, 10, tzinfo=UTC),
                updated_at=self.now(),
                **fields,
            )
            self._file_names[asset_id] = file_name
            self.assets[asset_id] = asset
            self._by_path[path] = asset
            self.revision += 1
            return asset

    def add_library(self, owner: FakeUser, import_path: str, name: str = "Family") -> FakeLibrary:
        with self.lock:
            library = FakeLibrary(new_id(), name, owner.id, [import_path])
            self.libraries[library.id] = library
            return library

    def import_file(
        self, library: FakeLibrary, path: str, *, taken: datetime | None = None, **fields: Any
    ) -> FakeAsset:
        """What a library scan does for a new file: a new asset with a path checksum."""
        with self.lock:
            known = self._by_path.get(path)
            if known is not None and known.library_id == library.id:
                # the same path comes back: the same asset id, online and untrashed
                known.is_offline = False
                known.deleted_at = None
                self.touch(known)
                return known
            asset = FakeAsset(
                id=new_id(),
                owner_id=library.owner_id,
                original_path=path,
                checksum=path_checksum(path),
                library_id=library.id,
                file_created_at=taken or datetime(2023, 7, 14, 10, tzinfo=UTC),
                updated_at=self.now(),
                **fields,
            )
            self.assets[asset.id] = asset
            self._by_path[path] = asset
            self.revision += 1
            return asset

    def file_gone(self, path: str) -> FakeAsset:
        """A library rescan after the file at `path` disappeared: offline and trashed."""
        with self.lock:
            asset = self.by_path(path)
            asset.is_offline = True
            asset.deleted_at = self.now()
            self.touch(asset)
            return asset

    def file_renamed(self, library: FakeLibrary, old: str, new: str) -> tuple[FakeAsset, FakeAsset]:
        """A rescan after a rename on disk: the old asset goes offline+trashed, the new path
        becomes a new asset (recorded 52-56)."""
        with self.lock:
            old_asset = self.file_gone(old)
            new_asset = self.import_file(
                library,
                new,
                taken=old_asset.file_created_at,
                width=old_asset.width,
                height=old_asset.height,
                file_size=old_asset.file_size,
            )
            return old_asset, new_asset

    def trash(self, *ids: str) -> None:
        with self.lock:
            for asset_id in ids:
                asset = self.assets[asset_id]
                if asset.deleted_at is None:
                    asset.deleted_at = self.now()
                    self.touch(asset)

    def restore(self, *ids: str) -> None:
        with self.lock:
            for asset_id in ids:
                asset = self.assets[asset_id]
                if asset.deleted_at is not None and not asset.is_offline:
                    asset.deleted_at = None
                    self.touch(asset)

    def hard_delete(self, *ids: str) -> None:
        """The asset row is gone (force delete, or trash emptied): searches never show it."""
        with self.lock:
            for asset_id in ids:
                gone = self.assets.pop(asset_id)
                if self._by_path.get(gone.original_path) is gone:
                    del self._by_path[gone.original_path]
            self.revision += 1

    def extract_metadata(self, *ids: str) -> None:
        """Immich's metadata extraction job finished for these assets: the EXIF row exists
        (they show in `withExif` searches again) and the asset update bumps `updatedAt`."""
        with self.lock:
            for asset_id in ids:
                asset = self.assets[asset_id]
                if asset.metadata_pending:
                    asset.metadata_pending = False
                    self.touch(asset)

    def edit(self, asset_id: str, **fields: Any) -> FakeAsset:
        with self.lock:
            asset = self.assets[asset_id]
            for key, value in fields.items():
                setattr(asset, key, value)
            self.touch(asset)
            return asset

    def by_path(self, path: str) -> FakeAsset:
        return self._by_path[path]

    # -- stacks and albums (what a person does in the web app, and the API's own rules) ----

    def create_stack(self, owner_id: str, asset_ids: list[str]) -> str:
        """POST /stacks: stacks whose primary is among the ids are merged into the new one;
        a non-primary member of another stack is moved out of it (that stack may be left with
        one member: no clean-up; recorded 93-100)."""
        with self.lock:
            members = list(dict.fromkeys(asset_ids))
            for asset_id in asset_ids:  # stacks whose primary is given: merged
                found = self.stacks.get(self.assets[asset_id].stack_id or "")
                if found is not None and found[0] == asset_id:
                    del self.stacks[self.assets[asset_id].stack_id or ""]
                    members += [m for m in found[1] if m not in members]
            for asset_id in members:  # a non-primary member of another stack: moved
                old_id = self.assets[asset_id].stack_id or ""
                if old_id in self.stacks:
                    primary, old = self.stacks[old_id]
                    self.stacks[old_id] = (primary, [m for m in old if m != asset_id])
            stack_id = new_id()
            self.stacks[stack_id] = (members[0], members)
            for m in members:
                self.assets[m].stack_id = stack_id
                self.touch(self.assets[m])
            return stack_id

    def delete_stack(self, stack_id: str) -> None:
        """DELETE /stacks/{id} (or unstacking in the web app): the assets stay, unstacked."""
        with self.lock:
            _, members = self.stacks.pop(stack_id)
            for m in members:
                if m in self.assets and self.assets[m].stack_id == stack_id:
                    self.assets[m].stack_id = None
                    self.touch(self.assets[m])

    def set_stack_primary(self, stack_id: str, primary: str) -> None:
        """PUT /stacks/{id} (or choosing another primary in the web app)."""
        with self.lock:
            _, members = self.stacks[stack_id]
            self.stacks[stack_id] = (primary, members)
            self.revision += 1

    def remove_from_stack(self, stack_id: str, asset_id: str) -> None:
        """DELETE /stacks/{id}/assets/{assetId}: not the primary; no clean-up (recorded 108)."""
        with self.lock:
            primary, members = self.stacks[stack_id]
            self.stacks[stack_id] = (primary, [m for m in members if m != asset_id])
            self.assets[asset_id].stack_id = None
            self.touch(self.assets[asset_id])

    def create_album(
        self,
        owner_id: str,
        name: str,
        asset_ids: list[str] | None = None,
        description: str = "",
        shared_with: list[str] | None = None,
    ) -> FakeAlbum:
        with self.lock:
            now = self.now()
            album = FakeAlbum(
                new_id(),
                owner_id,
                name,
                list(asset_ids or []),
                description,
                now,
                now,
                list(shared_with or []),
            )
            self.albums[album.id] = album
            self.revision += 1
            return album

    def add_to_album(self, album_id: str, *asset_ids: str) -> None:
        """A person adds assets in the web app: the album's updatedAt moves (removals do not
        move it; its assetCount changes then)."""
        with self.lock:
            album = self.albums[album_id]
            album.asset_ids += [a for a in asset_ids if a not in album.asset_ids]
            album.updated_at = self.now()
            self.revision += 1

    def upsert_tag(self, owner_id: str, value: str) -> FakeTag:
        """PUT /tags: missing parents are created (recorded 32, 163)."""
        with self.lock:
            parent: FakeTag | None = None
            parts = value.split("/")
            for depth in range(1, len(parts) + 1):
                path = "/".join(parts[:depth])
                found = next(
                    (t for t in self.tags.values() if t.owner_id == owner_id and t.value == path),
                    None,
                )
                if found is None:
                    found = FakeTag(
                        new_id(), owner_id, parts[depth - 1], path, parent.id if parent else None
                    )
                    self.tags[found.id] = found
                parent = found
            assert parent is not None
            self.revision += 1
            return parent

    def delete_tag(self, tag_id: str) -> None:
        """DELETE /tags/{id}: the whole subtree goes, and off every asset (recorded 172)."""
        with self.lock:
            doomed = {tag_id}
            while True:
                more = {t.id for t in self.tags.values() if t.parent_id in doomed} - doomed
                if not more:
                    break
                doomed |= more
            for t in doomed:
                del self.tags[t]
            self.revision += 1

    def tagged(self, tag_id: str) -> set[str]:
        """Assets carrying the tag or any tag below it (search by a parent tag matches them)."""
        below = {tag_id}
        while True:
            more = {t.id for t in self.tags.values() if t.parent_id in below} - below
            if not more:
                break
            below |= more
        return {a for t in below for a in self.tags[t].asset_ids}

    def tag_json(self, tag: FakeTag) -> dict[str, Any]:
        out = {
            "id": tag.id,
            "name": tag.name,
            "value": tag.value,
            "createdAt": js_time(tag.created_at),
            "updatedAt": js_time(tag.created_at),
        }
        if tag.parent_id:
            out["parentId"] = tag.parent_id
        return out

    def remove_from_album(self, album_id: str, *asset_ids: str) -> None:
        with self.lock:
            album = self.albums[album_id]
            album.asset_ids = [a for a in album.asset_ids if a not in asset_ids]
            self.revision += 1

    # -- JSON shapes -----------------------------------------------------------------------

    def asset_json(self, asset: FakeAsset, *, with_exif: bool = True) -> dict[str, Any]:
        v2 = self.mode is Mode.V2_7
        name = self._file_names.get(asset.id, asset.file_name)
        out: dict[str, Any] = {
            "id": asset.id,
            "createdAt": js_time(asset.created_at),
            "ownerId": asset.owner_id,
            "libraryId": asset.library_id,
            "type": asset.type,
            "originalPath": asset.original_path,
            "originalFileName": name,
            "originalMimeType": "video/mp4" if asset.type == "VIDEO" else "image/jpeg",
            "thumbhash": "GfoGFYhjL7WWeWfBO6mWa/lypS+V",
            "fileCreatedAt": js_time(asset.file_created_at),
            "fileModifiedAt": js_time(asset.file_created_at),
            "localDateTime": js_time(asset.file_created_at),
            "updatedAt": js_time(asset.updated_at),
            "isFavorite": asset.is_favorite,
            "isArchived": asset.visibility == "archive",
            "isTrashed": asset.is_trashed,
            "visibility": asset.visibility,
            "duration": duration_json(asset.duration_ms, v2),
            "livePhotoVideoId": asset.live_photo_video_id,
            "people": [],
            "checksum": asset.checksum,
            "isOffline": asset.is_offline,
            "hasMetadata": not asset.metadata_pending,
            "duplicateId": asset.duplicate_id,
            "resized": True,
            "width": asset.width,
            "height": asset.height,
            "isEdited": False,
        }
        if v2:
            out["deviceAssetId"] = name
            out["deviceId"] = "Library Import" if asset.library_id else "immich-web"
        if with_exif and not asset.metadata_pending:
            out["exifInfo"] = {
                "make": asset.make,
                "model": asset.model,
                "exifImageWidth": asset.width,
                "exifImageHeight": asset.height,
                "fileSizeInByte": asset.file_size,
                "orientation": asset.orientation,
                "dateTimeOriginal": pg_time(asset.file_created_at),
                "modifyDate": pg_time(asset.file_created_at),
                "timeZone": None,
                "lensModel": None,
                "fNumber": None,
                "focalLength": None,
                "iso": None,
                "exposureTime": None,
                "latitude": None,
                "longitude": None,
                "city": None,
                "state": None,
                "country": None,
                "description": asset.description,
                "projectionType": None,
                "rating": None,
            }
        return out

    def detail_json(self, asset: FakeAsset) -> dict[str, Any]:
        out = self.asset_json(asset)
        out["tags"] = [self.tag_json(t) for t in self.tags.values() if asset.id in t.asset_ids]
        owner = self.users[asset.owner_id]
        out["owner"] = {
            "id": owner.id,
            "email": owner.email,
            "name": owner.name,
            "profileImagePath": "",
            "avatarColor": "primary",
            "profileChangedAt": pg_time(owner_changed),
        }
        if asset.stack_id is not None:
            primary, members = self.stacks[asset.stack_id]
            out["stack"] = {
                "id": asset.stack_id,
                "primaryAssetId": primary,
                "assetCount": len(members),
            }
        else:
            out["stack"] = None
        if self.mode is Mode.V2_7:
            out["unassignedFaces"] = []
        return out

    def owner_json(self, user: FakeUser) -> dict[str, Any]:
        return {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "profileImagePath": "",
            "avatarColor": "primary",
            "profileChangedAt": pg_time(owner_changed),
        }

    def album_json(self, album: FakeAlbum, *, with_assets: bool = True) -> dict[str, Any]:
        members = [self.assets[a] for a in album.asset_ids if a in self.assets]
        out: dict[str, Any] = {
            "id": album.id,
            "albumName": album.name,
            "description": album.description,
            "albumThumbnailAssetId": members[0].id if members else None,
            "albumUsers": [],
            "assetCount": len(members),
            "createdAt": js_time(album.created_at),
            "updatedAt": js_time(album.updated_at),
            "hasSharedLink": False,
            "isActivityEnabled": True,
            "shared": bool(album.shared_with),
        }
        if self.mode is not Mode.V2_7:  # 3.x: the owner comes first among the album users
            out["albumUsers"] = [
                {"role": "owner", "user": self.owner_json(self.users[album.owner_id])}
            ]
        if self.mode is Mode.V2_7:  # 3.x albums carry neither the owner nor the assets
            out["ownerId"] = album.owner_id
            out["owner"] = self.owner_json(self.users[album.owner_id])
            out["assets"] = [self.asset_json(a) for a in members] if with_assets else []
        return out

    def user_json(self, user: FakeUser) -> dict[str, Any]:
        out = {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "isAdmin": user.is_admin,
            "profileImagePath": "",
            "avatarColor": "primary",
            "profileChangedAt": pg_time(owner_changed),
            "shouldChangePassword": False,
            "storageLabel": "admin" if user.is_admin else None,
            "quotaSizeInBytes": None,
            "quotaUsageInBytes": 0,
            "createdAt": js_time(owner_changed),
            "updatedAt": js_time(owner_changed),
            "deletedAt": None,
            "oauthId": "",
            "status": "active",
            "license": None,
        }
        if self.mode is Mode.V3_2:
            out["clusterGroupId"] = user.cluster_group_id
        return out


owner_changed = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
