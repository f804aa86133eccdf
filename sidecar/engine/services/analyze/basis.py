"""Whether anything the analysis reads changed since the last run: the count of changes to its
inputs (files, fingerprints, the asset mirror, decisions, album and tag marks; kept by the
store), the settings grouping follows, and the stored results being that run's. When none
moved, the stored groups and pairs stand and nothing is regrouped."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sidecar.engine.core.grouping import GroupRow
from sidecar.engine.ports import AnalysisResults
from sidecar.settings import Settings


@dataclass(frozen=True, slots=True)
class Basis:
    changes: int  # the input change count the results were made from
    settings: str  # digest of the settings they follow
    touched: int = 0  # the last touched-input row they include (migration 0017)


@dataclass(frozen=True, slots=True)
class Prior:
    """The run whose results stand, and what it reported."""

    op_id: int
    media: int
    exact_groups: int
    near_groups: int
    semantic_groups: int
    pairs: dict[str, int]
    reclaimable_bytes: int
    semantic: str  # digest of Immich's own groups as last stored


def settings_digest(settings: Settings, remote: bool) -> str:
    """What of the settings the results depend on (not the worker count)."""
    values = {
        "analysis": settings.analysis.model_dump(mode="json", exclude={"workers"}),
        "libraries": [lib.model_dump(mode="json") for lib in settings.libraries],
        "hash_algorithm": settings.scan.hash_algorithm,
        "users": [u.name for u in settings.immich.users],
        "review_album": settings.writeback.review_album_name,
        "tag_root": settings.writeback.tag_root,
        "remote": remote,
    }
    return hashlib.sha1(json.dumps(values, sort_keys=True).encode()).hexdigest()


def rows_digest(rows: Sequence[GroupRow]) -> str:
    return hashlib.sha1(repr(list(rows)).encode()).hexdigest()


class BasisBook:
    def __init__(self, store: AnalysisResults, settings: Settings, remote: bool) -> None:
        self.store = store
        self.digest = settings_digest(settings, remote)

    async def current(self) -> Basis:
        return Basis(await self.store.input_changes(), self.digest)

    async def settled(self, read: Basis, written: int) -> Basis:
        """The basis after the run's own writes (`written` fingerprints, one change each):
        the count now when nobody else changed anything since `read`, else `read`'s (the
        next run then looks again)."""
        now = await self.store.input_changes()
        return Basis(now, self.digest) if now == read.changes + written else read

    async def unchanged(self, basis: Basis) -> Prior | None:
        """The last run's results when they were made from `basis` and are still the stored
        ones (and that run left nothing to fetch again), else None."""
        return await self._standing(basis.settings, basis.changes)

    async def partial_since(self) -> Prior | None:
        """When the stored results can be brought up to date in part (from the touched rows
        left: those they include were deleted with their storing): what their run reported.
        None when they must be made again whole:
        none yet, other settings, a run that left something to fetch again, or results
        another run stored since."""
        return await self._standing(self.digest, None)

    async def _standing(self, settings: str, changes: int | None) -> Prior | None:
        """The stored results' run when they follow `settings`, left nothing to fetch again
        and are still the stored ones, and were made from `changes` (None: from a touched
        log, whatever the count)."""
        raw = await self.store.analysis_basis()
        if raw is None:
            return None
        stored: dict[str, Any] = json.loads(raw)
        made = "touched" in stored if changes is None else stored.get("changes") == changes
        if changes is not None and stored.get("waiting"):
            return None  # thumbnails to ask for again: not unchanged
        if not (
            made
            and stored.get("complete")
            and stored.get("settings") == settings
            and stored.get("stamp") == list(await self.store.results_stamp())
        ):
            return None
        return Prior(**stored["prior"])

    async def record(
        self, basis: Basis, prior: Prior, complete: bool, waiting: bool = False
    ) -> None:
        """The results just stored come from `basis`; `complete`: Immich was reachable
        throughout; `waiting`: thumbnails Immich had not made yet are to be asked for again
        (their assets logged as touched: the next run regroups in part, but runs)."""
        value = {
            "changes": basis.changes,
            "settings": basis.settings,
            "touched": basis.touched,
            "stamp": list(await self.store.results_stamp()),
            "complete": complete,
            "waiting": waiting,
            "prior": asdict(prior),
        }
        await self.store.set_analysis_basis(json.dumps(value, sort_keys=True))
