"""Composition root: builds the store and the services from settings and owns their lifecycle
in one AsyncExitStack. Each service (and the store it reads) is made, and its module imported,
when first used: a command imports only what it uses (`sync` does without the analysis, the
write-back and the review, about a tenth of its start)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from sidecar.engine.ports import ClientFactory
from sidecar.engine.store.db import Database, open_database
from sidecar.engine.support.locks import ExclusiveLock
from sidecar.immich_client import ImmichClient, RetryPolicy
from sidecar.immich_client.models import ServerVersion
from sidecar.settings import Settings

if TYPE_CHECKING:
    from sidecar.engine.services.analyze import AnalyzeService
    from sidecar.engine.services.check import CheckService
    from sidecar.engine.services.drift import DriftService
    from sidecar.engine.services.jobs import JobsService
    from sidecar.engine.services.keepers import KeepersService
    from sidecar.engine.services.review import ReviewService
    from sidecar.engine.services.scan import ScanService
    from sidecar.engine.services.status import StatusService
    from sidecar.engine.services.sync import SyncService
    from sidecar.engine.services.writeback import WritebackService
    from sidecar.engine.store.analysis import AnalysisStore
    from sidecar.engine.store.assets import AssetStore
    from sidecar.engine.store.files import FileStore
    from sidecar.engine.store.journal import JournalStore
    from sidecar.engine.store.operations import OperationStore

CHECK_READ_WINDOW_S = 10.0  # `check` is asked for an answer now, not after a restart
GLANCE_READ_WINDOW_S = 5.0  # a plan shown as things stand (the TUI's write-back on arrival)


class Runtime:
    """The inventory and the services over it, each made on first use (one of each per
    runtime: every service that needs another gets the same one)."""

    def __init__(self, settings: Settings, db: Database, stack: AsyncExitStack) -> None:
        self.settings = settings
        self.db = db
        self._stack = stack  # what a service leaves to close is closed with the runtime

    # the stores

    @cached_property
    def files(self) -> FileStore:
        from sidecar.engine.store.files import FileStore

        return FileStore(self.db)

    @cached_property
    def assets(self) -> AssetStore:
        from sidecar.engine.store.assets import AssetStore

        return AssetStore(self.db)

    @cached_property
    def operations(self) -> OperationStore:
        from sidecar.engine.store.operations import OperationStore

        return OperationStore(self.db)

    @cached_property
    def analysis(self) -> AnalysisStore:
        from sidecar.engine.store.analysis import AnalysisStore

        return AnalysisStore(self.db)

    @cached_property
    def journal(self) -> JournalStore:
        from sidecar.engine.store.journal import JournalStore

        return JournalStore(self.db)

    # the services

    @cached_property
    def sync(self) -> SyncService:
        from sidecar.engine.services.sync import SyncService

        lock = self.settings.storage.state_dir / "sync.lock"
        return SyncService(
            self.assets, self.operations, self.settings, client_factory(self.settings), lock
        )

    @cached_property
    def analyze(self) -> AnalyzeService:
        from sidecar.engine.services.analyze import AnalyzeService
        from sidecar.engine.store.marks import MarkStore
        from sidecar.engine.support.executors import ExecutorFromSetting

        executor = None
        if self.settings.analysis.executor:  # made on first use; shut down with the runtime
            executor = ExecutorFromSetting(self.settings.analysis.executor)
            self._stack.callback(executor.shutdown, wait=False)
        return AnalyzeService(
            self.analysis,
            self.assets,
            MarkStore(self.db),
            self.operations,
            self.settings,
            client_factory(self.settings),
            executor=executor,
        )

    @cached_property
    def drift(self) -> DriftService:
        from sidecar.engine.services.drift import DriftService

        return DriftService(self.assets, self.files, self.settings)

    @cached_property
    def status(self) -> StatusService:
        from sidecar.engine.services.status import StatusService
        from sidecar.engine.store.jobs import JobStore

        return StatusService(self.files, self.operations, JobStore(self.db), self.db.path)

    @cached_property
    def jobs(self) -> JobsService:
        from sidecar.engine.services.jobs import JobsService
        from sidecar.engine.store.jobs import JobStore

        return JobsService(JobStore(self.db), self.settings)

    @cached_property
    def scan(self) -> ScanService:
        from sidecar.engine.services.scan import ScanService

        lock = self.settings.storage.state_dir / "scan.lock"
        return ScanService(self.files, self.operations, self.settings, lock)

    @cached_property
    def check(self) -> CheckService:
        from sidecar.engine.services.check import CheckService

        return CheckService(self.settings, client_factory(self.settings, CHECK_READ_WINDOW_S))

    @cached_property
    def writeback(self) -> WritebackService:
        from sidecar.engine.services.writeback import Planner, WritebackService

        planner = Planner(
            self.journal,
            self.analysis,
            self.assets,
            self.sync,
            self.analyze,
            self.drift,
            self.settings,
        )
        return WritebackService(
            planner,
            client_factory(self.settings),
            self.settings.storage.state_dir / "writeback.lock",
            glance=client_factory(self.settings, GLANCE_READ_WINDOW_S),
        )

    @cached_property
    def review(self) -> ReviewService:
        from sidecar.engine.services.review import ReviewService

        review = ReviewService(
            self.status,
            self.analysis,
            self.journal,
            self.assets,
            self.writeback,
            self.settings,
            client_factory(self.settings),
            sync=self.sync,
            scanner=self.scan,
            analyze=self.analyze,
        )
        self._stack.callback(review.previews.close)
        return review

    @cached_property
    def keepers(self) -> KeepersService:
        from sidecar.engine.services.keepers import KeepersService

        return KeepersService(self.analysis, self.journal, self.assets)


def client_factory(settings: Settings, read_window_s: float | None = None) -> ClientFactory:
    """Clients for the configured server, one per API key; reads retry for
    `[immich] read_retry_s` unless a shorter `read_window_s` is asked for."""
    window = settings.immich.read_retry_s
    if read_window_s is not None:
        window = min(window, read_window_s)

    def connect(api_key: str, version: ServerVersion | None = None) -> ImmichClient:
        return ImmichClient.connect(
            settings.immich_url(),
            api_key,
            connect_timeout_s=settings.immich.connect_timeout_s,
            request_timeout_s=settings.immich.request_timeout_s,
            retry=RetryPolicy(attempts=settings.immich.retries, read_window_s=window),
            version=version,
        )

    return connect


@asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    async with AsyncExitStack() as stack:
        db = await stack.enter_async_context(open_database(settings.storage.db_path))
        # a scan writing many records drops the content-hash index and builds it again at its
        # end; one killed meanwhile left it dropped: built again here, before anything reads
        # by content, unless a scan is running (its lock is only tried when the index is gone:
        # every other start costs one lookup of sqlite_master)
        runtime = Runtime(settings, db, stack)
        if await runtime.files.hash_index_dropped():
            with ExclusiveLock(settings.storage.state_dir / "scan.lock") as no_scan:
                if no_scan:
                    await runtime.files.restore_hash_index()
        yield runtime
