"""Port to the part of the analysis a partial regroup reads and rewrites (the touched-inputs
log, media, edges and assets of some contents and folders, the stored results holding some
members), and the whole-library counts a report gives."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from sidecar.engine.core.models import AssetLink, MediaItem, Member, NearEdge
from sidecar.engine.core.touched import Key

Place = tuple[int, str, str]  # root_id, rel_dir, name
Folder = tuple[int, str]  # root_id, rel_dir
GroupRow = tuple[str, str, str, list[str], int, int, list[Member]]
PairRow = tuple[str, str, str, list[str], list[Member]]


class RegroupScope(Protocol):
    async def last_touched(self) -> int:
        """The id of the last touched-input row (0: none); starts the log if need be."""

    async def count_touched(self, upto: int) -> int:
        """How many touched rows there are up to `upto` (those before the stored results'
        were deleted when they were stored)."""

    async def touched(self, upto: int) -> list[tuple[str, Key]]:
        """(kind, key) of the touched rows up to `upto`, the JSON keys decoded."""

    async def forget_touched(self, upto: int) -> None:
        """Delete the touched rows up to `upto` (results made from them are stored)."""

    async def touch_assets(self, assets: Sequence[AssetLink]) -> None:
        """Log these assets as touched (the next run looks at them again)."""

    async def root_paths(self) -> dict[int, str]:
        """Root id -> its path."""

    async def contents_at(self, places: Iterable[Place]) -> dict[Place, str]:
        """The content of the present files at these places."""

    async def neighbours(self, contents: Iterable[str]) -> set[str]:
        """Contents a stored near edge links to any of these."""

    async def edges_from(self, contents: Iterable[str]) -> list[NearEdge]:
        """The stored edges whose first end is one of these."""

    async def media_of(self, contents: Iterable[str]) -> list[tuple[Folder, MediaItem]]:
        """Present media files with these contents, with their folder."""

    async def media_in(self, folders: Iterable[Folder]) -> list[tuple[Folder, MediaItem]]:
        """Present media files directly in these folders."""

    async def burst_named(self) -> list[tuple[Folder, str]]:
        """Folder and name of the media files whose name may hold a burst tag."""

    async def links_at(self, immich_paths: Iterable[str]) -> list[AssetLink]:
        """Assets (not gone) at these Immich paths."""

    async def results_holding(
        self, keys: Iterable[str]
    ) -> tuple[set[int], set[int], list[tuple[str, str | None]]]:
        """Stored groups and pairs with any of these member keys, and all their members."""

    async def swap_part(
        self,
        op_id: int,
        drop: tuple[set[int], set[int]],
        groups: Sequence[GroupRow],
        pairs: Sequence[PairRow],
        touched_upto: int,
    ) -> None:
        """Replace some groups and pairs, and forget the touched rows, in one transaction."""

    async def reclaimable(self) -> int:
        """Bytes the stored exact and near groups would free."""

    async def count_media(self) -> int:
        """How many media files an analysis compares."""
