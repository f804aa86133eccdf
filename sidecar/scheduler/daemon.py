"""`immich-sidecar serve`: one asyncio process with the scheduled jobs, the file watcher and
the config watcher.

- Jobs (APScheduler 3 `AsyncIOScheduler`): Immich sync every `sync_every_min`, full
  reconciliation on `scan_cron`, write-back planning every `plan_every_min` (applying only the
  `auto_apply` categories). The analysis runs after a sync or scan that found something new.
  Jobs never overlap (one lock for all of them: they share one inventory); a run missed while
  the process was down runs once at start; job states are persisted for `status` and `health`.
- The file watcher (watchfiles) rescans the folders where files changed, debounced; when
  inotify cannot watch (too many folders, network filesystems) it falls back to polling, and
  the scheduled reconciliation catches anything missed anyway.
- The config file is watched: a valid edit re-opens the services with the new settings and
  reschedules the jobs; an invalid one is logged (file, line, key) and the running config kept.
- SIGTERM/SIGINT: no new work, the running job gets a few seconds to finish (then it is
  cancelled; transactions roll back), watchers and clients close, exit 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from tzlocal import get_localzone
from watchfiles import awatch

from sidecar.engine.services.analyze import AnalyzeService
from sidecar.engine.services.drift import DriftService, drift_json
from sidecar.engine.services.errors import EXPECTED_ERRORS, JobError
from sidecar.engine.services.jobs import HEARTBEAT_EVERY_S, JobsService
from sidecar.engine.services.reconcile import Reconciler
from sidecar.engine.services.scopes import ScanArea
from sidecar.engine.services.sync import SyncService
from sidecar.engine.services.writeback import WritebackService, WritePlan
from sidecar.settings import Settings, SettingsError

log = logging.getLogger("sidecar.daemon")
SHUTDOWN_GRACE_S = 5.0


class Services(Protocol):
    """What the daemon uses of the composition root."""

    @property
    def settings(self) -> Settings: ...
    @property
    def reconciler(self) -> Reconciler: ...
    @property
    def sync(self) -> SyncService: ...
    @property
    def analyze(self) -> AnalyzeService: ...
    @property
    def writeback(self) -> WritebackService: ...
    @property
    def jobs(self) -> JobsService: ...
    @property
    def drift(self) -> DriftService: ...


OpenServices = Callable[[Settings], AbstractAsyncContextManager[Services]]


@dataclass(slots=True)
class _Job:
    id: str
    trigger: Any
    run: Callable[[Services], Awaitable[tuple[dict[str, Any], str | None]]]


@dataclass(slots=True)
class Daemon:
    open_services: OpenServices
    load_settings: Callable[[], Settings]
    settings: Settings
    config_path: Path | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    watcher_state: str = "off"
    _services: Services | None = None
    _stack: AsyncExitStack | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _scheduler: AsyncIOScheduler | None = None
    _current: asyncio.Task[Any] | None = None
    _watch_task: asyncio.Task[None] | None = None
    _watch_stop: asyncio.Event = field(default_factory=asyncio.Event)
    grace_s: float = SHUTDOWN_GRACE_S

    @property
    def services(self) -> Services:
        assert self._services is not None
        return self._services

    # -- lifecycle -------------------------------------------------------------------------

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._request_stop, sig)
        await self._open(self.settings)
        await self.services.jobs.mark_interrupted()
        await self._check_usable()
        self._scheduler = AsyncIOScheduler(timezone=local_zone())
        self._scheduler.start()
        await self._schedule()
        tasks = [asyncio.create_task(self._heartbeat(), name="heartbeat")]
        if self.config_path is not None:
            tasks.append(asyncio.create_task(self._watch_config(), name="config"))
        self._restart_watcher()
        log.info("serving: %s", self._describe())
        await self.stop.wait()
        log.info("stopping")
        self._scheduler.pause()  # no new runs; the running job is still ours to wait for
        await self._stop_watcher()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._finish_current(self.grace_s)
        async with self._lock:  # runs queued behind the lock see `stop` and return
            pass
        # Only now: APScheduler's shutdown cancels the asyncio jobs it still runs.
        self._scheduler.shutdown(wait=False)
        await self._close()
        log.info("stopped")
        return 0

    async def _finish_current(self, grace_s: float) -> None:
        """Give the running job `grace_s` seconds to end, then cancel it (its transaction
        rolls back)."""
        current = self._current
        if current is None or current.done():
            return
        log.info("waiting up to %.0f s for the running job", grace_s)
        done, _ = await asyncio.wait({current}, timeout=grace_s)
        if not done:
            log.info("the running job did not end in %.0f s: cancelling it", grace_s)
            current.cancel()
            await asyncio.gather(current, return_exceptions=True)

    async def _check_usable(self) -> None:
        """Record at once (for `health`) a config whose API keys cannot be read, instead of
        letting every job fail quietly; cleared when they can."""
        problem = None
        if self.settings.immich.url:
            try:
                self.settings.required_user_keys()
            except SettingsError as exc:
                problem = f"the config cannot be used: {exc}"
                log.error("%s", problem)
        await self.services.jobs.set_problem(problem)

    def _request_stop(self, sig: signal.Signals) -> None:
        log.info("received %s", sig.name)
        self.stop.set()

    async def _open(self, settings: Settings) -> None:
        stack = AsyncExitStack()
        self._services = await stack.enter_async_context(self.open_services(settings))
        self._stack = stack
        self.settings = settings

    async def _close(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None

    def _describe(self) -> str:
        s = self.settings.schedule
        auto = s.auto_apply or "nothing (dry run)"
        return (f"sync every {s.sync_every_min:g} min, scan '{s.scan_cron}' ({local_zone()}), "
                f"plan every {s.plan_every_min:g} min, auto-apply {auto}, "
                f"watcher {self.watcher_state}")  # fmt: skip

    # -- scheduling ------------------------------------------------------------------------

    def _jobs(self) -> list[_Job]:
        s = self.settings.schedule
        jobs = []
        if s.sync_every_min > 0 and self.settings.immich.url:
            jobs.append(_Job("sync", IntervalTrigger(minutes=s.sync_every_min, timezone=UTC),
                             self._sync))  # fmt: skip
        if s.scan_cron.strip() and any(lib.scan for lib in self.settings.libraries):
            jobs.append(_Job("scan", CronTrigger.from_crontab(s.scan_cron, timezone=local_zone()),
                             self._scan))  # fmt: skip
        if s.plan_every_min > 0 and self.settings.immich.url:
            jobs.append(_Job("plan", IntervalTrigger(minutes=s.plan_every_min, timezone=UTC),
                             self._plan))  # fmt: skip
        return jobs

    async def _schedule(self) -> None:
        assert self._scheduler is not None
        self._scheduler.remove_all_jobs()
        now = datetime.now(UTC)
        for job in self._jobs():
            state = await self.services.jobs.get(job.id)
            last = (
                datetime.fromisoformat(state.last_started) if state and state.last_started else None
            )
            due = job.trigger.get_next_fire_time(None, last) if last else now
            first = now if due is None or due <= now else due  # a missed run runs at start
            self._scheduler.add_job(
                self._run_job, job.trigger, args=[job], id=job.id, max_instances=1,
                coalesce=True, misfire_grace_time=None, next_run_time=first,
            )  # fmt: skip
            await self.services.jobs.set_next_run(job.id, first)

    async def _run_job(self, job: _Job) -> None:
        await self._exclusive(job.id, job.run)
        scheduled = self._scheduler.get_job(job.id) if self._scheduler else None
        if scheduled is not None and not self.stop.is_set():
            await self.services.jobs.set_next_run(job.id, scheduled.next_run_time)

    async def _exclusive(
        self, job_id: str, run: Callable[[Services], Awaitable[tuple[dict[str, Any], str | None]]]
    ) -> None:
        """Run one job at a time, recording its state; failures are logged, never raised."""
        if self.stop.is_set():
            return
        async with self._lock:
            if self.stop.is_set():  # queued behind the lock while the daemon began to stop
                return
            self._current = asyncio.current_task()
            services = self.services
            await services.jobs.started(job_id)
            try:
                counts, message = await run(services)
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await asyncio.shield(services.jobs.ended(job_id, False, "cancelled", {}))
                raise
            except KeyRejectedError as exc:
                log.error("%s failed: %s", job_id, exc)
                await services.jobs.ended(job_id, False, str(exc).splitlines()[0], {})
                await services.jobs.set_problem(f"{job_id}: {str(exc).splitlines()[0]}")
            except SettingsError as exc:
                log.error("%s failed: %s", job_id, exc)
                await services.jobs.ended(job_id, False, str(exc).splitlines()[0], {})
                await services.jobs.set_problem(f"the config cannot be used: {exc}")
            except EXPECTED_ERRORS as exc:
                log.warning("%s failed: %s", job_id, exc)
                await services.jobs.ended(job_id, False, str(exc).splitlines()[0], {})
            except Exception as exc:
                log.exception("%s failed unexpectedly", job_id)
                await services.jobs.ended(job_id, False, f"{type(exc).__name__}: {exc}", {})
            else:
                log.info("%s done: %s", job_id, message or counts)
                await services.jobs.ended(job_id, True, message, counts)
            finally:
                self._current = None

    # -- the jobs ---------------------------------------------------------------------------

    async def _sync(self, services: Services) -> tuple[dict[str, Any], str | None]:
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
            await self._analyze(services)
            counts["drift"] = await self._drift(services)
        return counts, "; ".join(report.errors) or None

    async def _scan(self, services: Services) -> tuple[dict[str, Any], str | None]:
        report = await services.reconciler.scan_paths([])
        return await self._after_scan(services, _counts(report.counts))

    async def _after_scan(
        self, services: Services, counts: dict[str, Any]
    ) -> tuple[dict[str, Any], str | None]:
        if (
            counts.get("added", 0)
            + counts.get("changed", 0)
            + counts.get("moved", 0)
            + counts.get("removed", 0)
        ):
            await self._analyze(services)
            counts["drift"] = await self._drift(services)
        return counts, None

    async def _drift(self, services: Services) -> dict[str, int]:
        """Drift counts for `status` (only when both sides are known)."""
        if not self.settings.immich.url:
            return {}
        counts: dict[str, int] = drift_json(await services.drift.report())["counts"]
        return counts

    async def _analyze(self, services: Services) -> None:
        if self.settings.schedule.analyze_after_changes:
            report = await services.analyze.analyze()
            log.info("analysis: %s", report.as_json())

    async def _plan(self, services: Services) -> tuple[dict[str, Any], str | None]:
        planned = await services.writeback.plan()
        counts: dict[str, Any] = {"planned": len(planned.plan.actions)}
        auto = set(self.settings.schedule.auto_apply)
        chosen = only(planned, {str(c) for c in auto})
        if chosen.plan.actions:
            report = await services.writeback.apply(chosen)
            counts |= {"applied": report.applied, "failed": report.failed, "run_id": report.run_id}
        message = "; ".join(planned.errors) or None
        return counts, message

    # -- the file watcher -------------------------------------------------------------------

    def _roots(self) -> list[Path]:
        """The folders a full scan covers (the same area the rescans keep to)."""
        return ScanArea(self.settings).folders()

    def _restart_watcher(self) -> None:
        self._watch_stop = asyncio.Event()
        roots = self._roots()
        if not self.settings.schedule.watch or not roots:
            self.watcher_state = "off"
            return
        self.watcher_state = "polling" if self.settings.schedule.watch_force_polling else "active"
        self._watch_task = asyncio.create_task(self._watch(roots, self._watch_stop), name="watch")

    async def _stop_watcher(self) -> None:
        self._watch_stop.set()
        if self._watch_task is not None:
            self._watch_task.cancel()
            await asyncio.gather(self._watch_task, return_exceptions=True)
            self._watch_task = None

    async def _watch(self, roots: list[Path], stop: asyncio.Event) -> None:
        s = self.settings.schedule
        for polling in (True,) if s.watch_force_polling else (False, True):
            self.watcher_state = "polling" if polling else "active"
            try:
                async for changes in awatch(
                    *roots, debounce=s.watch_debounce_ms, stop_event=stop,
                    force_polling=polling, poll_delay_ms=1000, recursive=True,
                ):  # fmt: skip
                    await self._on_changes({Path(p) for _, p in changes}, roots)
                return
            except (OSError, RuntimeError) as exc:
                how = "polling instead" if not polling else "relying on the scheduled scan"
                log.warning("cannot watch the media folders (%s); %s", exc, how)
        self.watcher_state = "off"

    async def _on_changes(self, paths: set[Path], roots: list[Path]) -> None:
        area = ScanArea(self.settings)
        folders = set()
        for path in paths:
            folder = path if path.is_dir() else path.parent
            while not folder.exists() and folder not in roots and folder != folder.parent:
                folder = folder.parent  # a removed folder: rescan where it was
            if area.scope_of(folder) is not None:  # exactly what a full scan covers
                folders.add(folder)
        if not folders:
            return
        log.info("files changed in %d folder(s): rescanning them", len(folders))

        async def rescan(services: Services) -> tuple[dict[str, Any], str | None]:
            report = await services.reconciler.scan_changed(sorted(folders))
            return await self._after_scan(services, _counts(report.counts) if report else {})

        await self._exclusive("watch", rescan)

    # -- the config file --------------------------------------------------------------------

    async def _watch_config(self) -> None:
        assert self.config_path is not None
        target = _real(str(self.config_path))
        async for changes in awatch(os.path.dirname(target), debounce=400, recursive=False):
            if any(_real(p) == target for _, p in changes):
                await self.reload()

    async def reload(self) -> None:
        try:
            settings = self.load_settings()
        except SettingsError as exc:
            for line in str(exc).splitlines():
                log.error("config not applied, the running one is kept: %s", line)
            return
        async with self._lock:
            await self._stop_watcher()
            await self._close()
            await self._open(settings)
            await self._check_usable()
            await self._schedule()
            self._restart_watcher()
        log.info("config reloaded: %s", self._describe())

    async def _heartbeat(self) -> None:
        while True:
            with contextlib.suppress(*EXPECTED_ERRORS):
                await self.services.jobs.beat(self.watcher_state)
            await asyncio.sleep(HEARTBEAT_EVERY_S)


class KeyRejectedError(JobError):
    """Immich refused every API key (wrong, or without a needed permission)."""


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


def only(planned: WritePlan, categories: set[str]) -> WritePlan:
    """The part of a plan in the auto-apply categories (trash never)."""
    keep = []
    for n, action in enumerate(planned.plan.actions):
        kind = action.kind.value
        category = {"create_stack": action.category, "create_album": "review-album",
                    "add_to_album": "review-album", "create_tag": "tags",
                    "tag_assets": "tags", "publish_duplicates": "duplicates",
                    "repair_move": "repair-moves"}.get(kind)  # fmt: skip
        if category in categories:
            keep.append(n)
    out = WritePlan(type(planned.plan)(), errors=list(planned.errors))
    out.plan.actions = [planned.plan.actions[n] for n in keep]
    out.keys = [planned.keys[n] for n in keep]
    return out


def _real(path: str) -> str:
    return os.path.realpath(path)


def _counts(counts: Any) -> dict[str, Any]:
    return asdict(counts) if is_dataclass(counts) and not isinstance(counts, type) else {}
