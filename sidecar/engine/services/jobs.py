"""The daemon's job states, heartbeat and health, as `status`, `health` and the TUI see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sidecar.engine.core.models import JobState
from sidecar.engine.ports import JobLog
from sidecar.settings import Settings

HEARTBEAT_EVERY_S = 15.0
HEARTBEAT_STALE_S = 90.0


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    reasons: list[str]
    heartbeat: str | None
    watcher: str

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "reasons": self.reasons,
            "heartbeat": self.heartbeat,
            "watcher": self.watcher,
        }


class JobsService:
    def __init__(self, store: JobLog, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    async def states(self) -> list[JobState]:
        return await self.store.all()

    async def get(self, job_id: str) -> JobState | None:
        return await self.store.get(job_id)

    async def started(self, job_id: str) -> None:
        await self.store.started(job_id)

    async def ended(
        self, job_id: str, ok: bool, message: str | None, counts: dict[str, Any]
    ) -> None:
        await self.store.ended(job_id, ok, message, counts)

    async def set_next_run(self, job_id: str, when: datetime | None) -> None:
        await self.store.set_next_run(job_id, when)

    async def mark_interrupted(self) -> None:
        await self.store.mark_interrupted()

    async def beat(self, watcher: str) -> None:
        await self.store.beat(watcher)

    async def set_problem(self, problem: str | None) -> None:
        await self.store.set_problem(problem)

    async def watcher(self) -> str:
        return (await self.store.heartbeat())[1]

    async def health(self) -> Health:
        """For Docker's HEALTHCHECK: the daemon's heartbeat is recent, the inventory is
        writable (the heartbeat is a write), its config and API keys are usable (else it
        fails at once), and syncs have not been failing too long."""
        beat, watcher = await self.store.heartbeat()
        reasons = []
        now = datetime.now(UTC)
        if beat is None:
            reasons.append("the daemon has never run ('immich-sidecar serve')")
        elif (now - datetime.fromisoformat(beat)).total_seconds() > HEARTBEAT_STALE_S:
            reasons.append(f"the daemon's last heartbeat was at {beat}: is it running?")
        elif problem := await self.store.problem():
            reasons.append(problem)
        sync = await self.store.get("sync")
        limit = timedelta(minutes=self.settings.schedule.health_max_failing_min)
        if sync and sync.failing_since and now - datetime.fromisoformat(sync.failing_since) > limit:
            reasons.append(
                f"syncs have been failing since {sync.failing_since}: {sync.last_message}"
            )
        return Health(not reasons, reasons, beat, watcher)
