"""One scan run: walk the scopes, hash what is new or changed, settle what vanished.

The walk runs in a worker thread ahead of the consumer and hands over folders in batches, so
the inventory is asked about many folders in one query. Files to hash go to a pool in chunks.
Writes are batched; a cancelled run loses at most its uncommitted batch, never consistency.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import aclosing
from dataclasses import dataclass, field

from sidecar.engine.core.media import IgnoreMatcher
from sidecar.engine.core.models import HashedFile, Root, join_path
from sidecar.engine.core.reconcile import (
    Change,
    KnownFile,
    ScanCounts,
    ToHash,
    diff_directory,
    pair_moves,
)
from sidecar.engine.disk import DirListing, describe_os_error, hash_files, walk
from sidecar.engine.ports import FileInventory
from sidecar.engine.support.scopes import ScanScope
from sidecar.engine.support.threaded import iterate_ahead
from sidecar.settings import ScanSettings

log = logging.getLogger(__name__)

HASH_CHUNK_FILES = 32
HASH_CHUNK_BYTES = 64 << 20
# A chunk of files this small costs system calls and interpreter work that hold the GIL: it is
# hashed on one thread, as more only contend for the GIL (a first scan of 1M files of a few
# bytes: 65 s on one thread, 92 s on four). Larger files keep `[scan] concurrency` threads:
# reading and hashing them release the GIL, and the threads hide a network share's latency.
SMALL_CHUNK_BYTES = 2 << 20
# Unchanged files marked seen per transaction (more than `batch_size`: a mark lost to an
# interruption costs nothing, the next run marks again; fewer, larger transactions).
TOUCH_BATCH = 20_000
# Folders marked seen as a whole per transaction (each is one row: their files need none).
TOUCH_DIRS_BATCH = 2_000
# A run that writes at least this many records, and a quarter of those the inventory held,
# drops the content-hash index and builds it again before settling (one sort of every hash
# costs less than inserting that many random hashes into the index one by one); into an empty
# inventory, from its first record.
BULK_MIN_ROWS = 50_000


@dataclass(slots=True)
class ScanProgress:
    """Live counters handed to the progress callback."""

    counts: ScanCounts
    event: str = "start"  # start | listed | hashed | committed | settling | done
    path: str = ""
    started: float = field(default_factory=time.monotonic)


ProgressCallback = Callable[[ScanProgress], None]


def hash_chunks(todo: list[ToHash]) -> Iterator[list[ToHash]]:
    """Group files into worker calls of at most HASH_CHUNK_FILES files or HASH_CHUNK_BYTES."""
    chunk: list[ToHash] = []
    size = 0
    for item in todo:
        if chunk and (len(chunk) >= HASH_CHUNK_FILES or size + item.entry.size > HASH_CHUNK_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(item)
        size += item.entry.size
    if chunk:
        yield chunk


class ScanRun:
    def __init__(
        self,
        files: FileInventory,
        settings: ScanSettings,
        generation: int,
        pool: Executor,
        progress: ProgressCallback,
        small_pool: Executor | None = None,
    ) -> None:
        self.files = files
        self.settings = settings
        self.gen = generation
        self.pool = pool
        self.small_pool = small_pool or pool  # (one thread: see SMALL_CHUNK_BYTES)
        self.progress = ScanProgress(ScanCounts())
        self.counts = self.progress.counts
        self.notify = progress
        self.errors: list[tuple[str, str]] = []
        self.ignore = IgnoreMatcher(settings.ignore_patterns)
        self.in_flight = asyncio.Semaphore(settings.concurrency * 2)
        self.tasks: set[asyncio.Task[None]] = set()
        self.to_touch: list[int] = []
        self.dirs_to_touch: dict[int, list[str]] = {}  # root id: folders
        self.dirs_unwritten = 0
        self.to_write: list[HashedFile] = []
        self.unwritten = [0, 0]  # changed, added: hashed but not yet committed
        self.walked: list[tuple[Root, str]] = []  # scopes fully walked, to settle
        self.bulk_at = BULK_MIN_ROWS  # records written by this run before the index is dropped
        self.written = 0
        self.index_paused = False

    def event(self, name: str, path: str = "") -> None:
        self.progress.event, self.progress.path = name, path
        self.notify(self.progress)

    def error(self, path: str, reason: str) -> None:
        self.counts.errors += 1
        self.errors.append((path, reason))
        log.info("scan: %s: %s", path, reason)

    def cancel_pending(self) -> None:
        for task in list(self.tasks):
            task.cancel()

    async def prepare(self) -> None:
        """Before the walks: the index a killed run dropped is built again; how many writes
        make dropping it worth it."""
        await self.files.restore_hash_index()
        held = await self.files.record_count()
        self.bulk_at = max(BULK_MIN_ROWS, held // 4) if held else 0

    async def restore_index(self) -> None:
        """After the walks (also after a failed or cancelled run): the index is there again."""
        if self.index_paused:
            await self.files.restore_hash_index()
            self.index_paused = False

    # -- walking ---------------------------------------------------------------------------

    async def walk(self, scope: ScanScope) -> None:
        root = await self.files.root(scope.root)
        if not await asyncio.to_thread(os.path.isdir, scope.path):
            self.error(scope.path, "folder not found (is the volume mounted?); nothing changed")
            return
        unreadable: list[str] = []
        # the walk lists the next folders while this batch is compared with the inventory
        walking = iterate_ahead(lambda: walk(root.path, scope.rel_dir, self.ignore))
        async with aclosing(walking) as batches:
            async for batch in batches:
                if not await self._reconcile_batch(root, scope, batch, unreadable):
                    break
        await self._drain()
        for rel_dir in unreadable:  # what could not be read is not gone
            await self.files.touch_subtree(root.id, rel_dir, self.gen)
        self.walked.append((root, scope.rel_dir))

    async def _reconcile_batch(
        self, root: Root, scope: ScanScope, batch: list[DirListing], unreadable: list[str]
    ) -> bool:
        """Reconcile a batch of folder listings; False when the walk must stop."""
        readable = [listing.rel_dir for listing in batch if not listing.unreadable]
        known = await self.files.known_in_dirs(root.id, readable)
        for listing in batch:
            rel_dir = listing.rel_dir
            self.event("listed", join_path(root.path, "", rel_dir) if rel_dir else root.path)
            for path, reason in listing.errors:
                self.error(path, reason)
            self.counts.skipped += listing.skipped
            if listing.unreadable:
                unreadable.append(rel_dir)
                continue
            if rel_dir == scope.rel_dir and await self._looks_unmounted(root, listing):
                self.error(
                    scope.path,
                    "folder is empty but the inventory has files there "
                    "(is the volume mounted?); nothing marked removed",
                )
                unreadable.append(rel_dir)
                return False
            await self._reconcile_dir(root, listing, known[rel_dir])
        return True

    async def _looks_unmounted(self, root: Root, listing: DirListing) -> bool:
        if listing.files or listing.subdirs:
            return False
        return await self.files.count_present_under(root.id, listing.rel_dir) > 0

    async def _reconcile_dir(self, root: Root, listing: DirListing, known: list[KnownFile]) -> None:
        diff = diff_directory(listing.files, known, self.settings.hash_algorithm, listing.kept)
        self.counts.scanned += len(listing.files)
        self.counts.unchanged += len(diff.unchanged)
        if diff.clean:
            if diff.unchanged or diff.kept:  # one mark for the folder: nothing in it changed
                await self._touch_dir(root.id, listing.rel_dir)
            return
        self.to_touch += diff.unchanged
        self.to_touch += diff.kept
        for chunk in hash_chunks(diff.to_hash):
            await self.in_flight.acquire()
            task = asyncio.create_task(self._hash(root, listing.rel_dir, chunk))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        if len(self.to_touch) >= max(self.settings.batch_size, TOUCH_BATCH):
            await self._flush()

    async def _touch_dir(self, root_id: int, rel_dir: str) -> None:
        self.dirs_to_touch.setdefault(root_id, []).append(rel_dir)
        self.dirs_unwritten += 1
        if self.dirs_unwritten >= TOUCH_DIRS_BATCH:
            await self._flush()

    # -- hashing and writing ---------------------------------------------------------------

    async def _hash(self, root: Root, rel_dir: str, chunk: list[ToHash]) -> None:
        paths = [join_path(root.path, rel_dir, todo.entry.name) for todo in chunk]
        algorithm = self.settings.hash_algorithm
        small = sum(todo.entry.size for todo in chunk) <= SMALL_CHUNK_BYTES
        try:
            results = await asyncio.get_running_loop().run_in_executor(
                self.small_pool if small else self.pool, hash_files, paths, algorithm
            )
        finally:
            self.in_flight.release()
        done = ""
        for todo, path, result in zip(chunk, paths, results, strict=True):
            if isinstance(result, OSError):
                self.error(path, describe_os_error(result))
                if todo.known_id is not None and not isinstance(result, FileNotFoundError):
                    self.to_touch.append(todo.known_id)  # unreadable is not removed
                continue
            entry = todo.entry
            self.to_write.append(
                HashedFile(
                    root.id,
                    rel_dir,
                    entry.name,
                    entry.kind,
                    result.size,
                    result.mtime_ns,
                    result.digest,
                    algorithm,
                )
            )
            self.counts.hashed += 1
            self.counts.bytes_hashed += result.size
            self.unwritten[todo.change is Change.ADDED] += 1
            done = path
        if done:
            self.event("hashed", done)  # once per chunk: the counters say how many
        if len(self.to_write) >= self.settings.batch_size:
            await self._flush()

    async def _flush(self) -> None:
        touch, self.to_touch = self.to_touch, []
        write, self.to_write = self.to_write, []
        dirs, self.dirs_to_touch, self.dirs_unwritten = self.dirs_to_touch, {}, 0
        if touch:
            await self.files.touch(touch, self.gen)
        for root_id, rel_dirs in dirs.items():
            await self.files.touch_dirs(root_id, rel_dirs, self.gen)
        if write:
            changed, added = self.unwritten
            self.unwritten = [0, 0]
            self.written += len(write)
            if self.written >= self.bulk_at and not self.index_paused:
                await self.files.pause_hash_index()
                self.index_paused = True
            await self.files.write_hashed(write, self.gen)
            # counted once committed: an interrupted run reports what the inventory holds
            self.counts.added += added
            self.counts.changed += changed
            self.event("committed")

    async def _drain(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks))
        await self._flush()

    # -- settling --------------------------------------------------------------------------

    async def settle(self) -> None:
        """Pair vanished records with content seen at new paths; mark the rest removed."""
        self.event("settling")
        for root, rel_dir in self.walked:
            vanished = await self.files.vanished(root, rel_dir, self.gen)
            if not vanished:
                continue
            hashes = sorted({v.content_hash for v in vanished if v.content_hash})
            appeared = await self.files.seen_with_hashes(hashes, self.gen)
            moves = pair_moves([v for v in vanished if v.content_hash], appeared)
            moved_ids = {m.old.id for m in moves}
            removed = [v.id for v in vanished if v.id not in moved_ids]
            await self.files.settle([(m.old.id, m.new.id) for m in moves], removed, self.gen)
            self.counts.moved += len(moves)
            # a new path first seen in this run was counted as added; it is a move instead
            self.counts.added -= sum(1 for m in moves if m.new.generation == self.gen)
            self.counts.removed += len(removed)
            for move in moves:
                log.info("scan: moved %s -> %s", move.old.path, move.new.path)
