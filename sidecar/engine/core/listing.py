"""What a paged listing of Immich assets may have skipped, and how to re-read it (pure logic).

Before Immich 3.1, page search orders by `fileCreatedAt` alone and pages with OFFSET, so a run
of assets sharing one timestamp that a page boundary cuts is served in a new order on each
page: one asset of the run comes back twice and another never (API-NOTES section 16). The
run's slots are always filled from the run, so every asset skipped has a repeat in the same
run: the runs to re-read are exactly the timestamps of the repeated assets, and a listing
without repeats skipped nothing (data changed during the pass aside, which the full pass
catches by checking every asset it did not see one by one).

A run is re-read as one window: `takenAfter`/`takenBefore` on its timestamp (both inclusive;
one millisecond wide, since the JSON drops the database's microseconds). A window that fits
one page is complete, as one page is one order. A window that does not fit is split by
`updatedAt` at a value strictly inside it, the halves sharing that value so that nothing
between two milliseconds falls out, until every part fits a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

MS = timedelta(milliseconds=1)


@dataclass(slots=True)
class Listing:
    """The assets one pass received: ids, repeats, and the timestamps of repeated ones."""

    seen: set[str] = field(default_factory=set)
    repeats: int = 0
    tied: set[datetime] = field(default_factory=set)

    def add(self, asset_id: str, taken: datetime) -> bool:
        """Record one received item; True when the pass had not received it yet."""
        if asset_id in self.seen:
            self.repeats += 1
            self.tied.add(taken)
            return False
        self.seen.add(asset_id)
        return True

    def fresh(self, asset_id: str) -> bool:
        """Record an asset re-read on purpose (not a repeat); True when it is new."""
        if asset_id in self.seen:
            return False
        self.seen.add(asset_id)
        return True

    def take_tied(self) -> list[datetime]:
        """The timestamps to re-read, newest first, each handed out once."""
        out = sorted(self.tied, reverse=True)
        self.tied.clear()
        return out


@dataclass(frozen=True, slots=True)
class Window:
    """Assets taken within [taken_from, taken_to] and updated within the updated bounds (all
    inclusive; None is open)."""

    taken_from: datetime
    taken_to: datetime
    updated_from: datetime | None = None
    updated_to: datetime | None = None


def tie_window(taken: datetime, updated_from: datetime | None = None) -> Window:
    """The window of the run of assets shown with timestamp `taken` (updated since
    `updated_from`, for an incremental pass)."""
    return Window(taken, taken + MS, updated_from, None)


def split(window: Window, updated: Sequence[datetime]) -> tuple[Window, Window] | None:
    """Two windows covering `window`, each strictly narrower in `updatedAt`, cut at the middle
    of the `updated` values seen in it; None when none of them lies strictly inside."""
    low, high = window.updated_from, window.updated_to
    inside = sorted({u for u in updated if (low is None or u > low) and (high is None or u < high)})
    if not inside:
        return None
    middle = inside[len(inside) // 2]
    return replace(window, updated_to=middle), replace(window, updated_from=middle)
