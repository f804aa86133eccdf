"""Port to what analysis keeps: its results as one swap, the decisions people made about
groups, and (each its own port) fingerprints and edges, group views, pairs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sidecar.engine.core.models import GroupDecision, Member
from sidecar.engine.ports.fingerprints import Fingerprints
from sidecar.engine.ports.group_views import GroupViews
from sidecar.engine.ports.pairs import Pairs
from sidecar.engine.ports.remote import RemoteMembers
from sidecar.engine.ports.scope import RegroupScope
from sidecar.engine.ports.video_prints import VideoPrints

GroupResult = tuple[str, str, str, list[str], int, int, list[Member]]
PairResult = tuple[str, str, str, list[str], list[Member]]


class AnalysisResults(
    Fingerprints, GroupViews, Pairs, RegroupScope, RemoteMembers, VideoPrints, Protocol
):
    """Fingerprints, edges, the latest analysis results and people's decisions."""

    async def replace_results(
        self, op_id: int, groups: Sequence[GroupResult], pairs: Sequence[PairResult]
    ) -> None:
        """Swap in the groups and pairs of a new analysis."""

    async def results_stamp(self) -> tuple[int | None, int | None]:
        """Which analysis the stored groups and pairs come from."""

    async def input_changes(self) -> int:
        """How many changes were ever made to what the analysis reads."""

    async def analysis_basis(self) -> str | None:
        """What the stored results were made from (as the analysis recorded it)."""

    async def set_analysis_basis(self, basis: str) -> None:
        """Record what the stored results were made from."""

    async def replace_semantic(self, op_id: int, groups: Sequence[GroupResult]) -> None:
        """Swap only the semantic tier (Immich's own groups)."""

    async def group_counts(self) -> dict[str, int]:
        """Latest groups per tier."""

    async def published_duplicate_ids(self) -> frozenset[str]:
        """Duplicate ids write-back gave to groups in Immich (still standing)."""

    async def decisions(self) -> list[tuple[GroupDecision, list[str]]]:
        """(decision, members) of every group decision."""

    async def decide(
        self, kind: GroupDecision, members: Sequence[str], note: str | None = None
    ) -> None:
        """Record a person's decision about a group."""

    async def undecide(self, kind: GroupDecision, members: Sequence[str]) -> None:
        """Forget a person's decision about a group."""
