"""What the sidecar did and when: one operation (a scan, sync, analysis or write-back run,
with counts) and the state of one daemon job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Operation:
    id: int
    kind: str
    status: str
    started_at: str
    ended_at: str | None
    duration_s: float | None
    counts: dict[str, int]
    error_message: str | None
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class JobState:
    id: str
    last_started: str | None
    last_ended: str | None
    last_status: str | None
    last_message: str | None
    last_ok: str | None
    failing_since: str | None
    counts: dict[str, Any]
    next_run: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "next_run": self.next_run,
            "last_started": self.last_started,
            "last_ended": self.last_ended,
            "last_status": self.last_status,
            "last_message": self.last_message,
            "failing_since": self.failing_since,
            "counts": self.counts,
        }
