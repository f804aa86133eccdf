"""Scan: bring the inventory in line with the media folders (the diff is `engine.core.reconcile`).

Two tiers: a file whose (size, mtime_ns) match its record is only marked with the current scan
generation (the operation id); new or changed files are content-hashed in a worker pool. After
every walk of a run, records of older generations in the scanned scopes are the vanished
files: those whose content reappeared at a new path are moves (the record keeps its identity),
the rest are marked removed. An interrupted run commits whole batches only and never sweeps, so
the next run simply finishes the job.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from sidecar.engine.core.reconcile import ScanCounts
from sidecar.engine.core.stopping import stopped
from sidecar.engine.ports import FileInventory, OperationLog
from sidecar.engine.services.scan.run import ProgressCallback, ScanRun
from sidecar.engine.support.errors import ScanBusyError, ScanPathError
from sidecar.engine.support.locks import ExclusiveLock
from sidecar.engine.support.scopes import (
    ScanArea,
    ScanScope,
    absolute,
    configured_scopes,
    resolve_scopes,
)
from sidecar.settings import Settings

KIND = "scan"
log = logging.getLogger(__name__)


@dataclass(slots=True)
class ScanReport:
    op_id: int
    counts: ScanCounts
    duration_s: float
    error_details: list[tuple[str, str]]
    scopes: list[str]

    def as_json(self) -> dict[str, object]:
        return {
            "op_id": self.op_id,
            **asdict(self.counts),
            "duration_s": round(self.duration_s, 3),
            "error_details": [{"path": p, "reason": r} for p, r in self.error_details],
            "scopes": self.scopes,
        }


class ScanService:
    """Runs scans against the inventory; one at a time per state folder."""

    def __init__(
        self, files: FileInventory, operations: OperationLog, settings: Settings, lock: Path
    ) -> None:
        self.files = files
        self.operations = operations
        self.config = settings
        self.settings = settings.scan
        self.lock = lock

    async def scan_paths(
        self, paths: Sequence[Path], progress: ProgressCallback | None = None
    ) -> ScanReport:
        """Scan the given folders, or every configured library when `paths` is empty."""
        known = [root.path for root in await self.files.roots()]
        scopes = resolve_scopes(paths, self.config, known)
        return await self.scan(scopes, progress, full=not paths)

    async def forget(self, folder: Path) -> int:
        """Forget a folder scanned by PATH (a typo, a folder no longer wanted): its records
        leave the inventory, nothing on disk is touched. Configured libraries are refused:
        the next scan would add them again."""
        path = absolute(folder)
        configured = {s.root for s in configured_scopes(self.config)}
        if path in configured:
            raise ScanPathError(
                f"{path} is a configured library: remove its [[libraries]] entry instead"
            )
        with ExclusiveLock(self.lock) as held:
            if not held:
                raise ScanBusyError("a scan is running on this inventory; try again later")
            dropped = await self.files.forget_root(path)
        if dropped is None:
            known = ", ".join(r.path for r in await self.files.roots()) or "none"
            raise ScanPathError(f"{path} is not a scanned folder (known: {known})")
        return dropped

    async def scan_changed(self, folders: Sequence[Path]) -> ScanReport | None:
        """Rescan folders where files changed (the daemon's watcher), keeping exactly to what
        a full scan covers; None when none of them is inside it."""
        area = ScanArea(self.config)
        scopes: list[ScanScope] = []
        for folder in folders:
            scope = area.scope_of(folder)
            if scope is not None and scope not in scopes:
                scopes.append(scope)
        return await self.scan(scopes) if scopes else None

    async def scan(
        self,
        scopes: Sequence[ScanScope],
        progress: ProgressCallback | None = None,
        full: bool = False,
    ) -> ScanReport:
        """Reconcile `scopes`; a `full` scan of the configured libraries also marks records
        outside what it covers removed (e.g. Immich's thumbs/, an ignored folder)."""
        with ExclusiveLock(self.lock) as held:
            if not held:
                raise ScanBusyError("another scan is running on this inventory; try again later")
            await self.operations.mark_interrupted(KIND)
            return await self._scan(scopes, progress or (lambda _p: None), full)

    async def _remove_outside(self, run: ScanRun) -> None:
        """Records under a configured library but outside its scan area are not media the
        scan looks after: mark them removed (the inventory only; nothing on disk)."""
        area = ScanArea(self.config)
        wanted = area.roots()
        for root in await self.files.roots():
            if root.path not in wanted:
                continue
            outside = [
                d for d in await self.files.present_dirs(root.id) if not area.covers(root.path, d)
            ]
            if outside:
                removed = await self.files.remove_dirs(root.id, outside)
                run.counts.removed += removed
                log.info(
                    "scan: %d record(s) in %d folder(s) of %s outside the scan area marked removed",
                    removed,
                    len(outside),
                    root.path,
                )

    async def _scan(
        self, scopes: Sequence[ScanScope], progress: ProgressCallback, full: bool
    ) -> ScanReport:
        started = time.monotonic()
        op_id = await self.operations.start(KIND, {"scopes": [s.path for s in scopes]})
        pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="hash")
        small_pool = ThreadPoolExecutor(1, thread_name_prefix="hash-small")
        run = ScanRun(self.files, self.settings, op_id, pool, progress, small_pool)
        run.event("start")
        status, message = "failed", None
        try:
            await run.prepare()
            for scope in scopes:
                await run.walk(scope)
            await run.restore_index()
            await run.settle()
            if full:
                await self._remove_outside(run)
            status = "ok"
        except (asyncio.CancelledError, KeyboardInterrupt):
            status, message = "interrupted", stopped("the files recorded so far are kept")
            raise
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            run.cancel_pending()
            pool.shutdown(wait=False, cancel_futures=True)
            small_pool.shutdown(wait=False, cancel_futures=True)
            await asyncio.shield(run.restore_index())
            duration = time.monotonic() - started
            await asyncio.shield(self._record(op_id, run, status, duration, message))
            run.event("done")
        return ScanReport(op_id, run.counts, duration, run.errors, [s.path for s in scopes])

    async def _record(
        self, op_id: int, run: ScanRun, status: str, duration: float, message: str | None
    ) -> None:
        await self.operations.add_errors(op_id, run.errors)
        await self.operations.finish(op_id, status, asdict(run.counts), duration, message)
