"""The failures a job can meet in normal operation (Immich away, a busy lock, a bad config,
an unusable inventory): callers such as the daemon report them in one line and go on, and
treat anything else as a bug."""

from __future__ import annotations

from sidecar.engine.core.errors import StoreError
from sidecar.engine.services.reconcile import ScanBusyError
from sidecar.engine.services.scopes import NothingToScanError
from sidecar.engine.services.sync import SyncBusyError
from sidecar.engine.services.writeback import WritebackBusyError
from sidecar.immich_client import (
    ImmichAuthError,
    ImmichError,
    ImmichPermissionError,
    ImmichUnavailableError,
)
from sidecar.settings import SettingsError


class JobError(Exception):
    """A job could do nothing useful (e.g. every user's sync failed)."""


EXPECTED_ERRORS: tuple[type[Exception], ...] = (
    ImmichError,
    StoreError,
    ScanBusyError,
    SyncBusyError,
    WritebackBusyError,
    NothingToScanError,
    SettingsError,
    JobError,
)


def what_to_do(exc: BaseException) -> str:
    """One line telling a person what to do about an expected failure ("" when there is
    nothing more to say than the message itself)."""
    if isinstance(exc, ImmichAuthError):
        return "Check immich.api_key (Immich: Account Settings > API Keys); nothing was changed."
    if isinstance(exc, ImmichPermissionError):
        return (
            "Give the API key the permission named above (or turn that feature off); "
            "nothing else was affected."
        )
    if isinstance(exc, ImmichUnavailableError):
        return (
            "Nothing was changed. Check that Immich is running and immich.url is right, "
            "then try again."
        )
    if isinstance(exc, (ScanBusyError, SyncBusyError, WritebackBusyError)):
        return "Another job (the daemon?) is doing it now: try again when it ends."
    if isinstance(exc, NothingToScanError):
        return "Add a [[libraries]] entry or storage roots to the config."
    return ""
