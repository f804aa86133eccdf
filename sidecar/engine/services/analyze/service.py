"""Analysis: fingerprint new content, then rebuild duplicate groups and pairs: only those the
changes since the stored results reach (`partial`) when they can be, else all.

This module reads (the inventory, Immich's albums, tags and own duplicate groups), updates the
look-alike edges between contents, and writes the results; what the members are and how they
group is decided in core (`engine.core.candidates`, `engine.core.grouping`).
"""

from __future__ import annotations

import asyncio
import logging
import posixpath
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from typing import Any

from sidecar.engine.core.candidates import library, remote_member
from sidecar.engine.core.drift import AssetView
from sidecar.engine.core.grouping import (
    GroupingRules,
    GroupRow,
    decisions_from,
    find_groups,
    semantic_row,
)
from sidecar.engine.core.models import AssetLink, MediaItem, Member
from sidecar.engine.core.pairing import PairingRules
from sidecar.engine.core.stopping import stopped
from sidecar.engine.ports import (
    AnalysisResults,
    AssetInventory,
    ClientFactory,
    MarkBook,
    OperationLog,
)
from sidecar.engine.services.analyze.album_marks import sync_albums
from sidecar.engine.services.analyze.basis import Basis, BasisBook, Prior, rows_digest
from sidecar.engine.services.analyze.edges import edge_plan, update_edges
from sidecar.engine.services.analyze.fingerprints import Fingerprinter
from sidecar.engine.services.analyze.immich_pixels import ImmichThumbnails
from sidecar.engine.services.analyze.partial import regroup_part
from sidecar.engine.services.analyze.remote_fingerprints import (
    fingerprint_remote,
    remote_assets,
)
from sidecar.engine.services.analyze.remote_members import (
    motion_parts,
    refresh_members,
    remote_items,
)
from sidecar.engine.services.analyze.scope import touched_seeds
from sidecar.engine.services.analyze.tag_marks import sync_tags
from sidecar.engine.services.analyze.video_edges import video_edge_plan
from sidecar.engine.support.paths import asset_views
from sidecar.immich_client import ImmichError
from sidecar.immich_client.models import Asset
from sidecar.settings import Settings

KIND = "analyze"
AnalysisProgress = Callable[[str, int, int], None]
log = logging.getLogger(__name__)


@dataclass(slots=True)
class AnalysisReport:
    op_id: int
    fingerprinted: int = 0
    fingerprint_failures: int = 0
    videos_fingerprinted: int = 0  # of `fingerprinted`: local videos
    video_failures: int = 0  # of `fingerprint_failures`: local videos
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): this run's
    media: int = 0
    exact_groups: int = 0
    near_groups: int = 0
    pairs: dict[str, int] = field(default_factory=dict)
    reclaimable_bytes: int = 0
    duration_s: float = 0.0
    semantic_groups: int = 0
    semantic_error: str | None = None
    remote_error: str | None = None
    remote_pending: int = 0  # assets whose thumbnail Immich has not made yet
    fresh_videos: list[str] = field(default_factory=list, repr=False)  # new remote video prints
    # this run's own writes to the photo fingerprints (one input change each): made, and
    # those of videos an earlier version made removed (video prints are not counted)
    photo_writes: int = field(default=0, repr=False)
    albums_read: int = 0  # Immich albums whose members were read again (new or changed)
    tags_read: int = 0  # Immich root tags whose assets were read (all of them, every run)
    marks_error: str | None = None
    unchanged_since: int | None = None  # nothing changed since this run: its results stand
    regrouped: int = 0  # candidates grouped again (all of them in a full regroup)
    regrouped_all: bool = True  # a full regroup, not only the part the changes reach
    waiting: list[AssetLink] = field(default_factory=list, repr=False)  # (remote_pending's)

    def as_json(self) -> dict[str, Any]:
        return {
            "op_id": self.op_id,
            "fingerprinted": self.fingerprinted,
            "fingerprint_failures": self.fingerprint_failures,
            "videos": {"fingerprinted": self.videos_fingerprinted, "failed": self.video_failures},
            "failures": [{"path": p, "reason": r} for p, r in self.failures],
            "media": self.media,
            "exact_groups": self.exact_groups,
            "near_groups": self.near_groups,
            "semantic_groups": self.semantic_groups,
            "semantic_error": self.semantic_error,
            "remote_error": self.remote_error,
            "remote_pending": self.remote_pending,
            "albums_read": self.albums_read,
            "tags_read": self.tags_read,
            "marks_error": self.marks_error,
            "unchanged_since": self.unchanged_since,
            "regrouped": {"scope": self.regrouped, "full": self.regrouped_all},
            "pairs": self.pairs,
            "reclaimable_bytes": self.reclaimable_bytes,
            "duration_s": round(self.duration_s, 3),
        }


@dataclass(frozen=True, slots=True)
class Whole:
    """What a full regroup reads."""

    media: list[MediaItem]
    views: list[AssetView]
    remote: list[AssetLink]  # with Immich: the assets with no local file to decode
    hidden: set[str] = field(default_factory=set)  # assets never members (live motion parts)


class AnalyzeService:
    def __init__(
        self,
        analysis: AnalysisResults,
        assets: AssetInventory,
        marks: MarkBook,
        operations: OperationLog,
        settings: Settings,
        connect: ClientFactory | None = None,
        executor: Executor | None = None,
    ) -> None:
        """`executor`: what fingerprints the files (any concurrent.futures.Executor, e.g. a
        cluster's; it stays the caller's); None: local worker processes."""
        self.analysis = analysis
        self.assets = assets
        self.marks = marks
        self.operations = operations
        self.settings = settings
        self.connect = connect
        self.executor = executor

    async def analyze(self, progress: AnalysisProgress | None = None) -> AnalysisReport:
        """Fingerprint what is new, then rebuild groups and pairs. `progress(stage, done,
        total)` is told how far it got (stages: fingerprints, grouping). Interrupted
        (Ctrl-C, a stopping daemon), the operation is recorded as such; the fingerprints
        saved so far are kept and not made again."""
        cfg = self.settings.analysis
        say = progress or (lambda _stage, _done, _total: None)
        await self.operations.mark_interrupted(KIND)
        started = time.monotonic()
        op_id = await self.operations.start(KIND, {"near_threshold": cfg.near_threshold})
        report = AnalysisReport(op_id)
        status, message = "failed", None
        try:
            await self._run(op_id, report, say)
            status = "ok"
        except (asyncio.CancelledError, KeyboardInterrupt):
            status, message = "interrupted", stopped("the fingerprints made so far are kept")
            raise
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            report.duration_s = time.monotonic() - started
            counts = {
                "scanned": report.media,
                "added": report.fingerprinted,
                "errors": report.fingerprint_failures,
                "regrouped": report.regrouped,
            }
            if status == "ok" and report.unchanged_since is not None:
                message = f"nothing changed since run #{report.unchanged_since}"
            record = self.operations.finish(op_id, status, counts, report.duration_s, message)
            await asyncio.shield(record)  # recorded even when cancelled again meanwhile
        return report

    def _immich_thumbnails(self) -> ImmichThumbnails | None:
        """Immich's thumbnails for local HEICs without one large enough (uploads are matched
        by content: our content hash must be Immich's SHA-1), looked up file by file."""
        if not self._remote_enabled() or self.connect is None:
            return None
        return ImmichThumbnails(self.analysis, self.settings, self.connect)

    async def _run(self, op_id: int, report: AnalysisReport, say: AnalysisProgress) -> None:
        """Marks first; then, unless nothing the analysis reads changed since the last run,
        fingerprints, edges and groups."""
        cfg = self.settings.analysis
        await self._marks(report)
        book = BasisBook(self.analysis, self.settings, self._remote_enabled())
        basis = await book.current()
        prior = await book.unchanged(basis)
        videos_due = await self.analysis.video_edge_plan() != video_edge_plan(cfg)
        if prior is not None and (videos_due or await self.analysis.unprinted_video_count()):
            prior = None  # videos still to fingerprint (a store from before), or compare again
        if prior is not None:
            say("grouping", 0, 1)
            await self._keep(op_id, report, book, basis, prior)
            say("grouping", 1, 1)
            return
        immich = self._remote_enabled()
        thumbnails = self._immich_thumbnails()
        fingerprinter = Fingerprinter(
            self.analysis,
            cfg.workers,
            cfg.hash_size,
            self.settings.scan.hash_algorithm,
            self.executor,
            thumbnails,
            videos=self.analysis,
        )
        try:
            done, failed, fresh = await fingerprinter.run(
                lambda n, total: say("fingerprints", n, total)
            )
        finally:
            if thumbnails is not None:
                await thumbnails.aclose()
        report.fingerprinted, report.fingerprint_failures = done, failed
        report.videos_fingerprinted = fingerprinter.video_done
        report.video_failures = fingerprinter.video_failed
        report.failures = fingerprinter.failures
        fresh_videos = fingerprinter.fresh_videos
        report.photo_writes += done
        whole_edges = videos_due or await self.analysis.edge_plan() != edge_plan(cfg)
        since = None if whole_edges else await book.partial_since()
        upto: int | None = None
        if since is not None and immich:  # the remote members the changes name, by asset
            upto, todo = await self._touched_remote(since)
            if todo is None:
                since = upto = None
            elif todo:
                await self._fingerprint_remote(report, fresh, todo, fresh_videos)
        whole: Whole | None = None
        if immich and since is None:  # (which assets have no local file: a whole read)
            # taken before reading: what changes meanwhile stays logged for the next run
            upto = await self.analysis.last_touched()
            whole = await self._whole(report, fresh, fresh_videos)
        basis = await book.settled(basis, report.photo_writes)  # (this run's own writes)
        if upto is None:
            upto = await self.analysis.last_touched()  # before reading
        basis = replace(basis, touched=upto)
        say("grouping", 0, 1)
        await update_edges(self.analysis, cfg, fresh, fresh_videos)
        if since is not None and await self._regroup_part(op_id, report, book, basis, since):
            say("grouping", 1, 1)
            return
        if whole is None:  # local mode, or the part was too large after all: a whole read
            more: list[str] = []
            more_videos: list[str] = []
            whole = await self._whole(report, more, more_videos)
            if more or more_videos:
                await update_edges(self.analysis, cfg, more, more_videos)
        await self._rebuild(op_id, report, whole, book, basis)
        say("grouping", 1, 1)

    async def _touched_remote(self, since: Prior) -> tuple[int, list[AssetLink] | None]:
        """The last touched row, and the remote members among the assets the rows up to it
        name (decided again and stored); None when a full regroup is due (too many rows, a
        `full` row, or no remote members stored by a full regroup yet)."""
        upto = await self.analysis.last_touched()
        if not await self.analysis.remote_members_ready():
            return upto, None
        found = await touched_seeds(self.analysis, upto, since.media)
        if found is None:
            return upto, None
        return upto, await refresh_members(self.analysis, self.settings, found)

    async def _whole(
        self, report: AnalysisReport, fresh: list[str], fresh_videos: list[str]
    ) -> Whole:
        """The whole library: every media file, every asset's view and, with Immich, every
        remote member (the missing fingerprints made, their contents added to `fresh`, or
        to `fresh_videos` for videos)."""
        links = await self.assets.links()
        media = await self.analysis.media()  # after local fingerprinting: fresh hashes
        views = asset_views(links, self.settings)  # each path mapped once
        hidden = await motion_parts(self.analysis, links)  # live photos' motion parts
        if not self._remote_enabled():
            return Whole(media, views, [], hidden)
        local = {posixpath.normpath(m.path) for m in media}  # (videos included)
        remote = remote_assets(links, views, local, hidden)
        if remote:
            await self._fingerprint_remote(report, fresh, remote, fresh_videos)
        return Whole(media, views, remote, hidden)

    async def _regroup_part(
        self, op_id: int, report: AnalysisReport, book: BasisBook, basis: Basis, prior: Prior
    ) -> bool:
        """Regroup only what the inputs touched since the stored results reach (see
        `partial`); False when a full regroup is due instead."""
        done = await regroup_part(
            self.analysis,
            self.assets,
            self.marks,
            self.settings,
            self._grouping_rules(),
            op_id,
            basis.touched,
            prior.media,
            self._remote_enabled(),
        )
        if done is None:
            return False
        report.regrouped, report.regrouped_all = done.candidates, False
        report.media, report.pairs = done.media, done.pairs
        report.exact_groups, report.near_groups = done.exact_groups, done.near_groups
        report.reclaimable_bytes = done.reclaimable_bytes
        report.semantic_groups = prior.semantic_groups
        await self._settle(report, book, basis, self._prior(report, prior.semantic))
        return True

    async def _marks(self, report: AnalysisReport) -> None:
        """Album membership and tags, a person's marks for the keeper rules, per API key:
        only albums that changed since the last analysis are read again (sync's quiet run
        stays one request); every root tag is read (one search each). A failure leaves the
        marks last read in place."""
        if not self.settings.immich.url or self.connect is None:
            return
        review = self.settings.writeback.review_album_name
        tag_root = self.settings.writeback.tag_root
        for label, key in self.settings.user_keys():
            client = self.connect(key)
            try:
                albums = await sync_albums(
                    client, self.marks, label, full=False, review_album=review
                )
                report.albums_read += albums.read
                tags = await sync_tags(client, self.marks, label, tag_root)
                report.tags_read += tags.tags
            except ImmichError as exc:
                report.marks_error = f"{label}: {exc}"
                log.info("analysis: albums and tags of %s: %s", label, exc)
            finally:
                await client.aclose()

    async def _fingerprint_remote(
        self,
        report: AnalysisReport,
        fresh: list[str],
        todo: list[AssetLink],
        fresh_videos: list[str] | None = None,
    ) -> None:
        """Fingerprint, from Immich's thumbnails, those of these assets without a local file
        that have none yet."""
        if self.connect is None:
            return
        result = await fingerprint_remote(self.analysis, self.settings, self.connect, todo)
        report.fingerprinted += result.done
        report.fingerprint_failures += result.failed
        report.remote_pending = result.pending
        report.waiting += result.waiting
        report.remote_error = result.error
        report.photo_writes += result.done - result.videos + result.forgotten
        fresh += result.fresh or []
        report.fresh_videos += result.fresh_videos
        if fresh_videos is not None:
            fresh_videos += result.fresh_videos

    def _remote_enabled(self) -> bool:
        return bool(self.settings.immich.url) and self.connect is not None

    async def _rebuild(
        self, op_id: int, report: AnalysisReport, whole: Whole, book: BasisBook, basis: Basis
    ) -> None:
        items = await remote_items(self.analysis, self.settings, whole.remote)
        lib = library(
            whole.media,
            whole.views,
            items,
            await self.marks.marks(),
            tuple(self.settings.analysis.preferred_folders),
            whole.hidden,
        )
        report.media = report.regrouped = len(lib.candidates)
        found = find_groups(
            lib,
            await self.analysis.edges(),
            decisions_from(await self.analysis.decisions()),
            await self.analysis.pair_decisions(),
            self._grouping_rules(),
        )
        report.reclaimable_bytes += found.reclaimable_bytes
        semantic = await self._semantic(report)
        if self._remote_enabled():  # kept for the partial regroups to come
            await self.analysis.replace_remote_members([remote_member(i) for i in items])
        await self.analysis.replace_results(op_id, [*found.groups, *semantic], found.pair_rows)
        await self.analysis.forget_touched(basis.touched)
        report.exact_groups = len(found.exact)
        report.near_groups = len(found.near)
        report.semantic_groups = len(semantic)
        report.pairs = found.pair_counts()
        await self._settle(report, book, basis, self._prior(report, rows_digest(semantic)))

    async def _settle(
        self, report: AnalysisReport, book: BasisBook, basis: Basis, prior: Prior
    ) -> None:
        """The results just stored recorded as made from `basis`. The assets Immich had no
        thumbnail for are logged as touched: the next run asks for them again and regroups
        only their part (a thumbnail Immich never makes, as for a file it cannot decode,
        must not make every later run a full one), and it does not take these results as
        standing unchanged. Immich unreachable meanwhile: the next run is a full one."""
        if report.waiting:
            await self.analysis.touch_assets(report.waiting)
        complete = report.remote_error is None
        await book.record(basis, prior, complete, waiting=bool(report.waiting))

    async def _keep(
        self, op_id: int, report: AnalysisReport, book: BasisBook, basis: Basis, prior: Prior
    ) -> None:
        """Nothing the analysis reads changed since run `prior`: its groups and pairs stand;
        only Immich's own groups (read from Immich each time) are swapped when they moved."""
        log.info("analysis: nothing changed since run #%d", prior.op_id)
        report.unchanged_since = prior.op_id
        report.media, report.pairs = prior.media, dict(prior.pairs)
        report.exact_groups, report.near_groups = prior.exact_groups, prior.near_groups
        report.reclaimable_bytes = prior.reclaimable_bytes
        report.semantic_groups = prior.semantic_groups
        semantic = await self._semantic(report)
        digest = rows_digest(semantic)
        if report.semantic_error is None and digest != prior.semantic:
            await self.analysis.replace_semantic(op_id, semantic)
            report.semantic_groups = len(semantic)
            await book.record(
                basis, replace(prior, semantic=digest, semantic_groups=len(semantic)), True
            )

    @staticmethod
    def _prior(report: AnalysisReport, semantic: str) -> Prior:
        return Prior(
            report.op_id,
            report.media,
            report.exact_groups,
            report.near_groups,
            report.semantic_groups,
            dict(report.pairs),
            report.reclaimable_bytes,
            semantic,
        )

    def _grouping_rules(self) -> GroupingRules:
        cfg = self.settings.analysis
        return GroupingRules(
            keeper_rules=tuple(cfg.keeper_rules),
            near_threshold=cfg.near_threshold,
            pairing=PairingRules(
                time_tolerance_s=cfg.pair_time_tolerance_s,
                burst_gap_s=cfg.burst_gap_s,
                burst_min_frames=cfg.burst_min_frames,
                format_preference=tuple(cfg.format_preference),
            ),
        )

    async def _semantic(self, report: AnalysisReport) -> list[GroupRow]:
        """Immich's own duplicate groups (CLIP-based), as a review-only third tier."""
        if not (
            self.settings.analysis.immich_duplicates
            and self.settings.immich.url
            and self.connect is not None
        ):
            return []
        out: list[GroupRow] = []
        ours = await self.analysis.published_duplicate_ids()
        for label, key in self.settings.user_keys():
            client = self.connect(key)
            try:
                groups = await client.duplicates()
            except ImmichError as exc:
                report.semantic_error = f"{label}: {exc}"
                log.info("analysis: Immich's duplicate groups for %s: %s", label, exc)
                continue
            finally:
                await client.aclose()
            for group in groups:
                if group.duplicate_id in ours:  # a group write-back published: not Immich's
                    continue
                members = [self._asset_member(a) for a in group.assets]
                keeper = (group.suggested_keep_asset_ids or [group.assets[0].id])[0]
                kept = next((a for a in group.assets if a.id == keeper), group.assets[0])
                out.append(semantic_row(members, kept.id, kept.owner_id, kept.original_file_name))
        return out

    def _asset_member(self, asset: Asset) -> Member:
        local = self.settings.map_immich_path(asset.original_path)
        exif = asset.exif
        taken = exif.date_time_original.isoformat() if exif and exif.date_time_original else None
        size = exif.file_size if exif else None
        path = str(local) if local else asset.original_path
        duration = asset.duration_ms if asset.type == "VIDEO" else None
        return Member(asset.id, path, asset.id, size, asset.width, asset.height, taken, duration)
