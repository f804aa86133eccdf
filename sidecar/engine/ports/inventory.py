"""Ports to the inventory: the mirrored Immich assets, the files on disk, and what people
marked in Immich."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from sidecar.engine.core.models import (
    AssetLink,
    AssetRow,
    HashedFile,
    Marks,
    Root,
    SyncState,
    UpsertCounts,
)
from sidecar.engine.core.reconcile import KnownFile, MoveCandidate


class AssetInventory(Protocol):
    """The mirrored Immich assets and each API key's sync state."""

    async def start_pass(self) -> bool:
        """Before a pass: True when the mirror holds no asset at all, so the pass may append
        its pages (`upsert(..., fresh=True)`) until `end_pass`."""

    async def end_pass(self) -> None:
        """After the pages of a pass `start_pass` found empty (harmless otherwise)."""

    async def upsert(
        self, rows: Sequence[AssetRow], op_id: int, sync_key: str, *, fresh: bool = False
    ) -> UpsertCounts:
        """Write one page of assets in one transaction; `fresh`: none of them is stored yet
        (appended without a lookup)."""

    async def unseen(self, sync_key: str, op_id: int) -> list[str]:
        """Assets of this key, not gone, that operation `op_id` did not store."""

    async def mark_gone(self, sync_key: str, ids: Sequence[str]) -> int:
        """Mark assets Immich confirmed it no longer has (kept, never deleted)."""

    async def sync_state(self, sync_key: str) -> SyncState:
        """Where this key's last sync got to."""

    async def save_sync_state(
        self,
        sync_key: str,
        *,
        key_id: str | None,
        watermark: datetime | None,
        full_sweep: datetime | None,
    ) -> None:
        """Record where this key's sync got to."""

    async def meta(self, key: str) -> tuple[str, datetime] | None:
        """A stored value and when it was set."""

    async def set_meta(self, key: str, value: str) -> None:
        """Store a value under `key`."""

    async def count_present(self) -> int:
        """Mirrored assets neither trashed nor gone."""

    async def count_by_user(self) -> dict[str, int]:
        """Mirrored assets neither trashed nor gone, per API key label."""

    async def links(self) -> list[AssetLink]:
        """Every asset not gone (a full read)."""

    async def paths_outside(self, folders: Sequence[str]) -> list[str]:
        """Immich paths of assets not gone that lie in none of `folders` (no trailing slash)."""

    async def input_changes(self) -> int:
        """How many changes were ever made to the analysis inputs, the asset mirror among
        them: while it stands still, no asset changed."""

    async def links_of(self, ids: Sequence[str]) -> list[AssetLink]:
        """The given assets, unless gone."""

    async def orientations(self, ids: Sequence[str]) -> dict[str, str]:
        """The EXIF orientation Immich reported for each of these assets that has one."""


class FileInventory(Protocol):
    """Media roots and the files found under them, with their moves."""

    async def root(self, path: str) -> Root:
        """The root for an absolute folder, created on first use."""

    async def forget_root(self, path: str) -> int | None:
        """Drop a root and its file records; how many records went (None: no such root)."""

    async def roots(self) -> list[Root]:
        """Every known root."""

    async def known_in_dirs(
        self, root_id: int, rel_dirs: Sequence[str]
    ) -> dict[str, list[KnownFile]]:
        """The records of several folders of a root, per folder."""

    async def count_present_under(self, root_id: int, rel_dir: str) -> int:
        """Present records in a folder and its subfolders."""

    async def record_count(self) -> int:
        """How many records (any state) the inventory holds."""

    async def pause_hash_index(self) -> None:
        """Drop the content-hash index while many records are written (built again after)."""

    async def restore_hash_index(self) -> None:
        """Build the content-hash index again if it was dropped (no-op when it is there)."""

    async def touch(self, ids: Sequence[int], generation: int) -> None:
        """Mark unchanged records as seen by this scan."""

    async def touch_dirs(self, root_id: int, rel_dirs: Sequence[str], generation: int) -> None:
        """Mark folders whose present records were all seen unchanged by this scan."""

    async def touch_subtree(self, root_id: int, rel_dir: str, generation: int) -> None:
        """Keep records under an unreadable folder from being taken as removed."""

    async def write_hashed(self, files: Sequence[HashedFile], generation: int) -> None:
        """Insert new paths and update changed ones in one transaction."""

    async def vanished(self, root: Root, rel_dir: str, generation: int) -> list[MoveCandidate]:
        """Present records in scope not seen by scan `generation`."""

    async def seen_with_hashes(self, hashes: Sequence[str], generation: int) -> list[MoveCandidate]:
        """Records seen by scan `generation` holding any of these contents."""

    async def settle(
        self, moves: Sequence[tuple[int, int]], removed: Sequence[int], op_id: int
    ) -> None:
        """Apply moves and removals found by a scan, in one transaction."""

    async def present_dirs(self, root_id: int) -> list[str]:
        """The folders of a root that hold present records."""

    async def remove_dirs(self, root_id: int, rel_dirs: Sequence[str]) -> int:
        """Mark the present records of these folders (not their subfolders) removed."""

    async def all_files(self) -> list[tuple[str, str | None, str | None, str, str]]:
        """(path, content hash, algorithm, state, kind) of every record."""

    async def all_moves(self) -> list[tuple[str, str]]:
        """(from, to) of every recorded move."""

    async def counts(self) -> dict[str, int]:
        """How many files, removed files and assets the inventory holds."""


class MarkBook(Protocol):
    """What people marked in Immich: album members, root tags, favourites, ratings."""

    async def album_signatures(self, sync_key: str) -> dict[str, str]:
        """Album id -> the signature it had when its members were last read."""

    async def replace_album(
        self, sync_key: str, album_id: str, name: str, signature: str, asset_ids: Iterable[str]
    ) -> None:
        """An album's name and members as just read."""

    async def drop_albums(self, sync_key: str, album_ids: Collection[str]) -> None:
        """Forget albums this key no longer sees."""

    async def replace_tags(
        self, sync_key: str, tags: Mapping[str, tuple[str, Collection[str]]]
    ) -> int:
        """The root tags a key sees, as just read (tag id -> name, asset ids)."""

    async def marks(self) -> dict[str, Marks]:
        """Every asset (not gone) a person marked, by asset id."""

    async def marks_of(self, ids: Iterable[str]) -> dict[str, Marks]:
        """`marks` of these assets only."""
