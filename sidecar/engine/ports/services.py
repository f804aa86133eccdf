"""Use cases as other use cases see them: a service never imports another; one that needs
another at run time takes its port, with only the methods it calls.

Write-back refreshes the mirror, the analysis and the drift before it plans; the review runs a
sync, a scan or an analysis when asked and queues what people decide. They take these;
`sidecar.runtime` plugs in the concrete services.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from sidecar.engine.core.drift import DriftReport
from sidecar.engine.core.models import JobState


class JsonReport(Protocol):
    """What a use case reports, as JSON for the CLI, the TUI and the job history."""

    def as_json(self) -> dict[str, Any]: ...


class UserSyncOutcome(Protocol):
    @property
    def error(self) -> str | None: ...
    @property
    def key_rejected(self) -> bool: ...


class SyncOutcome(JsonReport, Protocol):
    @property
    def errors(self) -> list[str]: ...
    @property
    def users(self) -> Sequence[UserSyncOutcome]: ...
    def total(self, name: str) -> int: ...


class Mirror(Protocol):
    """Brings the inventory's mirror of Immich's assets up to date (sync)."""

    async def sync(self) -> SyncOutcome: ...


class Analysis(Protocol):
    """Fingerprints new content and rebuilds duplicate groups and pairs (analyze)."""

    async def analyze(self) -> JsonReport: ...


class DriftReader(Protocol):
    """Compares the mirror with the disk inventory (drift)."""

    async def report(self) -> DriftReport: ...


class Scanner(Protocol):
    """Brings the inventory in line with the media folders (scan; no paths: every library)."""

    async def scan_paths(self, paths: Sequence[Path]) -> JsonReport: ...


class InventoryStatus(Protocol):
    @property
    def files(self) -> int: ...
    @property
    def files_removed(self) -> int: ...
    @property
    def assets(self) -> int: ...
    @property
    def roots(self) -> list[str]: ...
    @property
    def jobs(self) -> list[JobState]: ...
    @property
    def watcher(self) -> str: ...
    @property
    def heartbeat(self) -> str | None: ...


class StatusReader(Protocol):
    """Inventory counts and the daemon's jobs (status); `limit`: recent operations."""

    async def report(self, limit: int = 10) -> InventoryStatus: ...


class TrashDecisions(Protocol):
    """What people decide to drop, keep after all, or stack instead (write-back decisions:
    nothing is written to Immich until a plan is applied)."""

    async def decide_trash(self, asset_ids: list[str], note: str | None) -> list[str]: ...
    async def keep(self, asset_ids: list[str]) -> None: ...
    async def stack_instead(self, asset_ids: list[str], owner: str) -> None: ...
