"""Scan progress: a live bar on a terminal, a log line every few seconds otherwise."""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from sidecar.engine.services.reconcile import ScanProgress

log = logging.getLogger("sidecar.scan")
LOG_EVERY_S = 5.0


def _rate(p: ScanProgress) -> str:
    elapsed = max(time.monotonic() - p.started, 1e-6)
    c = p.counts
    return (
        f"{c.scanned:,} files seen ({c.scanned / elapsed:,.0f}/s), {c.hashed:,} hashed "
        f"({c.bytes_hashed / 1e6:,.1f} MB, {c.bytes_hashed / 1e6 / elapsed:,.1f} MB/s), "
        f"{c.errors:,} errors"
    )


class ScanProgressView:
    """Context manager exposing `update`, the callback the reconciler calls."""

    def __init__(self, enabled: bool = True) -> None:
        self.live = enabled and sys.stderr.isatty()
        self._last_log = time.monotonic()
        self._progress: Progress | None = None
        self._task: object = None

    def __enter__(self) -> ScanProgressView:
        if self.live:
            self._progress = Progress(
                SpinnerColumn(), TextColumn("[bold]scan"), BarColumn(pulse_style="cyan"),
                TextColumn("{task.description}"), TimeElapsedColumn(),
                console=Console(stderr=True), transient=True,
            )  # fmt: skip
            self._progress.start()
            self._task = self._progress.add_task("starting", total=None)
        return self

    def update(self, p: ScanProgress) -> None:
        if self._progress is not None:
            self._progress.update(self._task, description=_rate(p))  # type: ignore[arg-type]
            return
        now = time.monotonic()
        if p.event in ("start", "done") or now - self._last_log >= LOG_EVERY_S:
            self._last_log = now
            print(f"scan {p.event}: {_rate(p)}", file=sys.stderr, flush=True)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()


class AnalysisProgressView:
    """Analysis progress: a bar on a terminal, a line every few seconds otherwise (stderr)."""

    def __init__(self, enabled: bool = True) -> None:
        self.live = enabled and sys.stderr.isatty()
        self.enabled = enabled
        self._last_log = 0.0
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> AnalysisProgressView:
        if self.live:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("[bold]analysis"),
                BarColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("starting", total=None)
        return self

    def update(self, stage: str, done: int, total: int) -> None:
        text = f"{stage} {done:,} of {total:,}" if stage == "fingerprints" else stage
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=text, completed=done, total=total)
            return
        now = time.monotonic()
        edge = done == 0 or (done == total and stage == "fingerprints")
        if self.enabled and (edge or now - self._last_log >= LOG_EVERY_S):
            self._last_log = now
            print(f"analysis: {text}", file=sys.stderr, flush=True)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
