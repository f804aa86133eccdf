"""Composition root: builds the store and the services from settings and owns their lifecycle
in one AsyncExitStack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from sidecar.engine.services.reconcile import Reconciler
from sidecar.engine.services.status import StatusService
from sidecar.engine.store.db import Database, open_database
from sidecar.engine.store.files import FileStore
from sidecar.engine.store.operations import OperationStore
from sidecar.settings import Settings


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    db: Database
    files: FileStore
    reconciler: Reconciler
    status: StatusService


@asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    async with AsyncExitStack() as stack:
        db = await stack.enter_async_context(open_database(settings.storage.db_path))
        files = FileStore(db)
        operations = OperationStore(db)
        lock = settings.storage.state_dir / "scan.lock"
        yield Runtime(
            settings=settings,
            db=db,
            files=files,
            reconciler=Reconciler(files, operations, settings, lock),
            status=StatusService(files, operations),
        )
