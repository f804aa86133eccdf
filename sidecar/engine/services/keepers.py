"""Accept the suggested keeper of every undecided duplicate group in a view at once, and take
such a batch back. The other members go to the trash queue (nothing is written to Immich
until `apply --trash-decided`), noted "keepers batch N" so the batch can be revoked as one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sidecar.engine.core.bulk import BulkPlan, plan_keepers
from sidecar.engine.core.verdicts import not_duplicates, verdict
from sidecar.engine.ports import AnalysisResults, AssetInventory, Journal

__all__ = ["BATCH_NOTE", "BulkResult", "External", "KeepersPreview", "KeepersService"]

BATCH_NOTE = "keepers batch "  # + the batch number, the note of each trash decision


@dataclass(slots=True)
class BulkResult:
    batch: int | None  # None when nothing was queued
    groups: int
    queued: list[str]
    bytes: int
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "groups": self.groups,
            "queued_for_trash": len(self.queued),
            "bytes": self.bytes,
            "skipped": [{"group": g, "reason": r} for g, r in self.skipped],
        }


@dataclass(slots=True)
class External:
    """Assets of one external library that a bulk accept would queue for the trash: emptying
    Immich's trash deletes their files from disk. `folders`: folder -> how many (Immich's
    paths), most first."""

    library: str
    assets: int
    folders: list[tuple[str, int]]


@dataclass(slots=True)
class KeepersPreview:
    """What `accept_keepers` would do now, written nowhere: `skipped` counts groups by reason,
    `external` names the external libraries among the assets it would queue."""

    groups: int
    queued: int
    bytes: int
    skipped: dict[str, int]
    external: list[External]


class KeepersService:
    def __init__(self, analysis: AnalysisResults, journal: Journal, assets: AssetInventory) -> None:
        self.analysis = analysis
        self.journal = journal
        self.assets = assets

    async def preview_keepers(
        self,
        tier: str | None = None,
        under: str | None = None,
        only: Collection[int] | None = None,
    ) -> KeepersPreview:
        """The plan `accept_keepers` would record with the same view, for a confirmation."""
        plan = await self._plan(tier, under, only)
        queued = plan.queued
        per_library: dict[str, Counter[str]] = {}
        for link in await self.assets.links_of(queued):
            if link.library_id is not None:
                folder = link.original_path.rsplit("/", 1)[0] or "/"
                per_library.setdefault(link.library_id, Counter())[folder] += 1
        external = [
            External(lib, sum(folders.values()), sorted(folders.items(), key=_most_first))
            for lib, folders in sorted(per_library.items())
        ]
        reasons = Counter(str(reason) for _, reason in plan.skipped)
        return KeepersPreview(len(plan.accepted), len(queued), plan.bytes, dict(reasons), external)

    async def accept_keepers(
        self,
        tier: str | None = None,
        under: str | None = None,
        only: Collection[int] | None = None,
    ) -> BulkResult:
        """One read of the groups, one of the decisions, one batched write. The view: the
        groups of `tier`, with a member under `under`, among the ids `only` (each when given)."""
        plan = await self._plan(tier, under, only)
        skipped = [(g, str(reason)) for g, reason in plan.skipped]
        if not plan.queued:
            return BulkResult(None, 0, [], 0, skipped)
        batch = await self._next_batch()
        await self.journal.decide_trash(plan.queued, f"{BATCH_NOTE}{batch}")
        return BulkResult(batch, len(plan.accepted), plan.queued, plan.bytes, skipped)

    async def _plan(
        self, tier: str | None, under: str | None, only: Collection[int] | None
    ) -> BulkPlan:
        groups = await self.analysis.groups(1 << 62, 0, "id")  # every tier: see plan_keepers
        not_dup, separated = not_duplicates(await self.analysis.decisions())
        stacked = {frozenset(ids) for _, ids in await self.journal.stacks_decided()}
        queued = await self.journal.trash_decided()
        states = {g.id: verdict(g, not_dup, separated, stacked, queued).state for g in groups}
        return plan_keepers(groups, states, queued, tier=tier, prefix=under, only=only)

    async def last_batch(self) -> int | None:
        """The latest keepers batch with an asset still in the trash queue (None: none)."""
        numbers = [
            int(note[len(BATCH_NOTE) :])
            for _, note, status in await self.journal.trash_noted(BATCH_NOTE)
            if note[len(BATCH_NOTE) :].isdigit() and status == "pending"
        ]
        return max(numbers, default=None)

    async def batch_size(self, batch: int) -> tuple[int, int]:
        """How many groups and assets of a batch are still in the trash queue."""
        ids = await self._queued(batch)
        return len(await self.analysis.groups_with_assets(ids)) if ids else 0, len(ids)

    async def _queued(self, batch: int) -> list[str]:
        return [
            a
            for a, note, status in await self.journal.trash_noted(f"{BATCH_NOTE}{batch}")
            if note == f"{BATCH_NOTE}{batch}" and status == "pending"
        ]

    async def undo_keepers(self, batch: int) -> list[str]:
        """Take a batch back: its assets still in the trash queue leave it. Returns them."""
        ids = await self._queued(batch)
        if not ids:
            raise ValueError(f"no asset of keepers batch {batch} is in the trash queue")
        await self.journal.revoke_trash(ids)
        return ids

    async def _next_batch(self) -> int:
        numbers = [
            int(note[len(BATCH_NOTE) :])
            for _, note, _ in await self.journal.trash_noted(BATCH_NOTE)
            if note[len(BATCH_NOTE) :].isdigit()
        ]
        return max(numbers, default=0) + 1


def _most_first(folder: tuple[str, int]) -> tuple[int, str]:
    return -folder[1], folder[0]
