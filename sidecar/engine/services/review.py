"""What the review TUI reads and decides, through the same services the daemon uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sidecar.engine.preview import Pixel, pixel_grid, thumbnail
from sidecar.engine.services.analyze import AnalyzeService
from sidecar.engine.services.errors import JobError
from sidecar.engine.services.jobs import JobsService
from sidecar.engine.services.reconcile import Reconciler
from sidecar.engine.services.status import StatusService
from sidecar.engine.services.sync import SyncService
from sidecar.engine.services.writeback import WritebackService, WritePlan
from sidecar.engine.store.analysis import AnalysisStore, Member, StoredGroup, StoredPair
from sidecar.engine.store.jobs import JobState

__all__ = ["Dashboard", "Member", "ReviewService", "StoredGroup", "StoredPair", "WritePlan"]


@dataclass(slots=True)
class Dashboard:
    files: int
    files_removed: int
    assets: int
    roots: list[str]
    groups: dict[str, int]
    pairs: dict[str, int]
    jobs: list[JobState] = field(default_factory=list)
    watcher: str = "off"
    heartbeat: str | None = None
    drift: dict[str, int] = field(default_factory=dict)
    trash_pending: int = 0
    per_user: dict[str, int] = field(default_factory=dict)


class ReviewService:
    def __init__(
        self, status: StatusService, analysis: AnalysisStore, writeback: WritebackService,
        jobs: JobsService, sync: SyncService, reconciler: Reconciler, analyze: AnalyzeService,
    ) -> None:  # fmt: skip
        self.status = status
        self.analysis = analysis
        self.writeback = writeback
        self.jobs = jobs
        self.sync_service = sync
        self.reconciler = reconciler
        self.analyze_service = analyze

    async def dashboard(self) -> Dashboard:
        report = await self.status.report(limit=0)
        drift: dict[str, int] = {}
        latest = ""
        for job in report.jobs:
            if job.counts.get("drift") and (job.last_ended or "") > latest:
                drift, latest = job.counts["drift"], job.last_ended or ""
        return Dashboard(
            files=report.files, files_removed=report.files_removed, assets=report.assets,
            roots=report.roots, groups=await self.analysis.group_counts(),
            pairs=await self.analysis.pair_counts(), jobs=report.jobs, watcher=report.watcher,
            heartbeat=report.heartbeat, drift=drift,
            trash_pending=len(await self.writeback.journal.trash_decided()),
            per_user=await self.writeback.assets.count_by_user(),
        )  # fmt: skip

    async def groups(self, offset: int, limit: int, sort: str = "reclaim",
                     tier: str | None = None) -> list[StoredGroup]:  # fmt: skip
        return await self.analysis.groups(limit, offset, sort, tier)

    async def pairs(self, offset: int, limit: int) -> list[StoredPair]:
        return await self.analysis.pairs(limit, offset)

    async def not_duplicates(self, group: StoredGroup) -> None:
        """Persisted: later analyses never group these members again."""
        await self.analysis.decide("not_duplicates", [m.key for m in group.members],
                                   note=f"review: {group.tier} group {group.id}")  # fmt: skip

    async def keep(self, group: StoredGroup, keeper: str) -> list[str]:
        """Keep `keeper`; the other members go to the trash queue (nothing is written to
        Immich until `apply --trash-decided`). Returns the queued asset ids."""
        others = [m.asset_id for m in group.members if m.key != keeper and m.asset_id]
        if not others:
            raise ValueError("only Immich assets can be queued for the trash (local mode)")
        return await self.writeback.decide_trash(others, f"review: kept {keeper}")

    async def stack_instead(self, group: StoredGroup) -> list[str]:
        """Stack the group's Immich assets (the keeper on top) instead of trashing copies;
        the next plan/apply creates the stack."""
        ids = [m.asset_id for m in group.members if m.asset_id]
        keeper = next((m.asset_id for m in group.members if m.key == group.keeper), None)
        if len(ids) < 2 or keeper is None:
            raise ValueError("only Immich assets can be stacked (local mode)")
        ordered = [keeper, *[i for i in ids if i != keeper]]
        await self.writeback.stack_instead(ordered, group.owner)
        return ordered

    async def albums(self, group: StoredGroup) -> dict[str, list[str]]:
        """Album names per member asset, read from Immich (each owner's own key)."""
        ids = [m.asset_id for m in group.members if m.asset_id]
        if not ids:
            return {}
        links = await self.writeback.assets.links_of(ids)
        keys = dict(self.writeback.settings.user_keys())
        out: dict[str, list[str]] = {}
        for label in {link.sync_key for link in links if link.sync_key in keys}:
            client = self.writeback.connect(keys[label])  # one client per user's key
            try:
                for link in links:
                    if link.sync_key == label:
                        out[link.id] = sorted(a.name for a in await client.albums_of(link.id))
            finally:
                await client.aclose()
        return out

    async def reject_pair(self, pair: StoredPair) -> None:
        """Not a pair: never formed again (persisted)."""
        await self.analysis.decide_pair([m.key for m in pair.members], "reject", None)

    async def choose_primary(self, pair: StoredPair, primary: str) -> None:
        await self.analysis.decide_pair([m.key for m in pair.members], "primary", primary)

    async def run_sync(self) -> Any:
        report = await self.sync_service.sync()
        if report.errors:
            raise JobError("; ".join(report.errors))
        return report.as_json()

    async def run_scan(self) -> Any:
        return (await self.reconciler.scan_paths([])).as_json()

    async def run_analyze(self) -> Any:
        return (await self.analyze_service.analyze()).as_json()

    def preview(self, path: str | None, cols: int, rows: int) -> list[list[Pixel]] | None:
        """Blocking (decodes a file): call it from a worker thread."""
        return pixel_grid(path, cols, rows) if path else None

    def thumbnail(self, path: str | None, max_side: int) -> Any:
        """A reduced PIL image, for terminals with sixel or kitty graphics (blocking)."""
        return thumbnail(path, max_side) if path else None
