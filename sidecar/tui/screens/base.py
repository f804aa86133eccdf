"""What every main screen of the TUI shares: the services it was given, typed accessors for
them, and whether the results it shows may be out of date."""

from __future__ import annotations

from typing import Protocol

from textual.screen import Screen

from sidecar.engine.services.review import ReviewService
from sidecar.engine.services.writeback import WritebackService

__all__ = ["SidecarScreen", "TuiServices"]


class TuiServices(Protocol):
    """What the TUI calls (the runtime, or anything shaped like it)."""

    @property
    def review(self) -> ReviewService: ...
    @property
    def writeback(self) -> WritebackService: ...


class SidecarScreen(Screen[None]):
    """A screen that calls the services it is given (the app gives them, as it makes it)."""

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

    def results_changed(self) -> None:
        """Told by the app when a sync, scan, analysis, plan or apply ran (here or on another
        screen): what this screen read before is read again when it is shown next."""
        self.stale = True
