"""Ports to what the sidecar did: the operations log and the daemon's job states."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from sidecar.engine.core.models import JobState, Operation


class OperationLog(Protocol):
    """One row per scan, sync, analysis or write-back run, with counts."""

    async def start(self, kind: str, details: Mapping[str, Any]) -> int:
        """Open a running operation; its id."""

    async def finish(
        self,
        op_id: int,
        status: str,
        counts: Mapping[str, int],
        duration_s: float,
        error_message: str | None = None,
    ) -> None:
        """Close an operation with its status and counts."""

    async def add_errors(self, op_id: int, errors: Sequence[tuple[str, str]]) -> None:
        """(path, message) of what an operation could not do."""

    async def mark_interrupted(self, kind: str) -> int:
        """Close runs of `kind` a dead process left running; how many."""

    async def recent(self, limit: int = 10) -> list[Operation]:
        """The latest operations, newest first."""


class JobLog(Protocol):
    """The daemon's job states, heartbeat and problem."""

    async def all(self) -> list[JobState]:
        """Every job's state."""

    async def get(self, job_id: str) -> JobState | None:
        """One job's state."""

    async def started(self, job_id: str) -> None:
        """A job started."""

    async def ended(
        self, job_id: str, ok: bool, message: str | None, counts: dict[str, Any]
    ) -> None:
        """A job ended."""

    async def set_next_run(self, job_id: str, when: datetime | None) -> None:
        """When a job runs next."""

    async def mark_interrupted(self) -> None:
        """Jobs a killed daemon left running."""

    async def beat(self, watcher: str) -> None:
        """The daemon is alive (and its watcher in this state)."""

    async def heartbeat(self) -> tuple[str | None, str]:
        """(time of the daemon's last heartbeat, watcher state)."""

    async def set_problem(self, problem: str | None) -> None:
        """Why the running daemon cannot work as configured (None: it can)."""

    async def problem(self) -> str | None:
        """The running daemon's problem, if any."""
