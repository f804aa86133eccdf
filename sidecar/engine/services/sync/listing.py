"""Making a listing of Immich assets complete: re-reading runs of equal timestamps that came
back with repeats, and checking one by one what a full pass did not see before calling it gone.

See `sidecar.engine.core.listing` for why repeats mark exactly the runs that may have lost an
asset. A full pass also cannot tell a deleted asset from one it was not shown: besides page
order, `withExif: true` is an inner join on Immich's EXIF table, so an asset whose metadata
extraction has not run yet is invisible to the search (it shows up, with `updatedAt` bumped,
once extraction finishes). So an asset the mirror holds and the pass did not return is only
gone when `GET /assets/{id}` says it does not exist; otherwise it is stored as Immich shows it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import datetime

from sidecar.engine.core.listing import Listing, Window, split, tie_window
from sidecar.immich_client import AssetQuery, ImmichClient
from sidecar.immich_client.errors import ImmichNotFoundError
from sidecar.immich_client.models import Asset

log = logging.getLogger(__name__)

WINDOW_SIZE = 1000  # one page of the largest size Immich allows
CHECKS_AT_ONCE = 8


async def fill_ties(
    client: ImmichClient, query: AssetQuery, listing: Listing, stats: dict[str, int]
) -> AsyncIterator[list[Asset]]:
    """Re-read the run of every repeated timestamp; yield the assets the pass had not seen.
    `stats` counts `windows` (requests) and `unresolved` (windows that could not be split
    below a page: read page by page, which may still skip)."""
    pending: list[Window] = [tie_window(t, query.updated_after) for t in listing.take_tied()]
    while pending:
        window = pending.pop()
        stats["windows"] = stats.get("windows", 0) + 1
        page = await client.search_page(_query(query, window))
        fresh = [a for a in page.items if listing.fresh(a.id)]
        if page.next_page or page.next_cursor:  # more than a page: split it, or page it
            halves = split(window, [a.updated_at for a in page.items])
            if halves is not None:
                pending += halves
            else:
                stats["unresolved"] = stats.get("unresolved", 0) + 1
                log.warning(
                    "sync: over %d assets share the timestamp %s and the update times do "
                    "not tell them apart; they are read page by page, which may miss some",
                    WINDOW_SIZE,
                    window.taken_from,
                )
                async for more in client.search_pages(_query(query, window)):
                    fresh += [a for a in more.items if listing.fresh(a.id)]
        if fresh:
            yield fresh


def _query(query: AssetQuery, window: Window) -> AssetQuery:
    return replace(
        query,
        size=WINDOW_SIZE,
        updated_after=None,
        taken_from=window.taken_from,
        taken_to=window.taken_to,
        updated_from=window.updated_from,
        updated_to=window.updated_to,
    )


async def check_unseen(client: ImmichClient, ids: Sequence[str]) -> tuple[list[Asset], list[str]]:
    """Ask Immich for each asset a full pass did not see: (those it still has, the ids it
    does not know). Any other failure is raised, so nothing is marked gone on a guess."""
    found: list[Asset] = []
    missing: list[str] = []
    limit = asyncio.Semaphore(CHECKS_AT_ONCE)

    async def check(asset_id: str) -> None:
        async with limit:
            try:
                found.append(await client.asset(asset_id))
            except ImmichNotFoundError:
                missing.append(asset_id)

    await asyncio.gather(*(check(i) for i in ids))
    return found, missing


def newest(assets: Sequence[Asset], watermark: datetime | None) -> datetime | None:
    """The newest `updatedAt` among `assets` and `watermark`."""
    for asset in assets:
        if watermark is None or asset.updated_at > watermark:
            watermark = asset.updated_at
    return watermark
