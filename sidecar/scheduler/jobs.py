"""The daemon's jobs: when each runs (APScheduler triggers) and what it does (one service
call, plus the analysis and drift counts after a run that found changes).

A job returns its counts (recorded for `status`) and a message; it raises to fail.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, is_dataclass
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from tzlocal import get_localzone

from sidecar.engine.core.autoapply import auto_applicable
from sidecar.engine.ports import Analysis, DriftReader, Mirror
from sidecar.engine.services.drift import drift_json
from sidecar.engine.services.jobs import JobsService
from sidecar.engine.services.scan import ScanService
from sidecar.engine.services.writeback import WritebackService
from sidecar.engine.support.errors import JobError
from sidecar.settings import Settings

log = logging.getLogger("sidecar.daemon")

Outcome = tuple[dict[str, Any], str | None]


class Services(Protocol):
    """What the daemon uses of the composition root."""

    @property
    def settings(self) -> Settings: ...
    @property
    def scan(self) -> ScanService: ...
    @property
    def sync(self) -> Mirror: ...
    @property
    def analyze(self) -> Analysis: ...
    @property
    def writeback(self) -> WritebackService: ...
    @property
    def jobs(self) -> JobsService: ...
    @property
    def drift(self) -> DriftReader: ...


JobRun = Callable[[Services], Awaitable[Outcome]]


@dataclass(slots=True)
class Job:
    id: str
    trigger: BaseTrigger
    run: JobRun


class KeyRejectedError(JobError):
    """Immich refused every API key (wrong, or without a needed permission)."""


def scheduled_jobs(settings: Settings) -> list[Job]:
    """The jobs `settings` asks for, with their triggers."""
    s = settings.schedule
    jobs = []
    if s.sync_every_min > 0 and settings.immich.url:
        every = IntervalTrigger(minutes=s.sync_every_min, timezone=UTC)
        jobs.append(Job("sync", every, sync))
    if s.scan_cron.strip() and any(lib.scan for lib in settings.libraries):
        cron = CronTrigger.from_crontab(s.scan_cron, timezone=local_zone())
        jobs.append(Job("scan", cron, scan))
    if s.plan_every_min > 0 and settings.immich.url:
        every = IntervalTrigger(minutes=s.plan_every_min, timezone=UTC)
        jobs.append(Job("plan", every, plan))
    return jobs


async def sync(services: Services) -> Outcome:
    report = await services.sync.sync()
    counts: dict[str, Any] = {
        k: report.total(k) for k in ("added", "updated", "removed", "requests")
    }
    if report.errors and all(u.error for u in report.users):
        if any(u.key_rejected for u in report.users):
            raise KeyRejectedError("; ".join(report.errors))
        raise JobError("; ".join(report.errors))
    await services.jobs.set_problem(None)  # the keys work
    if counts["added"] + counts["updated"] + counts["removed"]:
        await _analyze(services)
        counts["drift"] = await _drift(services)
    return counts, "; ".join(report.errors) or None


async def scan(services: Services) -> Outcome:
    report = await services.scan.scan_paths([])
    return await _after_scan(services, _counts(report.counts))


def rescan(folders: list[Path]) -> JobRun:
    """The job that rescans `folders` (where the watcher saw changes)."""

    async def run(services: Services) -> Outcome:
        report = await services.scan.scan_changed(folders)
        return await _after_scan(services, _counts(report.counts) if report else {})

    return run


async def plan(services: Services) -> Outcome:
    planned = await services.writeback.plan()
    counts: dict[str, Any] = {"planned": len(planned.plan.actions)}
    auto = {str(c) for c in services.settings.schedule.auto_apply}
    chosen = planned.subset(auto_applicable(planned.plan.actions, auto))
    if chosen.plan.actions:
        report = await services.writeback.apply(chosen)
        counts |= {"applied": report.applied, "failed": report.failed, "run_id": report.run_id}
    return counts, "; ".join(planned.errors) or None


async def _after_scan(services: Services, counts: dict[str, Any]) -> Outcome:
    changed = sum(counts.get(k, 0) for k in ("added", "changed", "moved", "removed"))
    if changed:
        await _analyze(services)
        counts["drift"] = await _drift(services)
    return counts, None


async def _drift(services: Services) -> dict[str, int]:
    """Drift counts for `status` (only when both sides are known)."""
    if not services.settings.immich.url:
        return {}
    counts: dict[str, int] = drift_json(await services.drift.report())["counts"]
    return counts


async def _analyze(services: Services) -> None:
    if services.settings.schedule.analyze_after_changes:
        report = await services.analyze.analyze()
        log.info("analysis: %s", report.as_json())


def local_zone() -> tzinfo:
    """The container's local time zone for `scan_cron`: $TZ, else the system's (UTC when
    neither is set)."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("unknown time zone TZ=%s: using the system's", name)
    return get_localzone()


def _counts(counts: Any) -> dict[str, Any]:
    return asdict(counts) if is_dataclass(counts) and not isinstance(counts, type) else {}
