"""Scan progress: a live bar on a terminal, a log line every few seconds otherwise."""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType
from typing import Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from sidecar.engine.services.scan import ScanProgress

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


class _LiveProgress:
    """A rich progress bar on stderr when it is a terminal (else the subclass logs lines);
    a context manager that starts and stops it."""

    label = ""
    pulse = "bar.pulse"

    def __init__(self, enabled: bool = True, lines: bool | None = None) -> None:
        self.enabled = enabled if lines is None else lines  # log lines when not live
        self.live = enabled and sys.stderr.isatty()
        self._last_log = 0.0
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Self:
        if self.live:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn(f"[bold]{self.label}"),
                BarColumn(pulse_style=self.pulse),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("starting", total=None)
        return self

    def _log_due(self, edge: bool) -> bool:
        """Whether to print a line now (not live): at the edges, else every LOG_EVERY_S."""
        now = time.monotonic()
        if self.enabled and (edge or now - self._last_log >= LOG_EVERY_S):
            self._last_log = now
            return True
        return False

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()


class ScanProgressView(_LiveProgress):
    """Context manager exposing `update`, the callback the scan calls."""

    label, pulse = "scan", "cyan"

    def __init__(self, enabled: bool = True) -> None:
        super().__init__(enabled, lines=True)  # lines on stderr also with --json
        self._last_log = time.monotonic()

    def update(self, p: ScanProgress) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=_rate(p))
            return
        if self._log_due(p.event in ("start", "done")):
            print(f"scan {p.event}: {_rate(p)}", file=sys.stderr, flush=True)


class AnalysisProgressView(_LiveProgress):
    """Analysis progress: a bar on a terminal, a line every few seconds otherwise (stderr)."""

    label = "analysis"

    def update(self, stage: str, done: int, total: int) -> None:
        text = f"{stage} {done:,} of {total:,}" if stage == "fingerprints" else stage
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=text, completed=done, total=total)
            return
        if self._log_due(done == 0 or (done == total and stage == "fingerprints")):
            print(f"analysis: {text}", file=sys.stderr, flush=True)
