"""What every screen of the TUI shares: the services it was given, typed accessors for them,
whether the results it shows may be out of date, and the one handler for failed workers."""

from __future__ import annotations

from typing import ClassVar, Protocol

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from sidecar.engine.services.keepers import KeepersService
from sidecar.engine.services.review import ReviewService
from sidecar.engine.services.writeback import WritebackService
from sidecar.tui.failures import UNEXPECTED, OnFailure, show_failure

__all__ = ["SidecarScreen", "TuiServices"]


class TuiServices(Protocol):
    """What the TUI calls (the runtime, or anything shaped like it)."""

    @property
    def review(self) -> ReviewService: ...
    @property
    def writeback(self) -> WritebackService: ...
    @property
    def keepers(self) -> KeepersService: ...


class SidecarScreen(Screen[None]):
    """A screen that calls the services it is given (the app gives them, as it makes it).
    Its workers run with `exit_on_error=False` and do not catch: a failure reaches
    `failed`, which shows it as `FAILURES` says for that worker."""

    FAILURES: ClassVar[dict[str, OnFailure]] = {}  # worker name -> what its failure shows

    def __init__(self, services: TuiServices) -> None:
        super().__init__()
        self.services = services
        self.stale = True  # the results shown may predate the latest sync, analysis or plan

    @property
    def review(self) -> ReviewService:
        return self.services.review

    @property
    def writeback(self) -> WritebackService:
        return self.services.writeback

    @property
    def keepers(self) -> KeepersService:
        return self.services.keepers

    def results_changed(self) -> None:
        """Told by the app when a sync, scan, analysis, plan or apply ran (here or on another
        screen): what this screen read before is read again when it is shown next."""
        self.stale = True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state is WorkerState.ERROR and error is not None:
            self.failed(event.worker.name, error)

    def failed(self, worker: str, error: BaseException) -> None:
        """Show the failure of the worker named `worker` (screens add to this where a
        failure is shown in place)."""
        show_failure(self.app, self.FAILURES.get(worker, UNEXPECTED), error)
