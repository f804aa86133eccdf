"""Fingerprint new content in worker processes; a worker that dies is replaced and the file
that killed it is recorded, never retried forever. Any `concurrent.futures.Executor` can do the
work instead (e.g. a cluster's: Dask's `Client.get_executor()`); it belongs to whoever passed it
(never shut down here), and its failures end the run (the fingerprints saved so far are kept).
A HEIC with no embedded thumbnail large enough is hashed from Immich's thumbnail of it when
Immich has the same content (`immich`), else decoded in full.

Local videos (`videos`: the store of video fingerprints) are fingerprinted after the photos by
the same workers, in smaller chunks (a video costs its eight sampled frames, whatever its
length; one decoded frame in memory at a time), counted in the same progress; a video the
decoder cannot read is recorded with its reason like a photo."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import aclosing
from dataclasses import replace
from typing import Any

from sidecar.engine.core.fingerprint import Fingerprint, FingerprintFailure, NoThumbnail
from sidecar.engine.core.models import FingerprintRow
from sidecar.engine.core.video import LOCAL_SOURCE, VideoPrint
from sidecar.engine.ports import Fingerprints
from sidecar.engine.ports.video_prints import VideoPrints
from sidecar.engine.support.bounded import bounded_map
from sidecar.engine.support.executors import ExecutorFromSetting
from sidecar.engine.support.pools import end_workers, new_process_pool

log = logging.getLogger(__name__)
CHUNK = 16
VIDEO_CHUNK = 4  # videos per task (about a tenth of a second to a second each)
PAGE = 4096  # contents listed at once (a first analysis of a million files holds a page)

IMMICH_SOURCE = "immich-thumbnail"

Outcome = Fingerprint | FingerprintFailure
Decoded = Outcome | NoThumbnail
ImmichPixels = Callable[[str, str], Awaitable[bytes | None]]  # (content, path) -> thumbnail
VideoOutcome = VideoPrint | FingerprintFailure
MAX_LISTED = 1_000  # files that could not be fingerprinted, named in the run's report


def fingerprint_many(
    paths: Sequence[str], hash_size: int, heif_in_full: bool = True
) -> list[Decoded]:
    from sidecar.engine.imaging import fingerprint_file  # Pillow and numpy: in the workers

    return [fingerprint_file(p, hash_size, heif_in_full) for p in paths]


def fingerprint_videos(paths: Sequence[str], hash_size: int) -> list[VideoOutcome]:
    from sidecar.engine.video import fingerprint_video  # PyAV: in the workers

    return [fingerprint_video(p, hash_size) for p in paths]


class Fingerprinter:
    def __init__(
        self,
        store: Fingerprints,
        workers: int,
        hash_size: int,
        algo: str,
        executor: Executor | None = None,
        immich: ImmichPixels | None = None,
        videos: VideoPrints | None = None,
    ) -> None:
        self.store = store
        self.videos = videos  # None: videos are left alone
        self.workers = workers  # local processes; with `executor`, chunks in flight / 2
        self.hash_size = hash_size
        self.algo = algo
        self.executor = executor
        self.immich = immich
        self._pool: ProcessPoolExecutor | None = None
        self._stopped = False  # the run is over: no chunk starts a pool again
        self.fresh_videos: list[str] = []  # contents of the videos fingerprinted by `run`
        self.video_done = self.video_failed = 0
        self.failures: list[tuple[str, str]] = []  # (path, reason), at most MAX_LISTED

    def _new_pool(self) -> ProcessPoolExecutor:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        if self._stopped:
            raise asyncio.CancelledError
        self._pool = new_process_pool(self.workers)
        return self._pool

    async def run(
        self, progress: Callable[[int, int], None] | None = None
    ) -> tuple[int, int, list[str]]:
        """Fingerprint every content not yet fingerprinted: (done, failed, new contents), the
        videos' among them (their new contents are in `fresh_videos`, not in the list)."""
        total = await self.store.unfingerprinted_count()
        if self.videos is not None:
            total += await self.videos.unprinted_video_count()
        self.fresh_videos, self.video_done, self.video_failed = [], 0, 0
        self.failures = []
        if not total:
            return 0, 0, []
        counts = [0, 0]  # done, failed
        fresh: list[str] = []
        self._stopped = False
        if self.executor is None:
            self._new_pool()
        elif isinstance(self.executor, ExecutorFromSetting):  # connecting to a cluster may
            await asyncio.to_thread(self.executor.executor)  # block: not on the event loop

        def count(done: int, failed: int) -> None:
            counts[0] += done
            counts[1] += failed
            if progress:
                progress(counts[0], max(total, counts[0]))

        try:  # a page of contents at a time, and at most two chunks per worker in flight
            await self._photos(fresh, count)
            if self.videos is not None:
                await self._videos(self.videos, count)
        except BaseException:
            # stopped (or failed): the chunks still to come are not made, and the workers are
            # ended now rather than after the chunks they are on
            self._stopped = True
            if self._pool is not None:
                end_workers(self._pool)
            raise
        finally:
            self._stopped = True
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
        return counts[0], counts[1], fresh

    async def _photos(self, fresh: list[str], count: Callable[[int, int], None]) -> None:
        after = ""
        while page := await self.store.unfingerprinted(after, PAGE):
            after = page[-1][0]
            paths = {content: path for content, path, _ in page}
            chunks = (page[i : i + CHUNK] for i in range(0, len(page), CHUNK))
            async with aclosing(bounded_map(chunks, self.workers * 2, self._chunk)) as made:
                async for rows in made:
                    await self.store.save_fingerprints(rows)  # a stop keeps each chunk
                    fresh += [r.content_hash for r in rows if not r.error]
                    self._failed((paths[r.content_hash], r.error) for r in rows if r.error)
                    count(len(rows), sum(1 for r in rows if r.error))

    async def _videos(self, store: VideoPrints, count: Callable[[int, int], None]) -> None:
        after = ""
        while page := await store.unprinted_videos(after, PAGE):
            after = page[-1][0]
            paths = dict(page)
            chunks = (page[i : i + VIDEO_CHUNK] for i in range(0, len(page), VIDEO_CHUNK))
            async with aclosing(bounded_map(chunks, self.workers * 2, self._video_chunk)) as made:
                async for rows in made:
                    await store.save_video_prints(rows, self.hash_size, LOCAL_SOURCE)
                    bad = [
                        (paths[k], o.reason) for k, o in rows if isinstance(o, FingerprintFailure)
                    ]
                    self.fresh_videos += [k for k, o in rows if isinstance(o, VideoPrint)]
                    self._failed(bad)
                    self.video_done += len(rows)
                    self.video_failed += len(bad)
                    count(len(rows), len(bad))

    def _failed(self, found: Iterable[tuple[str, str | None]]) -> None:
        for path, reason in found:
            if len(self.failures) < MAX_LISTED:
                self.failures.append((path, reason or "not decoded"))

    async def _video_chunk(self, chunk: list[tuple[str, str]]) -> list[tuple[str, VideoOutcome]]:
        paths = [path for _, path in chunk]
        outcomes = await self._work(
            fingerprint_videos, (paths, self.hash_size), "the video decoder crashed on this file"
        )
        return [(content, o) for (content, _), o in zip(chunk, outcomes, strict=True)]

    async def _chunk(self, chunk: list[tuple[str, str, str]]) -> list[FingerprintRow]:
        paths = [path for _, path, _ in chunk]
        decoded = await self._decode(paths, heif_in_full=self.immich is None)
        full: list[int] = []  # HEICs Immich has no thumbnail of: decoded here after all
        outcomes: list[Outcome | None] = []
        for i, ((content, _, _), outcome) in enumerate(zip(chunk, decoded, strict=True)):
            if isinstance(outcome, NoThumbnail):
                outcomes.append(await self._from_immich(content, paths[i], outcome))
                if outcomes[-1] is None:
                    full.append(i)
            else:
                outcomes.append(outcome)
        if full:
            again = await self._decode([paths[i] for i in full], heif_in_full=True)
            for i, outcome in zip(full, again, strict=True):
                outcomes[i] = outcome if not isinstance(outcome, NoThumbnail) else None
        return self._rows(chunk, outcomes)

    async def _decode(self, paths: list[str], heif_in_full: bool) -> list[Decoded]:
        return await self._work(
            fingerprint_many,
            (paths, self.hash_size, heif_in_full),
            "the image decoder crashed on this file",
        )

    async def _work(
        self, many: Callable[..., list[Any]], args: tuple[Any, ...], crashed: str
    ) -> list[Any]:
        """`many(paths, *rest)` in a worker; a worker that dies is replaced and the chunk
        done again one file at a time (the file that kills it: `crashed`, its reason)."""
        loop = asyncio.get_running_loop()
        if self.executor is not None:
            return await loop.run_in_executor(self.executor, many, *args)
        pool = self._pool or self._new_pool()
        try:
            return await loop.run_in_executor(pool, many, *args)
        except BrokenProcessPool:
            if self._pool is pool:  # the first to notice replaces the shared pool
                self._new_pool()
            return await self._one_by_one(many, args, crashed)

    async def _from_immich(self, content: str, path: str, found: NoThumbnail) -> Fingerprint | None:
        """The hashes of Immich's thumbnail of this content, with the file's own size and
        EXIF; None when Immich has none to give."""
        data = await self.immich(content, path) if self.immich is not None else None
        if not data:
            return None
        from sidecar.engine.imaging import fingerprint_bytes  # Pillow and numpy, when needed

        fp = await asyncio.to_thread(fingerprint_bytes, data, self.hash_size, IMMICH_SOURCE)
        if not isinstance(fp, Fingerprint):
            return None
        fp = replace(fp, width=found.width, height=found.height, source=IMMICH_SOURCE)
        return replace(fp, quality=None).with_exif(found.facts)

    def _rows(
        self, chunk: list[tuple[str, str, str]], outcomes: list[Outcome | None]
    ) -> list[FingerprintRow]:
        return [
            self._row(content, outcome)
            for (content, _, _), outcome in zip(chunk, outcomes, strict=True)
        ]

    async def _one_by_one(
        self, many: Callable[..., list[Any]], args: tuple[Any, ...], crashed: str
    ) -> list[Any]:
        """A worker died on this chunk: find the file that kills it, one file at a time in a
        single-process pool that is replaced only when it dies (a process start costs about
        half a second, so not one per file)."""
        loop = asyncio.get_running_loop()
        paths, rest = args[0], args[1:]
        out: list[Any] = []
        alone = new_process_pool(1)
        try:
            for path in paths:
                try:
                    out += await loop.run_in_executor(alone, many, [path], *rest)
                except BrokenProcessPool:
                    log.warning("analysis: the decoder crashed on %s", path)
                    out.append(FingerprintFailure(crashed))
                    alone.shutdown(wait=False, cancel_futures=True)
                    alone = new_process_pool(1)
        finally:
            alone.shutdown(wait=False, cancel_futures=True)
        return out

    def _row(self, content: str, outcome: Outcome | None) -> FingerprintRow:
        if outcome is None:  # (a HEIC left undecoded twice: never, but never saved as hashes)
            outcome = FingerprintFailure("not decoded")
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
