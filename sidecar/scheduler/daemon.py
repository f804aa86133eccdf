"""`immich-sidecar serve`: one asyncio process with the scheduled jobs, the file watcher and
the config watcher. This module is its lifecycle; the jobs are in `jobs`, the watchers in
`watcher`.

- Jobs (APScheduler 3 `AsyncIOScheduler`): Immich sync every `sync_every_min`, full
  reconciliation on `scan_cron`, write-back planning every `plan_every_min` (applying only the
  `auto_apply` categories). The analysis runs after a sync or scan that found something new.
  Jobs never overlap (one lock for all of them: they share one inventory); a run missed while
  the process was down runs once at start; job states are persisted for `status` and `health`.
- The file watcher rescans the folders where files changed (see `watcher`).
- The config file is watched: a valid edit re-opens the services with the new settings and
  reschedules the jobs; an invalid one is logged (file, line, key) and the running config kept.
- SIGTERM/SIGINT: no new work, the running job gets a few seconds to finish (then it is
  cancelled; transactions roll back), watchers and clients close, exit 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from sidecar.engine.services.jobs import HEARTBEAT_EVERY_S
from sidecar.engine.support.errors import EXPECTED_ERRORS
from sidecar.scheduler import jobs
from sidecar.scheduler.jobs import Job, JobRun, KeyRejectedError, Services, local_zone
from sidecar.scheduler.watcher import FolderWatcher, watch_config
from sidecar.settings import Settings, SettingsError

log = logging.getLogger("sidecar.daemon")
SHUTDOWN_GRACE_S = 5.0

OpenServices = Callable[[Settings], AbstractAsyncContextManager[Services]]


@dataclass(slots=True)
class Daemon:
    open_services: OpenServices
    load_settings: Callable[[], Settings]
    settings: Settings
    config_path: Path | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    _services: Services | None = None
    _stack: AsyncExitStack | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _scheduler: AsyncIOScheduler | None = None
    _current: asyncio.Task[Any] | None = None
    _watcher: FolderWatcher | None = None
    grace_s: float = SHUTDOWN_GRACE_S

    @property
    def services(self) -> Services:
        assert self._services is not None
        return self._services

    @property
    def watcher_state(self) -> str:
        return self._watcher.state if self._watcher is not None else "off"

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
            config = watch_config(self.config_path, self.reload)
            tasks.append(asyncio.create_task(config, name="config"))
        self._start_watcher()
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
        return (
            f"sync every {s.sync_every_min:g} min, scan '{s.scan_cron}' ({local_zone()}), "
            f"plan every {s.plan_every_min:g} min, auto-apply {auto}, "
            f"watcher {self.watcher_state}"
        )

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
            self._start_watcher()
        log.info("config reloaded: %s", self._describe())

    async def _heartbeat(self) -> None:
        while True:
            with contextlib.suppress(*EXPECTED_ERRORS):
                await self.services.jobs.beat(self.watcher_state)
            await asyncio.sleep(HEARTBEAT_EVERY_S)

    # -- the file watcher -------------------------------------------------------------------

    def _start_watcher(self) -> None:
        self._watcher = FolderWatcher(self.settings, self._rescan)
        self._watcher.start()

    async def _stop_watcher(self) -> None:
        if self._watcher is not None:
            await self._watcher.stop()

    async def _rescan(self, folders: list[Path]) -> None:
        await self._exclusive("watch", jobs.rescan(folders))

    # -- scheduling ------------------------------------------------------------------------

    async def _schedule(self) -> None:
        assert self._scheduler is not None
        self._scheduler.remove_all_jobs()
        now = datetime.now(UTC)
        for job in jobs.scheduled_jobs(self.settings):
            state = await self.services.jobs.get(job.id)
            started = state.last_started if state else None
            last = datetime.fromisoformat(started) if started else None
            due = job.trigger.get_next_fire_time(None, last) if last else now
            first = now if due is None or due <= now else due  # a missed run runs at start
            self._scheduler.add_job(
                self._run_job,
                job.trigger,
                args=[job],
                id=job.id,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
                next_run_time=first,
            )
            await self.services.jobs.set_next_run(job.id, first)

    async def _run_job(self, job: Job) -> None:
        await self._exclusive(job.id, job.run)
        scheduled = self._scheduler.get_job(job.id) if self._scheduler else None
        if scheduled is not None and not self.stop.is_set():
            await self.services.jobs.set_next_run(job.id, scheduled.next_run_time)

    async def _exclusive(self, job_id: str, run: JobRun) -> None:
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
