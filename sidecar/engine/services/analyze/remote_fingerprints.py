"""Fingerprints of assets with no local file to decode (videos, folders not mounted here),
made from the thumbnail Immich generated for them."""

from __future__ import annotations

import asyncio
import logging
from contextlib import aclosing
from dataclasses import dataclass, field

from sidecar.engine.core.drift import AssetView, content_checksum_hex
from sidecar.engine.core.fingerprint import Fingerprint
from sidecar.engine.core.models import AssetLink, FingerprintRow
from sidecar.engine.ports import ClientFactory, Fingerprints
from sidecar.engine.support.bounded import bounded_map
from sidecar.immich_client import ImmichError, ImmichNotFoundError
from sidecar.settings import Settings

log = logging.getLogger(__name__)
SOURCE = "immich-thumbnail"
CONCURRENCY = 4
BATCH = 500  # fingerprints saved at once


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


def remote_assets(
    links: list[AssetLink], views: list[AssetView], local_paths: set[str]
) -> list[AssetLink]:
    """Live assets that are videos, or whose file (`views`: the same assets with their paths
    mapped) is not among the local media files (not the motion parts of live photos)."""
    out = []
    for a, view in zip(links, views, strict=True):
        if a.state != "present" or a.is_offline or a.visibility == "hidden":
            continue  # (hidden: a live photo's motion part, never a member)
        if a.type == "VIDEO" or view.local_path is None or view.local_path not in local_paths:
            out.append(a)
    return out


async def fingerprint_remote(
    store: Fingerprints, settings: Settings, connect: ClientFactory, todo: list[AssetLink]
) -> RemoteResult:
    fresh: list[str] = []
    result = RemoteResult(fresh=fresh)
    keys = {remote_key(a): a for a in todo}
    have = await store.fingerprints_of(list(keys))
    # not yet fingerprinted, or fingerprinted before centre views were hashed
    missing = [
        a for k, a in keys.items() if k not in have or (have[k][2] is None and not have[k][3])
    ]
    if not missing:
        return result
    from sidecar.engine.imaging import fingerprint_bytes  # Pillow and numpy, when needed

    api_keys = dict(settings.user_keys())
    hash_size = settings.analysis.hash_size
    rows: list[FingerprintRow] = []

    async def one(asset: AssetLink) -> FingerprintRow | None:
        client = connect(api_keys.get(asset.sync_key) or next(iter(api_keys.values())))
        try:
            data = await client.thumbnail(asset.id)
            outcome = await asyncio.to_thread(fingerprint_bytes, data, hash_size, SOURCE)
        except ImmichNotFoundError:  # not generated yet (an import in progress): next time
            result.pending += 1
            result.waiting.append(asset)
            return None
        finally:
            await client.aclose()
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

    async def save() -> None:
        batch = rows[:]
        rows.clear()
        await store.save_fingerprints(batch)
        result.done += len(batch)
        result.failed += sum(1 for r in batch if r.error)
        fresh.extend(r.content_hash for r in batch if not r.error)

    try:  # at most CONCURRENCY thumbnails in flight; saved as they come, a batch at a time
        async with aclosing(bounded_map(missing, CONCURRENCY, one)) as results:
            async for row in results:
                if row is not None:
                    rows.append(row)
                if len(rows) >= BATCH:
                    await save()
    except ImmichError as exc:  # Immich went away: keep what we have, say why
        result.error = str(exc)
        log.info("analysis: thumbnails from Immich: %s", exc)
    await save()
    return result


def _failure(key: str, hash_size: int, reason: str) -> FingerprintRow:
    return FingerprintRow(
        key, "immich", None, None, hash_size, None, None, SOURCE, None, None, None, reason
    )
