"""What every screen of the TUI shares: the services it calls and the results version."""

from __future__ import annotations

from typing import Protocol, cast

from textual.dom import DOMNode

from sidecar.engine.services.review import ReviewService
from sidecar.engine.services.writeback import WritebackService

__all__ = ["PAGE", "TuiServices", "services"]

PAGE = 200  # rows read at a time by the lists; the next page loads near the end


class TuiServices(Protocol):
    @property
    def review(self) -> ReviewService: ...
    @property
    def writeback(self) -> WritebackService: ...


def services(node: DOMNode) -> TuiServices:
    """The services of the app `node` belongs to (the runtime, or anything shaped like it)."""
    return cast(TuiServices, node.app.services)  # type: ignore[attr-defined]


def results_version(node: DOMNode) -> int:
    """Bumped by the app whenever analysis results may have changed (lists read before that
    are read again)."""
    return int(getattr(node.app, "results_version", 0))


def results_changed(node: DOMNode) -> None:
    node.app.results_version = results_version(node) + 1  # type: ignore[attr-defined]
