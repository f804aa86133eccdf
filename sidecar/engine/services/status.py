"""Inventory counts and the recent operations, for `status` and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sidecar.engine.core.models import JobState, Operation
from sidecar.engine.ports import FileInventory, JobLog, OperationLog


@dataclass(frozen=True, slots=True)
class StatusReport:
    db_path: str
    files: int
    files_removed: int
    assets: int
    roots: list[str]
    operations: list[Operation]
    jobs: list[JobState] = field(default_factory=list)
    watcher: str = "off"
    heartbeat: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "db_path": self.db_path,
            "files": self.files,
            "files_removed": self.files_removed,
            "assets": self.assets,
            "roots": self.roots,
            "operations": [_operation_json(op) for op in self.operations],
            "jobs": [j.as_json() for j in self.jobs],
            "watcher": self.watcher,
            "daemon_heartbeat": self.heartbeat,
        }


class StatusService:
    def __init__(
        self, files: FileInventory, operations: OperationLog, jobs: JobLog, db_path: Path
    ) -> None:
        self.db_path = db_path
        self.files = files
        self.operations = operations
        self.jobs = jobs

    async def report(self, limit: int = 10) -> StatusReport:
        counts = await self.files.counts()
        roots = [r.path for r in await self.files.roots()]
        ops = await self.operations.recent(limit)
        heartbeat, watcher = await self.jobs.heartbeat()
        return StatusReport(
            db_path=str(self.db_path),
            files=counts["files"],
            files_removed=counts["files_removed"],
            assets=counts["assets"],
            roots=roots,
            operations=ops,
            jobs=await self.jobs.all(),
            watcher=watcher,
            heartbeat=heartbeat,
        )


def _operation_json(op: Operation) -> dict[str, Any]:
    return {
        "id": op.id,
        "kind": op.kind,
        "status": op.status,
        "started_at": op.started_at,
        "ended_at": op.ended_at,
        "duration_s": op.duration_s,
        **op.counts,
        "error_message": op.error_message,
        "details": op.details,
    }
