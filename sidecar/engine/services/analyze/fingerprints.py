"""Fingerprint new content in worker processes; a worker that dies is replaced and the file
that killed it is recorded, never retried forever."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from sidecar.engine.core.models import FingerprintRow
from sidecar.engine.imaging import Fingerprint, FingerprintFailure, fingerprint_file
from sidecar.engine.ports import Fingerprints
from sidecar.engine.support.pools import new_process_pool

log = logging.getLogger(__name__)
CHUNK = 16

Outcome = Fingerprint | FingerprintFailure


def fingerprint_many(paths: Sequence[str], hash_size: int) -> list[Outcome]:
    return [fingerprint_file(p, hash_size) for p in paths]


class Fingerprinter:
    def __init__(self, store: Fingerprints, workers: int, hash_size: int, algo: str) -> None:
        self.store = store
        self.workers = workers
        self.hash_size = hash_size
        self.algo = algo
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = new_process_pool(self.workers)
        return self._pool

    async def run(
        self, progress: Callable[[int, int], None] | None = None
    ) -> tuple[int, int, list[str]]:
        """Fingerprint every content not yet fingerprinted: (done, failed, new contents)."""
        todo = await self.store.unfingerprinted()
        if not todo:
            return 0, 0, []
        done = failed = 0
        fresh: list[str] = []
        chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
        self._new_pool()
        slots = asyncio.Semaphore(self.workers * 2)

        async def bounded(chunk: list[tuple[str, str, str]]) -> list[FingerprintRow]:
            async with slots:
                return await self._chunk(chunk)

        try:
            for future in asyncio.as_completed([bounded(c) for c in chunks]):
                rows = await future
                await self.store.save_fingerprints(rows)
                fresh += [r.content_hash for r in rows if not r.error]
                failed += sum(1 for r in rows if r.error)
                done += len(rows)
                if progress:
                    progress(done, len(todo))
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
        return done, failed, fresh

    async def _chunk(self, chunk: list[tuple[str, str, str]]) -> list[FingerprintRow]:
        loop = asyncio.get_running_loop()
        paths = [path for _, path, _ in chunk]
        pool = self._pool or self._new_pool()
        try:
            outcomes = await loop.run_in_executor(pool, fingerprint_many, paths, self.hash_size)
        except BrokenProcessPool:
            if self._pool is pool:  # the first to notice replaces the shared pool
                self._new_pool()
            outcomes = await self._one_by_one(paths)
        return [
            self._row(content, outcome)
            for (content, _, _), outcome in zip(chunk, outcomes, strict=True)
        ]

    async def _one_by_one(self, paths: list[str]) -> list[Outcome]:
        """A worker died on this chunk: find the file that kills it, one file at a time in a
        single-process pool that is replaced only when it dies (a process start costs about
        half a second, so not one per file)."""
        loop = asyncio.get_running_loop()
        out: list[Outcome] = []
        alone = new_process_pool(1)
        try:
            for path in paths:
                try:
                    out += await loop.run_in_executor(
                        alone, fingerprint_many, [path], self.hash_size
                    )
                except BrokenProcessPool:
                    log.warning("analysis: the image decoder crashed on %s", path)
                    out.append(FingerprintFailure("the image decoder crashed on this file"))
                    alone.shutdown(wait=False, cancel_futures=True)
                    alone = new_process_pool(1)
        finally:
            alone.shutdown(wait=False, cancel_futures=True)
        return out

    def _row(self, content: str, outcome: Outcome) -> FingerprintRow:
        if isinstance(outcome, FingerprintFailure):
            return FingerprintRow(
                content,
                self.algo,
                None,
                None,
                self.hash_size,
                None,
                None,
                "local-file",
                None,
                None,
                None,
                outcome.reason,
            )
        return FingerprintRow(
            content,
            self.algo,
            outcome.phash,
            outcome.dhash,
            self.hash_size,
            outcome.width,
            outcome.height,
            outcome.source,
            outcome.taken_at,
            outcome.make,
            outcome.model,
            None,
            outcome.zoomed,
            outcome.software,
            outcome.modified_at,
            True,
            outcome.quality,
            outcome.sided,
            outcome.thumb,
        )
