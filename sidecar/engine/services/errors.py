"""The failures a job can meet in normal operation (Immich away, a busy lock, a bad config,
an unusable inventory): callers such as the daemon report them in one line and go on, and
treat anything else as a bug."""

from __future__ import annotations

from sidecar.engine.services.reconcile import ScanBusyError
from sidecar.engine.services.scopes import NothingToScanError
from sidecar.engine.services.sync import SyncBusyError
from sidecar.engine.services.writeback import WritebackBusyError
from sidecar.engine.store.db import StoreError
from sidecar.immich_client import ImmichError
from sidecar.settings import SettingsError


class JobError(Exception):
    """A job could do nothing useful (e.g. every user's sync failed)."""


EXPECTED_ERRORS: tuple[type[Exception], ...] = (
    ImmichError, StoreError, ScanBusyError, SyncBusyError, WritebackBusyError, NothingToScanError,
    SettingsError, JobError,
)  # fmt: skip
