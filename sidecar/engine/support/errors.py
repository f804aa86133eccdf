"""The failures a job can meet in normal operation (Immich away, a busy lock, a bad config,
an unusable inventory, a request the engine refuses): callers such as the daemon report them
in one line and go on, and treat anything else as a bug.

The engine's own errors are defined here, not in the services that raise them, so a caller
catches them without importing a use case.
"""

from __future__ import annotations

from sidecar.engine.core.errors import StoreError
from sidecar.immich_client import (
    ImmichAuthError,
    ImmichError,
    ImmichPermissionError,
    ImmichUnavailableError,
)
from sidecar.settings import SettingsError


class JobError(Exception):
    """A job could do nothing useful (e.g. every user's sync failed)."""


class ScanBusyError(Exception):
    """Another scan holds the lock."""


class SyncBusyError(Exception):
    """Another sync holds the lock."""


class WritebackBusyError(Exception):
    """Another plan/apply/undo holds the lock."""


class NothingToScanError(Exception):
    """No PATH was given and no library is configured."""


class ScanPathError(NothingToScanError):
    """A PATH given to scan is not an existing folder (nothing is recorded for it)."""


class WritebackRefusedError(Exception):
    """Write-back refuses a request, whatever Immich would say: assets the mirror does not
    know, trashing every copy of a group, a run the journal does not know, an API key label
    no longer configured, an album or tag an action needs that was not made, an action kind
    it has no handler for. The message says what to do."""


BUSY_ERRORS: tuple[type[Exception], ...] = (ScanBusyError, SyncBusyError, WritebackBusyError)

EXPECTED_ERRORS: tuple[type[Exception], ...] = (
    ImmichError,
    StoreError,
    *BUSY_ERRORS,
    NothingToScanError,
    WritebackRefusedError,
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
    if isinstance(exc, BUSY_ERRORS):
        return "Another job (the daemon?) is doing it now: try again when it ends."
    if isinstance(exc, NothingToScanError):
        return "Add a [[libraries]] entry or storage roots to the config."
    return ""
