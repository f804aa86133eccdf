"""Fingerprints of assets with no local file to decode (videos, folders not mounted here),
made from the thumbnail Immich generated for them."""

from __future__ import annotations

import asyncio
import logging
import posixpath
from dataclasses import dataclass

from sidecar.engine.core.drift import content_checksum_hex
from sidecar.engine.core.models import AssetLink, FingerprintRow
from sidecar.engine.imaging import Fingerprint, fingerprint_bytes
from sidecar.engine.ports import ClientFactory, Fingerprints
from sidecar.immich_client import ImmichError, ImmichNotFoundError
from sidecar.settings import Settings

log = logging.getLogger(__name__)
SOURCE = "immich-thumbnail"
CONCURRENCY = 4


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
    fresh: list[str] | None = None
    error: str | None = None


def remote_assets(
    links: list[AssetLink], local_paths: set[str], settings: Settings
) -> list[AssetLink]:
    """Live assets that are videos, or whose file is not among the local media files (not
    the motion parts of live photos)."""
    out = []
    for a in links:
        if a.state != "present" or a.is_offline or a.visibility == "hidden":
            continue  # (hidden: a live photo's motion part, never a member)
        mapped = settings.map_immich_path(a.original_path)
        local = posixpath.normpath(str(mapped)) if mapped is not None else None
        if a.type == "VIDEO" or local is None or local not in local_paths:
            out.append(a)
    return out


async def fingerprint_remote(
    store: Fingerprints, settings: Settings, connect: ClientFactory, todo: list[AssetLink]
) -> RemoteResult:
    result = RemoteResult(fresh=[])
    keys = {remote_key(a): a for a in todo}
    have = await store.fingerprints_of(list(keys))
    # not yet fingerprinted, or fingerprinted before centre views were hashed
    missing = [
        a for k, a in keys.items() if k not in have or (have[k][2] is None and not have[k][3])
    ]
    if not missing:
        return result
    api_keys = dict(settings.user_keys())
    hash_size = settings.analysis.hash_size
    slots = asyncio.Semaphore(CONCURRENCY)
    rows: list[FingerprintRow] = []

    async def one(asset: AssetLink) -> None:
        client = connect(api_keys.get(asset.sync_key) or next(iter(api_keys.values())))
        try:
            async with slots:
                data = await client.thumbnail(asset.id)
            outcome = await asyncio.to_thread(fingerprint_bytes, data, hash_size, SOURCE)
        except ImmichNotFoundError:  # not generated yet (an import in progress): next time
            result.pending += 1
            return
        finally:
            await client.aclose()
        if isinstance(outcome, Fingerprint):
            rows.append(
                FingerprintRow(
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
            )
        else:
            rows.append(_failure(remote_key(asset), hash_size, outcome.reason))

    try:
        await asyncio.gather(*(one(a) for a in missing))
    except ImmichError as exc:  # Immich went away: keep what we have, say why
        result.error = str(exc)
        log.info("analysis: thumbnails from Immich: %s", exc)
    await store.save_fingerprints(rows)
    result.done = len(rows)
    result.failed = sum(1 for r in rows if r.error)
    result.fresh = [r.content_hash for r in rows if not r.error]
    return result


def _failure(key: str, hash_size: int, reason: str) -> FingerprintRow:
    return FingerprintRow(
        key, "immich", None, None, hash_size, None, None, SOURCE, None, None, None, reason
    )
