"""Fingerprints of assets with no local file to decode (folders not mounted here, uploads),
made from the thumbnail Immich generated for them: a photo's as a photo fingerprint (table
fingerprints), a video's as a one-frame video fingerprint (table video_prints, source
IMMICH_SOURCE) with the duration, size and camera Immich reports. A video is never given a
photo fingerprint: those earlier versions made are removed here (with their near edges to
photos) when the video is next seen, so no video is grouped with a photo.

Which frame Immich's thumbnail of a video shows (server/src/utils/media.ts, ThumbnailConfig,
the ffmpeg arguments of its thumbnail job): only intra frames are decoded (`-skip_frame
nointra`, except for MPEG-TS), resampled to 12 fps from the start, `thumbnail=12` keeps the most
representative frame of each batch of 12, then `select` takes the first of them and those that
differ from it by a scene score over 0.1 (or after the 20th), `trim=end_frame=2` + `reverse`
output the second of those: a key frame from the first seconds of the clip (within about 20 s),
the first one after the opening scene changes. It is NOT the middle frame: the single frame of a
remote print is only ever compared with any frame of the other video (core.video_match
`_one_frame`, durations agreeing), never at a moment. Its times_ms says duration/2 by convention,
not where the frame was taken.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import TypeVar

from sidecar.engine.core.candidates import capture_time
from sidecar.engine.core.drift import AssetView, content_checksum_hex
from sidecar.engine.core.fingerprint import Fingerprint, FingerprintFailure
from sidecar.engine.core.models import AssetLink, FingerprintRow
from sidecar.engine.core.video import IMMICH_SOURCE, VideoFacts, VideoPrint
from sidecar.engine.ports import AnalysisResults, ClientFactory
from sidecar.engine.support.bounded import bounded_map
from sidecar.engine.video import FLAT_SPREAD  # (a thumbnail is flat as a decoded frame is)
from sidecar.immich_client import ImmichError, ImmichNotFoundError
from sidecar.settings import Settings

log = logging.getLogger(__name__)
SOURCE = "immich-thumbnail"
CONCURRENCY = 4
BATCH = 500  # fingerprints saved at once
R = TypeVar("R")


def remote_key(asset: AssetLink) -> str:
    """The fingerprint key of an asset known only through Immich: the content SHA-1 for
    uploads (the same key a local file of that content has), else the asset id."""
    if asset.library_id is None:
        hex_sum = content_checksum_hex(asset.checksum)
        if hex_sum:
            return hex_sum
    return f"asset:{asset.id}"


@dataclass(slots=True)
class RemoteResult:
    done: int = 0
    failed: int = 0
    pending: int = 0  # Immich has no thumbnail for them yet: tried again at the next analysis
    waiting: list[AssetLink] = field(default_factory=list)  # (those assets)
    fresh: list[str] | None = None
    error: str | None = None
    fresh_videos: list[str] = field(default_factory=list)  # keys of new video prints
    videos: int = 0  # of `done`, video prints (rows of video_prints, not of fingerprints)
    forgotten: int = 0  # photo fingerprints of videos an earlier version made, removed


def remote_assets(
    links: list[AssetLink],
    views: list[AssetView],
    local_paths: set[str],
    motion: frozenset[str] | set[str] = frozenset(),
) -> list[AssetLink]:
    """Live assets whose file (`views`: the same assets with their paths mapped) is not among
    the local media files (videos included), leaving out the motion parts of live photos:
    hidden, or named by another asset's live_photo_video_id (`motion`)."""
    out = []
    for a, view in zip(links, views, strict=True):
        if a.state != "present" or a.is_offline or a.visibility == "hidden" or a.id in motion:
            continue  # (a live photo's motion part, never a member)
        if view.local_path is None or view.local_path not in local_paths:
            out.append(a)
    return out


def is_video(asset: AssetLink) -> bool:
    return asset.type == "VIDEO"


async def fingerprint_remote(
    store: AnalysisResults, settings: Settings, connect: ClientFactory, todo: list[AssetLink]
) -> RemoteResult:
    fresh: list[str] = []
    result = RemoteResult(fresh=fresh)
    api_keys = dict(settings.user_keys())
    hash_size = settings.analysis.hash_size
    photos = {remote_key(a): a for a in todo if not is_video(a)}
    videos = {remote_key(a): a for a in todo if is_video(a)}
    have = await store.fingerprints_of(list(photos))
    # not yet fingerprinted, or fingerprinted before centre views were hashed
    missing = [
        a for k, a in photos.items() if k not in have or (have[k][2] is None and not have[k][3])
    ]
    missing_videos = await _videos_to_print(store, videos, result)

    async def thumbnail(asset: AssetLink) -> bytes | None:
        client = connect(api_keys.get(asset.sync_key) or next(iter(api_keys.values())))
        try:
            return await client.thumbnail(asset.id)
        except ImmichNotFoundError:  # not generated yet (an import in progress): next time
            result.pending += 1
            result.waiting.append(asset)
            return None
        finally:
            await client.aclose()

    async def one(asset: AssetLink) -> FingerprintRow | None:
        data = await thumbnail(asset)
        if data is None:
            return None
        from sidecar.engine.imaging import fingerprint_bytes  # Pillow and numpy, when needed

        outcome = await asyncio.to_thread(fingerprint_bytes, data, hash_size, SOURCE)
        if isinstance(outcome, Fingerprint):
            return FingerprintRow(
                remote_key(asset),
                "immich",
                outcome.phash,
                outcome.dhash,
                hash_size,
                asset.width,
                asset.height,
                SOURCE,
                None,
                None,
                None,
                None,
                outcome.zoomed,
                sided=outcome.sided,
                thumb=outcome.thumb,
            )
        return _failure(remote_key(asset), hash_size, outcome.reason)

    async def one_video(
        asset: AssetLink,
    ) -> tuple[str, VideoPrint | FingerprintFailure] | None:
        data = await thumbnail(asset)
        if data is None:
            return None
        outcome = await asyncio.to_thread(video_print_of, data, hash_size, asset)
        return remote_key(asset), outcome

    async def save(batch: list[FingerprintRow]) -> None:
        await store.save_fingerprints(batch)
        result.done += len(batch)
        result.failed += sum(1 for r in batch if r.error)
        fresh.extend(r.content_hash for r in batch if not r.error)

    async def save_videos(batch: list[tuple[str, VideoPrint | FingerprintFailure]]) -> None:
        await store.save_video_prints(batch, hash_size, IMMICH_SOURCE)
        result.done += len(batch)
        result.videos += len(batch)
        result.failed += sum(1 for _, o in batch if isinstance(o, FingerprintFailure))
        result.fresh_videos.extend(k for k, o in batch if isinstance(o, VideoPrint))

    try:  # at most CONCURRENCY thumbnails in flight; saved as they come, a batch at a time
        await _in_batches(missing, one, save)
        await _in_batches(missing_videos, one_video, save_videos)
    except ImmichError as exc:  # Immich went away: keep what we have, say why
        result.error = str(exc)
        log.info("analysis: thumbnails from Immich: %s", exc)
    return result


async def _in_batches(
    todo: list[AssetLink],
    one: Callable[[AssetLink], Awaitable[R | None]],
    save: Callable[[list[R]], Awaitable[None]],
) -> None:
    rows: list[R] = []
    try:
        async with aclosing(bounded_map(todo, CONCURRENCY, one)) as results:
            async for row in results:
                if row is not None:
                    rows.append(row)
                if len(rows) >= BATCH:
                    batch, rows = rows, []
                    await save(batch)
    finally:
        if rows:
            await save(rows)


async def _videos_to_print(
    store: AnalysisResults, videos: dict[str, AssetLink], result: RemoteResult
) -> list[AssetLink]:
    """The videos with no video fingerprint row yet, or one made before Immich reported their
    duration (a print without a duration matches nothing). Photo fingerprints of them (from
    earlier versions) are removed first, with their edges to photos."""
    if not videos:
        return []
    keys = list(videos)
    stale = await store.fingerprints_of(keys)
    if stale:
        await store.forget_photo_prints(list(stale))
        result.forgotten = len(stale)
    known = await store.video_print_keys(keys)
    prints = await store.video_prints([k for k in keys if k in known])
    return [
        a
        for k, a in videos.items()
        if k not in known or (k in prints and prints[k].facts.duration_ms is None and a.duration_ms)
    ]


def video_print_of(
    data: bytes, hash_size: int, asset: AssetLink
) -> VideoPrint | FingerprintFailure:
    """A one-frame video fingerprint from Immich's thumbnail of `asset` (bytes of an image)
    and what Immich says of the video (duration, size, camera, capture time)."""
    from sidecar.engine.imaging import frame_of_bytes  # Pillow and numpy, when needed

    frame = frame_of_bytes(data, hash_size, FLAT_SPREAD)
    if isinstance(frame, FingerprintFailure):
        return frame
    phash, dhash, thumb, flat = frame
    taken = capture_time(asset.date_time_original)
    facts = VideoFacts(
        duration_ms=asset.duration_ms,
        width=asset.width,
        height=asset.height,
        make=asset.make,
        model=asset.model,
        taken_at=taken.isoformat() if taken else None,
    )
    middle = (asset.duration_ms or 0) // 2
    return VideoPrint(facts, IMMICH_SOURCE, (phash, dhash), (middle,), (flat,), thumb)


def _failure(key: str, hash_size: int, reason: str) -> FingerprintRow:
    return FingerprintRow(
        key, "immich", None, None, hash_size, None, None, SOURCE, None, None, None, reason
    )
