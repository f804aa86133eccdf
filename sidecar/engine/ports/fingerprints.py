"""Port to the fingerprints of contents, the media they describe and the look-alike edges
between them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sidecar.engine.core.models import FingerprintRow, MediaItem, NearEdge


class Fingerprints(Protocol):
    """Fingerprints by content, the present media with theirs, and look-alike edges."""

    async def unfingerprinted(self, after: str = "", limit: int = -1) -> list[tuple[str, str, str]]:
        """(content hash, one path, kind) of present media with no fingerprint yet, in content
        order after `after`, at most `limit` (-1: all)."""

    async def unfingerprinted_count(self) -> int:
        """How many contents `unfingerprinted` lists."""

    async def save_fingerprints(self, rows: Sequence[FingerprintRow]) -> None:
        """Store fingerprints, keyed by content."""

    async def media(self) -> list[MediaItem]:
        """Every present image and RAW file with its fingerprint."""

    async def hashed_contents(self) -> list[tuple[str, int, int, tuple[int, ...]]]:
        """(content hash, pHash, dHash, centre-view hashes) of every fingerprint."""

    async def hash_page_count(self) -> int:
        """How many pages of packed hash records (engine.core.hash_records) cover every
        fingerprint."""

    async def hash_pages(self, first: int, count: int) -> list[bytes]:
        """The packed hash records of pages first .. first + count - 1 (empty ones left out)."""

    async def hash_records_of(self, keys: Sequence[str]) -> bytes:
        """The packed hash records of the given contents that have hashes."""

    async def contents_of_rows(self, rows: Sequence[int]) -> dict[int, str]:
        """Row id (as in a hash record) -> content, for the given rows."""

    async def side_views(self) -> dict[str, bytes]:
        """Content hash -> its one-sided views' hashes, packed as stored."""

    async def thumbs_of(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The small thumbnails of the given contents that have one."""

    async def fingerprints_of(
        self, keys: Sequence[str]
    ) -> dict[str, tuple[int | None, int | None, str | None, bool]]:
        """pHash, dHash, error and "has centre views" of the given content keys."""

    async def edges(self) -> list[NearEdge]:
        """Every stored look-alike edge."""

    async def add_edges(self, edges: Sequence[NearEdge], *, replace_all: bool = False) -> None:
        """Store edges; of two between the same contents the closer one is kept."""

    async def edge_plan(self) -> str | None:
        """The settings the stored edges were found with."""

    async def set_edge_plan(self, plan: str) -> None:
        """Record the settings the stored edges were found with."""
