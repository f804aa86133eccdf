"""Immich's queued sidecar (.xmp) writes, and the race they lose against tag writes.

Seen on real 2.7.5 and 3.1.0 (API-NOTES §16): `PUT /assets` (e.g. with `duplicateId`) queues a
sidecar write per asset; tags written to those assets before the job runs can be gone
afterwards (the job writes the tags the asset had when it was queued, and the metadata
extraction that follows reads them back). Off unless a test turns it on, and deterministic:
a queued write runs when `after_requests` more requests have been handled, or at the first
request once `after_seconds` have passed, whichever comes first.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.fake_immich.state import State


@dataclass
class _Queued:
    asset_id: str
    tags: frozenset[str]  # the asset's tag ids when the write was queued
    requests_left: int
    due: float  # time.monotonic()


class SidecarWrites:
    def __init__(self, state: State) -> None:
        self.state = state
        self.after_requests: int | None = None  # None: the race is off
        self.after_seconds = 3600.0
        self.queued: list[_Queued] = []
        self.dropped: list[tuple[str, str]] = []  # (tag id, asset id) the race took away

    def race(self, *, after_requests: int = 1_000_000, after_seconds: float = 3600.0) -> None:
        """Turn the race on."""
        self.after_requests, self.after_seconds = after_requests, after_seconds

    def queue(self, asset_ids: list[str]) -> None:
        """An asset update queued a sidecar write per asset."""
        if self.after_requests is None:
            return
        with self.state.lock:
            for asset_id in asset_ids:
                tags = frozenset(t.id for t in self.state.tags.values() if asset_id in t.asset_ids)
                self.queued.append(
                    _Queued(
                        asset_id, tags, self.after_requests, time.monotonic() + self.after_seconds
                    )
                )

    def tick(self) -> None:
        """One request arrives: run the writes that are due."""
        if not self.queued:
            return
        with self.state.lock:
            now, waiting = time.monotonic(), []
            for job in self.queued:
                job.requests_left -= 1
                if job.requests_left > 0 and now < job.due:
                    waiting.append(job)
                    continue
                for tag in self.state.tags.values():
                    if job.asset_id in tag.asset_ids and tag.id not in job.tags:
                        tag.asset_ids.discard(job.asset_id)
                        self.dropped.append((tag.id, job.asset_id))
                if job.asset_id in self.state.assets:
                    self.state.touch(self.state.assets[job.asset_id])
            self.queued = waiting
