"""Composition root: builds the store and the services from settings and owns their lifecycle
in one AsyncExitStack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from sidecar.engine.ports import ClientFactory
from sidecar.engine.services.analyze import AnalyzeService
from sidecar.engine.services.check import CheckService
from sidecar.engine.services.drift import DriftService
from sidecar.engine.services.jobs import JobsService
from sidecar.engine.services.keepers import KeepersService
from sidecar.engine.services.review import ReviewService
from sidecar.engine.services.scan import ScanService
from sidecar.engine.services.status import StatusService
from sidecar.engine.services.sync import SyncService
from sidecar.engine.services.writeback import Planner, WritebackService
from sidecar.engine.store.analysis import AnalysisStore
from sidecar.engine.store.assets import AssetStore
from sidecar.engine.store.db import Database, open_database
from sidecar.engine.store.files import FileStore
from sidecar.engine.store.jobs import JobStore
from sidecar.engine.store.journal import JournalStore
from sidecar.engine.store.marks import MarkStore
from sidecar.engine.store.operations import OperationStore
from sidecar.engine.support.executors import ExecutorFromSetting
from sidecar.immich_client import ImmichClient, RetryPolicy
from sidecar.immich_client.models import ServerVersion
from sidecar.settings import Settings


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    db: Database
    files: FileStore
    assets: AssetStore
    scan: ScanService
    status: StatusService
    sync: SyncService
    drift: DriftService
    check: CheckService
    analysis: AnalysisStore
    analyze: AnalyzeService
    writeback: WritebackService
    jobs: JobsService
    review: ReviewService
    keepers: KeepersService


CHECK_READ_WINDOW_S = 10.0  # `check` is asked for an answer now, not after a restart
GLANCE_READ_WINDOW_S = 5.0  # a plan shown as things stand (the TUI's write-back on arrival)


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
        files = FileStore(db)
        assets = AssetStore(db)
        operations = OperationStore(db)
        analysis = AnalysisStore(db)
        state = settings.storage.state_dir
        sync = SyncService(
            assets, operations, settings, client_factory(settings), state / "sync.lock"
        )
        executor = None
        if settings.analysis.executor:  # made on first use; shut down with the runtime
            executor = ExecutorFromSetting(settings.analysis.executor)
            stack.callback(executor.shutdown, wait=False)
        analyze = AnalyzeService(
            analysis,
            assets,
            MarkStore(db),
            operations,
            settings,
            client_factory(settings),
            executor=executor,
        )
        drift = DriftService(assets, files, settings)
        status = StatusService(files, operations, JobStore(db), db.path)
        jobs = JobsService(JobStore(db), settings)
        scan = ScanService(files, operations, settings, state / "scan.lock")
        journal = JournalStore(db)
        planner = Planner(journal, analysis, assets, sync, analyze, drift, settings)
        writeback = WritebackService(
            planner,
            client_factory(settings),
            state / "writeback.lock",
            glance=client_factory(settings, GLANCE_READ_WINDOW_S),
        )
        review = ReviewService(
            status,
            analysis,
            journal,
            assets,
            writeback,
            settings,
            client_factory(settings),
            sync=sync,
            scanner=scan,
            analyze=analyze,
        )
        stack.callback(review.previews.close)
        yield Runtime(
            settings=settings,
            db=db,
            files=files,
            assets=assets,
            scan=scan,
            status=status,
            sync=sync,
            drift=drift,
            check=CheckService(settings, client_factory(settings, CHECK_READ_WINDOW_S)),
            analysis=analysis,
            analyze=analyze,
            jobs=jobs,
            writeback=writeback,
            review=review,
            keepers=KeepersService(analysis, journal, assets),
        )
