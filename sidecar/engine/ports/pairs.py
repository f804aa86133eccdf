"""Port to the latest pairs and the decisions people made about them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from sidecar.engine.core.models import PairDecision, StoredPair


class Pairs(Protocol):
    """The latest pairs, their counts, and people's decisions about pairs."""

    async def pairs(self, limit: int = 100_000, offset: int = 0) -> list[StoredPair]:
        """A page of the latest pairs."""

    def each_pair(self, page: int = 500) -> AsyncIterator[list[StoredPair]]:
        """Every latest pair in the order of `pairs`, a page at a time."""

    async def count_pairs(self) -> int:
        """How many pairs there are."""

    async def pair_counts(self) -> dict[str, int]:
        """Latest pairs per kind."""

    async def decide_pair(
        self, members: Sequence[str], kind: PairDecision, primary: str | None
    ) -> None:
        """Record a person's decision about a pair."""

    async def undecide_pair(self, members: Sequence[str]) -> None:
        """Forget a person's decision about a pair."""

    async def pair_decisions(self) -> dict[frozenset[str], tuple[PairDecision, str | None]]:
        """Members -> (decision, primary) of every decided pair."""
