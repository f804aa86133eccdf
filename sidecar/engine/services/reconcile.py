"""Disk reconciliation: bring the inventory in line with the media folders.

Two tiers: a file whose (size, mtime_ns) match its record is only marked with the current scan
generation (the operation id); new or changed files are content-hashed in a worker pool. After
every walk of a run, records of older generations in the scanned scopes are the vanished
files: those whose content reappeared at a new path are moves (the record keeps its identity),
the rest are marked removed. An interrupted run commits whole batches only and never sweeps, so
the next run simply finishes the job.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from sidecar.engine.core.reconcile import ScanCounts
from sidecar.engine.services.locks import ExclusiveLock
from sidecar.engine.services.scan_run import ProgressCallback, ScanProgress, ScanRun
from sidecar.engine.services.scopes import ScanScope, resolve_scopes
from sidecar.engine.store.files import FileStore
from sidecar.engine.store.operations import OperationStore
from sidecar.settings import Settings

__all__ = ["ProgressCallback", "Reconciler", "ScanBusyError", "ScanProgress", "ScanReport"]

KIND = "scan"


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


class ScanBusyError(Exception):
    """Another scan holds the lock."""


class Reconciler:
    """Runs reconciliation scans against the inventory; one at a time per state folder."""

    def __init__(
        self, files: FileStore, operations: OperationStore, settings: Settings, lock: Path
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
        return await self.scan(resolve_scopes(paths, self.config, known), progress)

    async def scan(
        self, scopes: Sequence[ScanScope], progress: ProgressCallback | None = None
    ) -> ScanReport:
        with ExclusiveLock(self.lock) as held:
            if not held:
                raise ScanBusyError("another scan is running on this inventory; try again later")
            await self.operations.mark_interrupted(KIND)
            return await self._scan(scopes, progress or (lambda _p: None))

    async def _scan(self, scopes: Sequence[ScanScope], progress: ProgressCallback) -> ScanReport:
        started = time.monotonic()
        op_id = await self.operations.start(KIND, {"scopes": [s.path for s in scopes]})
        pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="hash")
        run = ScanRun(self.files, self.settings, op_id, pool, progress)
        run.event("start")
        status, message = "failed", None
        try:
            for scope in scopes:
                await run.walk(scope)
            await run.settle()
            status = "ok"
        except (asyncio.CancelledError, KeyboardInterrupt):
            status, message = "interrupted", "the run was cancelled"
            raise
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            run.cancel_pending()
            pool.shutdown(wait=False, cancel_futures=True)
            duration = time.monotonic() - started
            await asyncio.shield(self._record(op_id, run, status, duration, message))
            run.event("done")
        return ScanReport(op_id, run.counts, duration, run.errors, [s.path for s in scopes])

    async def _record(
        self, op_id: int, run: ScanRun, status: str, duration: float, message: str | None
    ) -> None:
        await self.operations.add_errors(op_id, run.errors)
        await self.operations.finish(op_id, status, asdict(run.counts), duration, message)
