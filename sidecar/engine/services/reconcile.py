"""Disk reconciliation: bring the inventory in line with the media folders.

Two tiers: a file whose (size, mtime_ns) match its record is only marked with the current scan
generation (the operation id); new or changed files are content-hashed in a thread pool. After
every walk of a run, records of older generations in the scanned scopes are the vanished
files: those whose content reappeared at a new path are moves (the record keeps its identity),
the rest are marked removed. An interrupted run commits whole batches only and never sweeps, so
the next run simply finishes the job.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sidecar.engine.core.media import IgnoreMatcher
from sidecar.engine.core.reconcile import Change, ScanCounts, ToHash, diff_directory, pair_moves
from sidecar.engine.disk import DirListing, describe_os_error, hash_file, list_directory
from sidecar.engine.services.locks import ExclusiveLock
from sidecar.engine.services.scopes import ScanScope, resolve_scopes
from sidecar.engine.store.files import FileStore, HashedFile, Root, join_path
from sidecar.engine.store.operations import OperationStore
from sidecar.settings import ScanSettings, Settings

log = logging.getLogger(__name__)

KIND = "scan"


@dataclass(slots=True)
class ScanProgress:
    """Live counters handed to the progress callback."""

    counts: ScanCounts
    event: str = "start"  # start | listed | hashed | settling | done
    path: str = ""
    started: float = field(default_factory=time.monotonic)


ProgressCallback = Callable[[ScanProgress], None]


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


class _Run:
    """State of one reconciliation run."""

    def __init__(
        self, files: FileStore, settings: ScanSettings, op_id: int, progress: ProgressCallback
    ) -> None:
        self.files = files
        self.settings = settings
        self.gen = op_id
        self.progress = ScanProgress(ScanCounts())
        self.counts = self.progress.counts
        self.notify = progress
        self.errors: list[tuple[str, str]] = []
        self.ignore = IgnoreMatcher(settings.ignore_patterns)
        self.pool = ThreadPoolExecutor(settings.concurrency, thread_name_prefix="hash")
        self.in_flight = asyncio.Semaphore(settings.concurrency * 2)
        self.tasks: set[asyncio.Task[None]] = set()
        self.to_touch: list[int] = []
        self.to_write: list[HashedFile] = []
        self.swept: list[tuple[Root, str]] = []  # scopes fully walked, to settle

    def event(self, name: str, path: str = "") -> None:
        self.progress.event, self.progress.path = name, path
        self.notify(self.progress)

    def error(self, path: str, reason: str) -> None:
        self.counts.errors += 1
        self.errors.append((path, reason))
        log.info("scan: %s: %s", path, reason)

    async def walk(self, scope: ScanScope) -> None:
        root = await self.files.root(scope.root)
        if not await asyncio.to_thread(os.path.isdir, scope.path):
            self.error(scope.path, "folder not found (is the volume mounted?); nothing changed")
            return
        stack = [scope.rel_dir]
        unreadable: list[str] = []
        while stack:
            rel_dir = stack.pop()
            listing = await asyncio.to_thread(list_directory, root.path, rel_dir, self.ignore)
            self.event("listed", join_path(root.path, "", rel_dir) if rel_dir else root.path)
            for path, reason in listing.errors:
                self.error(path, reason)
            self.counts.skipped += listing.skipped
            if listing.unreadable:
                unreadable.append(rel_dir)
                continue
            if rel_dir == scope.rel_dir and await self._looks_unmounted(root, listing):
                self.error(scope.path, "folder is empty but the inventory has files there "
                           "(is the volume mounted?); nothing marked removed")  # fmt: skip
                unreadable.append(rel_dir)
                continue
            stack.extend(sorted(listing.subdirs, reverse=True))
            await self._reconcile_dir(root, listing)
        await self._drain()
        for rel_dir in unreadable:
            await self.files.touch_subtree(root.id, rel_dir, self.gen)
        self.swept.append((root, scope.rel_dir))

    async def _looks_unmounted(self, root: Root, listing: DirListing) -> bool:
        if listing.files or listing.subdirs:
            return False
        return await self.files.count_present_under(root.id, listing.rel_dir) > 0

    async def _reconcile_dir(self, root: Root, listing: DirListing) -> None:
        known = await self.files.known_in_dir(root.id, listing.rel_dir)
        diff = diff_directory(listing.files, known, self.settings.hash_algorithm)
        self.counts.scanned += len(listing.files)
        self.counts.unchanged += len(diff.unchanged)
        self.to_touch += diff.unchanged
        if listing.kept:
            kept = set(listing.kept)
            self.to_touch += [k.id for k in known if k.name in kept and k.present]
        for todo in diff.to_hash:
            await self.in_flight.acquire()
            task = asyncio.create_task(self._hash(root, listing.rel_dir, todo))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        if len(self.to_touch) >= self.settings.batch_size:
            await self._flush()

    async def _hash(self, root: Root, rel_dir: str, todo: ToHash) -> None:
        path = join_path(root.path, rel_dir, todo.entry.name)
        loop = asyncio.get_running_loop()
        try:
            digest = await loop.run_in_executor(
                self.pool, hash_file, path, self.settings.hash_algorithm
            )
        except OSError as exc:
            self.error(path, describe_os_error(exc))
            if todo.known_id is not None and not isinstance(exc, FileNotFoundError):
                self.to_touch.append(todo.known_id)  # unreadable is not removed
            return
        finally:
            self.in_flight.release()
        entry = todo.entry
        self.to_write.append(
            HashedFile(root.id, rel_dir, entry.name, entry.kind, digest.size, digest.mtime_ns,
                       digest.digest, self.settings.hash_algorithm)
        )  # fmt: skip
        self.counts.hashed += 1
        self.counts.bytes_hashed += digest.size
        if todo.change is Change.ADDED:
            self.counts.added += 1
        else:
            self.counts.changed += 1
        self.event("hashed", path)
        if len(self.to_write) >= self.settings.batch_size:
            await self._flush()

    async def _flush(self) -> None:
        touch, self.to_touch = self.to_touch, []
        write, self.to_write = self.to_write, []
        if touch:
            await self.files.touch(touch, self.gen)
        if write:
            await self.files.write_hashed(write, self.gen)

    async def _drain(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks))
        await self._flush()

    async def settle(self, op_id: int) -> None:
        """Pair vanished records with content seen at new paths; mark the rest removed."""
        self.event("settling")
        for root, rel_dir in self.swept:
            vanished = await self.files.vanished(root, rel_dir, self.gen)
            if not vanished:
                continue
            hashes = sorted({v.content_hash for v in vanished if v.content_hash})
            appeared = await self.files.seen_with_hashes(hashes, self.gen)
            moves = pair_moves([v for v in vanished if v.content_hash], appeared)
            moved_ids = {m.old.id for m in moves}
            removed = [v.id for v in vanished if v.id not in moved_ids]
            await self.files.settle([(m.old.id, m.new.id) for m in moves], removed, op_id)
            self.counts.moved += len(moves)
            # a new path first seen in this run was counted as added; it is a move instead
            self.counts.added -= sum(1 for m in moves if m.new.generation == self.gen)
            self.counts.removed += len(removed)
            for move in moves:
                log.info("scan: moved %s -> %s", move.old.path, move.new.path)


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
        run = _Run(self.files, self.settings, op_id, progress)
        run.event("start")
        status, message = "failed", None
        try:
            for scope in scopes:
                await run.walk(scope)
            await run.settle(op_id)
            status = "ok"
        except (asyncio.CancelledError, KeyboardInterrupt):
            status, message = "interrupted", "the run was cancelled"
            raise
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            for task in list(run.tasks):
                task.cancel()
            run.pool.shutdown(wait=False, cancel_futures=True)
            duration = time.monotonic() - started
            await asyncio.shield(self._record(op_id, run, status, duration, message))
            run.event("done")
        return ScanReport(op_id, run.counts, duration, run.errors, [s.path for s in scopes])

    async def _record(
        self, op_id: int, run: _Run, status: str, duration: float, message: str | None
    ) -> None:
        await self.operations.add_errors(op_id, run.errors)
        await self.operations.finish(op_id, status, asdict(run.counts), duration, message)
