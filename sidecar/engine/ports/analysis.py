"""Port to what analysis keeps: fingerprints, look-alike edges, the latest groups and pairs,
and the decisions people made about them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sidecar.engine.core.models import (
    FingerprintRow,
    GroupDecision,
    MediaItem,
    Member,
    NearEdge,
    PairDecision,
    StoredGroup,
    StoredPair,
)

GroupResult = tuple[str, str, str, list[str], int, int, list[Member]]
PairResult = tuple[str, str, str, list[str], list[Member]]


class AnalysisResults(Protocol):
    """Fingerprints, edges, the latest analysis results and people's decisions."""

    async def unfingerprinted(self) -> list[tuple[str, str, str]]:
        """(content hash, one path, kind) of present media with no fingerprint yet."""

    async def save_fingerprints(self, rows: Sequence[FingerprintRow]) -> None:
        """Store fingerprints, keyed by content."""

    async def media(self) -> list[MediaItem]:
        """Every present image and RAW file with its fingerprint."""

    async def replace_results(
        self, op_id: int, groups: Sequence[GroupResult], pairs: Sequence[PairResult]
    ) -> None:
        """Swap in the groups and pairs of a new analysis."""

    async def groups(
        self,
        limit: int = 100_000,
        offset: int = 0,
        sort: str = "reclaim",
        tier: str | None = None,
        *,
        text: str = "",
        only: Sequence[int] | None = None,
        skip: Sequence[int] | None = None,
    ) -> list[StoredGroup]:
        """A page of the latest groups (of a tier, with a member whose path contains `text`,
        among `only`, not among `skip`)."""

    async def count_groups(
        self,
        tier: str | None = None,
        *,
        text: str = "",
        only: Sequence[int] | None = None,
        skip: Sequence[int] | None = None,
    ) -> int:
        """How many groups `groups` shows with these filters."""

    async def group_ids(
        self,
        tier: str | None = None,
        *,
        text: str = "",
        only: Sequence[int] | None = None,
        skip: Sequence[int] | None = None,
    ) -> list[int]:
        """The ids of the groups `groups` shows with these filters."""

    async def groups_holding(
        self, asset_ids: Sequence[str] = (), keys: Sequence[str] = ()
    ) -> list[int]:
        """Ids of the groups with one of these assets or member keys."""

    async def groups_queued(self) -> list[int]:
        """Ids of the groups with a member in the trash queue."""

    async def groups_by_id(self, ids: Sequence[int]) -> list[StoredGroup]:
        """These groups, by id."""

    async def groups_with_assets(self, asset_ids: Sequence[str]) -> list[StoredGroup]:
        """The latest groups that have any of these Immich assets as a member."""

    async def pairs(self, limit: int = 100_000, offset: int = 0) -> list[StoredPair]:
        """A page of the latest pairs."""

    async def count_pairs(self) -> int:
        """How many pairs there are."""

    async def hashed_contents(self) -> list[tuple[str, int, int, tuple[int, ...]]]:
        """(content hash, pHash, dHash, centre-view hashes) of every fingerprint."""

    async def fingerprints_of(
        self, keys: Sequence[str]
    ) -> dict[str, tuple[int | None, int | None, str | None, bool]]:
        """pHash, dHash, error and "has centre views" of the given content keys."""

    async def edges(self) -> list[NearEdge]:
        """Every stored look-alike edge."""

    async def add_edges(self, edges: Sequence[NearEdge], *, replace_all: bool = False) -> None:
        """Store edges; of two between the same contents the closer one is kept."""

    async def decide_pair(
        self, members: Sequence[str], kind: PairDecision, primary: str | None
    ) -> None:
        """Record a person's decision about a pair."""

    async def undecide_pair(self, members: Sequence[str]) -> None:
        """Forget a person's decision about a pair."""

    async def pair_decisions(self) -> dict[frozenset[str], tuple[PairDecision, str | None]]:
        """Members -> (decision, primary) of every decided pair."""

    async def results_stamp(self) -> tuple[int | None, int | None]:
        """Which analysis the stored groups and pairs come from."""

    async def group_counts(self) -> dict[str, int]:
        """Latest groups per tier."""

    async def pair_counts(self) -> dict[str, int]:
        """Latest pairs per kind."""

    async def published_duplicate_ids(self) -> frozenset[str]:
        """Duplicate ids write-back gave to groups in Immich (still standing)."""

    async def edge_plan(self) -> str | None:
        """The settings the stored edges were found with."""

    async def set_edge_plan(self, plan: str) -> None:
        """Record the settings the stored edges were found with."""

    async def decisions(self) -> list[tuple[GroupDecision, list[str]]]:
        """(decision, members) of every group decision."""

    async def decide(
        self, kind: GroupDecision, members: Sequence[str], note: str | None = None
    ) -> None:
        """Record a person's decision about a group."""

    async def undecide(self, kind: GroupDecision, members: Sequence[str]) -> None:
        """Forget a person's decision about a group."""
