"""Mirror Immich assets into the inventory: full passes and incremental watermark runs.

Per API key (one per Immich user): a first run, `--full`, or a due periodic sweep pages
through every asset (trashed and offline included) and afterwards marks the key's assets it
did not see as gone. Other runs ask only for assets updated after the stored watermark minus
an overlap. Every page is committed on its own; the watermark (the newest `updatedAt` seen,
server clock) is saved only once the whole pass is committed, so an interrupted run is simply
repeated: nothing is missed, and upserts by id never duplicate.

Page order cannot be trusted before Immich 3.1 (equal timestamps come back in a new order on
every page), and `withExif` searches do not show assets whose metadata is pending: runs that
came back with repeats are re-read, and a full pass marks an asset gone only once Immich
confirms it does not know it (see `listing`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sidecar.engine.core.listing import Listing
from sidecar.engine.core.models import AssetRow, SyncState, UpsertCounts
from sidecar.engine.core.stopping import stopped
from sidecar.engine.ports import AssetInventory, ClientFactory, OperationLog
from sidecar.engine.services.sync.listing import check_unseen, fill_ties, newest
from sidecar.engine.support.errors import SyncBusyError
from sidecar.engine.support.locks import ExclusiveLock
from sidecar.immich_client import (
    AssetQuery,
    ImmichAuthError,
    ImmichClient,
    ImmichError,
    ImmichPermissionError,
)
from sidecar.immich_client.models import Asset, ServerVersion, convert, timestamps, to_json
from sidecar.settings import Settings

log = logging.getLogger(__name__)
KIND = "sync"

VERSION_KEY = "immich.server_version"
# Set per key once its videos have a duration: mirrored by a full pass, or re-read once (an
# inventory mirrored before durations were kept; an incremental run does not see them again,
# as they did not change)
DURATIONS_KEY = "sync.video_durations"
VERSION_TTL = timedelta(hours=1)


@dataclass(slots=True)
class UserSync:
    user: str
    full: bool = False
    received: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    pages: int = 0
    repeats: int = 0  # items a page search returned twice (page order before Immich 3.1)
    windows: int = 0  # runs of equal timestamps re-read because of repeats
    unresolved: int = 0  # such runs too large to re-read in one page (see the log)
    checked: int = 0  # assets a full pass did not see, asked for one by one
    videos: int = 0  # videos read again once for their durations (see DURATIONS_KEY)
    requests: int = 0
    wait_s: float = 0.0  # summed request durations
    busy_s: float = 0.0  # wall time with a request in flight
    error: str | None = None
    key_rejected: bool = False  # Immich refused the key (wrong, or without a needed permission)

    def add(self, counts: UpsertCounts) -> None:
        self.added += counts.added
        self.updated += counts.updated
        self.removed += counts.removed


@dataclass(slots=True)
class SyncReport:
    op_id: int
    assets_total: int
    duration_s: float
    users: list[UserSync] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(int(getattr(u, name)) for u in self.users)

    @property
    def errors(self) -> list[str]:
        return [f"{u.user}: {u.error}" for u in self.users if u.error]

    def as_json(self) -> dict[str, Any]:
        return {
            "op_id": self.op_id,
            "assets_total": self.assets_total,
            "added": self.total("added"),
            "updated": self.total("updated"),
            "removed": self.total("removed"),
            "received": self.total("received"),
            "repeats": self.total("repeats"),
            "windows": self.total("windows"),
            "unresolved": self.total("unresolved"),
            "checked": self.total("checked"),
            "videos": self.total("videos"),
            "requests": self.total("requests"),
            "pages": self.total("pages"),
            "wait_s": round(sum(u.wait_s for u in self.users), 3),
            "busy_s": round(sum(u.busy_s for u in self.users), 3),
            "duration_s": round(self.duration_s, 3),
            "users": [asdict(u) for u in self.users],
            "errors": self.errors,
        }


def asset_rows(assets: Sequence[Asset]) -> list[AssetRow]:
    """Store rows for a page of assets. Timestamps are written as ISO 8601 (UTC as `Z`),
    formatted for the whole page in one call (per-value formatting was a fifth of the
    mirror's own CPU time); each row is made from its values in order (a full mirror makes
    one per asset, so this loop is most of the mirror's own Python time)."""
    stamps = timestamps(
        [
            t
            for a in assets
            for t in (
                a.file_created_at,
                a.file_modified_at,
                a.local_date_time,
                a.updated_at,
                a.exif.date_time_original if a.exif else None,
            )
        ]
    )
    row = AssetRow._make
    rows = []
    at = 0
    for a in assets:
        exif, stack = a.exif, a.stack
        if exif is None:
            width, height, size, make, model, exif_json = a.width, a.height, None, None, None, None
        else:
            width, height = exif.width or a.width, exif.height or a.height
            size, make, model, exif_json = exif.file_size, exif.make, exif.model, to_json(exif)
        rows.append(
            row(
                (
                    a.id,
                    a.owner_id,
                    a.library_id,
                    a.type,
                    a.original_path,
                    a.original_file_name,
                    a.checksum,
                    *stamps[at : at + 4],
                    a.is_favorite,
                    a.is_trashed,
                    a.is_offline,
                    a.visibility,
                    a.duplicate_id,
                    None if stack is None else stack.id,
                    a.live_photo_video_id,
                    width,
                    height,
                    size,
                    make,
                    model,
                    stamps[at + 4],
                    exif_json,
                    a.duration_ms,
                )
            )
        )
        at += 5
    return rows


class SyncService:
    def __init__(
        self,
        assets: AssetInventory,
        operations: OperationLog,
        settings: Settings,
        connect: ClientFactory,
        lock: Path,
    ) -> None:
        self.assets = assets
        self.operations = operations
        self.settings = settings
        self.connect = connect
        self.lock = lock

    async def sync(self, full: bool = False) -> SyncReport:
        keys = self.settings.required_user_keys()
        with ExclusiveLock(self.lock) as held:
            if not held:
                raise SyncBusyError("another sync is running on this inventory; try again later")
            await self.operations.mark_interrupted(KIND)
            return await self._sync(keys, full)

    async def _sync(self, keys: list[tuple[str, str]], full: bool) -> SyncReport:
        started = time.monotonic()
        op_id = await self.operations.start(
            KIND, {"users": [label for label, _ in keys], "full": full}
        )
        report = SyncReport(op_id, 0, 0.0)
        status, message = "failed", None
        try:
            version = await self._known_version(full)
            for label, key in keys:
                user = UserSync(label)
                report.users.append(user)
                try:
                    version = await self._sync_user(label, key, full, op_id, user, version)
                except ImmichError as exc:
                    user.error = str(exc)
                    user.key_rejected = isinstance(exc, (ImmichAuthError, ImmichPermissionError))
                    log.info("sync: %s: %s", label, exc)
            report.assets_total = await self.assets.count_present()
            status = "failed" if all(u.error for u in report.users) else "ok"
            message = "; ".join(report.errors) or None
        except (asyncio.CancelledError, KeyboardInterrupt):
            status, message = "interrupted", stopped("the pages received so far are kept")
            raise
        except Exception as exc:  # a failure names its cause
            message = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            report.duration_s = time.monotonic() - started
            counts = {
                "scanned": report.total("received"),
                "added": report.total("added"),
                "changed": report.total("updated"),
                "removed": report.total("removed"),
                "errors": len(report.errors),
            }
            record = self.operations.finish(op_id, status, counts, report.duration_s, message)
            await asyncio.shield(record)  # recorded even when cancelled again meanwhile
        return report

    async def _known_version(self, full: bool) -> ServerVersion | None:
        """The server version probed within the last hour (a full pass always re-probes), so
        a run with no changes costs one search request per user."""
        known = await self.assets.meta(VERSION_KEY)
        if full or known is None or datetime.now(UTC) - known[1] > VERSION_TTL:
            return None
        return convert(ServerVersion, json.loads(known[0]))

    async def _sync_user(
        self,
        label: str,
        key: str,
        full: bool,
        op_id: int,
        user: UserSync,
        version: ServerVersion | None,
    ) -> ServerVersion | None:
        state = await self.assets.sync_state(label)
        user.full = full or self._sweep_due(state)
        query = AssetQuery(
            updated_after=None
            if user.full or state.watermark is None
            else state.watermark - timedelta(seconds=self.settings.sync.overlap_s),
            size=self.settings.sync.page_size,
        )
        watermark = state.watermark
        client = self.connect(key, version)
        writing: asyncio.Task[UpsertCounts] | None = None
        unindexed = False  # the mirror held nothing: this pass appends, its id index built after
        was_empty = False  # (so afterwards it holds nothing the pass did not see)
        try:
            if version is None:
                version = await client.version()
                await self.assets.set_meta(VERSION_KEY, to_json(version))
            listing = Listing()
            unindexed = was_empty = await self.assets.start_pass()
            async for page in client.search_pages(query):
                user.pages += 1
                fresh = [a for a in page.items if listing.add(a.id, a.file_created_at)]
                user.received += len(fresh)
                rows = asset_rows(fresh)
                if writing is not None:  # one page is written while the next is prepared
                    user.add(await writing)
                writing = asyncio.create_task(
                    self.assets.upsert(rows, op_id, label, fresh=unindexed)
                )
                watermark = newest(fresh, watermark)
            if writing is not None:
                user.add(await writing)
                writing = None
            if unindexed:
                unindexed = False
                await self.assets.end_pass()
            user.repeats = listing.repeats
            stats: dict[str, int] = {}
            async for found in fill_ties(client, query, listing, stats):
                user.add(await self.assets.upsert(asset_rows(found), op_id, label))
                user.received += len(found)
                watermark = newest(found, watermark)
            user.windows, user.unresolved = stats.get("windows", 0), stats.get("unresolved", 0)
            if user.full and not was_empty:
                watermark = await self._confirm_gone(client, label, op_id, user, watermark)
            await self._durations(client, label, op_id, user)
            await self.assets.save_sync_state(
                label,
                key_id=None,
                watermark=watermark,
                full_sweep=datetime.now(UTC) if user.full else None,
            )
        finally:
            if writing is not None:  # keep the page already received, even on failure
                user.add(await asyncio.shield(writing))
            if unindexed:  # (else built when the inventory is next opened)
                await self.assets.end_pass()
            user.requests = client.transport.stats.requests
            user.wait_s = round(client.transport.stats.wait_s, 3)
            user.busy_s = round(client.transport.stats.busy_s, 3)
            await client.aclose()
        return version

    async def _durations(
        self, client: ImmichClient, label: str, op_id: int, user: UserSync
    ) -> None:
        """Once per key: its videos read again (a search for type VIDEO, not the whole
        library), when they were mirrored before durations were kept. A full pass read them
        all: nothing to do."""
        key = f"{DURATIONS_KEY}:{label}"
        if await self.assets.meta(key) is not None:
            return
        if not user.full:
            query = AssetQuery(asset_type="VIDEO", size=self.settings.sync.page_size)
            async for page in client.search_pages(query):
                user.pages += 1
                user.videos += len(page.items)
                await self.assets.upsert(asset_rows(page.items), op_id, label)
        await self.assets.set_meta(key, "1")

    async def _confirm_gone(
        self,
        client: ImmichClient,
        label: str,
        op_id: int,
        user: UserSync,
        watermark: datetime | None,
    ) -> datetime | None:
        """After a full pass: what the key's mirror holds and the pass did not see is asked
        for one by one; only what Immich says it does not know is marked gone."""
        unseen = await self.assets.unseen(label, op_id)
        user.checked = len(unseen)
        found, missing = await check_unseen(client, unseen)
        if found:
            user.add(await self.assets.upsert(asset_rows(found), op_id, label))
            user.received += len(found)
        user.removed += await self.assets.mark_gone(label, missing)
        return newest(found, watermark)

    def _sweep_due(self, state: SyncState) -> bool:
        if state.watermark is None or state.last_full_sweep is None:
            return True
        age = datetime.now(UTC) - state.last_full_sweep
        return age > timedelta(hours=self.settings.sync.full_sweep_every_h)
