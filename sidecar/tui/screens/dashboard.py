"""The dashboard: inventory, duplicates and pairs, trash queue, drift, the daemon's jobs, and
keys to run a sync, scan or analysis now (the services the daemon uses)."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Header, Static

from sidecar.engine.services.drift import drift_counts
from sidecar.engine.services.review import Overview
from sidecar.tui.failures import OnFailure, Show
from sidecar.tui.messages import ResultsChanged
from sidecar.tui.nav import nav
from sidecar.tui.reports import sentence
from sidecar.tui.screens.base import SidecarScreen, TuiServices
from sidecar.tui.widgets.keys import Keys

REFRESH_S = 10
WAITING_NOTE_S = 10  # while a job waits for Immich, a note says so this often
JOBS = ("sync", "scan", "analyze")
NAMES = {"sync": "sync", "scan": "scan", "analyze": "analysis"}  # what a message calls each


def _line(title: str, text: str) -> Content:
    """A line of the summary: its title in bold, then `text` as written (user names, paths
    and error messages in it are never read as markup)."""
    return Content.assemble((title, "bold"), text)


def summary(d: Overview) -> Content:
    users = (
        " (" + ", ".join(f"{u} {n:,}" for u, n in sorted(d.per_user.items())) + ")"
        if len(d.per_user) > 1
        else ""
    )
    drift = drift_counts(d.drift)
    groups = ", ".join(f"{k} {v:,}" for k, v in sorted(d.groups.items()))
    pairs = ", ".join(f"{k} {v:,}" for k, v in sorted(d.pairs.items()))
    files = f"files {d.files:,} (removed {d.files_removed:,})"
    lines = [
        _line("Inventory", f"   {files}   Immich assets {d.assets:,}{users}"),
        _line("Duplicates", "  " + (groups or "none (press N to analyse)")),
        _line("Pairs", "       " + (pairs or "none")),
        _line(
            "Trash queue",
            f" {d.trash_pending:,} asset(s) decided (applied with T on the write-back screen)",
        ),
        _line("Drift", "       " + (drift or "not computed yet (the daemon computes it)")),
        _line("Daemon", f"      heartbeat {(d.heartbeat or 'never')[:19]}, watcher {d.watcher}"),
    ]
    for job in d.jobs:
        lines.append(
            Content(
                f"  {job.id:<6} last {job.last_status or '-'} at "
                f"{(job.last_started or '-')[:19]}, next {(job.next_run or '-')[:19]}"
                + (f" — {job.last_message}" if job.last_message else "")
            )
        )
    return Content("\n").join(lines)


class Dashboard(SidecarScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("S", "run('sync')", "Sync"),
        Binding("R", "run('scan')", "Scan"),
        Binding("N", "run('analyze')", "aNalyse"),  # A is Apply, on the write-back screen
        *nav("dashboard", quit=True),
    ]
    FAILURES: ClassVar[dict[str, OnFailure]] = {
        "refresh_data": OnFailure(Show.ERROR, "cannot read the inventory"),
        # Immich down, a busy lock, ...: a modal
        **{job: OnFailure(Show.PROBLEM, f"{NAMES[job].capitalize()} failed") for job in JOBS},
    }

    def __init__(self, services: TuiServices) -> None:
        super().__init__(services)
        self.running = asyncio.Lock()  # one job at a time, in the order asked
        self.asked: list[str] = []  # the jobs running or waiting, in order
        self.epoch = 0  # a failed job drops those asked before it was shown
        self.waited_said: float | None = None  # the wait the last note named (s)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("Loading…", id="summary")
        yield Keys()

    @property
    def summary_box(self) -> Static:
        return self.query_one("#summary", Static)

    def on_mount(self) -> None:
        self.set_interval(REFRESH_S, self._tick)  # the daemon may be changing things
        self.set_interval(1, self.say_waiting)

    def say_waiting(self) -> None:
        """While the job running waits for Immich (it retries while Immich does not answer),
        a note says so every few seconds: otherwise nothing shows for up to a minute."""
        job = self.running_job()
        waited = self.review.immich_waiting_s() if job else None
        if job is None or waited is None or waited < 1:
            self.waited_said = None
            return
        if self.waited_said is None or waited - self.waited_said >= WAITING_NOTE_S:
            self.waited_said = waited
            self.app.notify(
                f"{job.capitalize()}: waiting for Immich (not answering; retrying, {waited:.0f} s)",
                timeout=WAITING_NOTE_S,
            )

    def _tick(self) -> None:
        if self.is_current:
            self.refresh_data()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    @work(exclusive=True, group="dashboard", exit_on_error=False)
    async def refresh_data(self) -> None:
        numbers = await self.review.overview()
        self.summary_box.update(summary(numbers))

    def action_run(self, what: str) -> None:
        """A sync, scan or analysis now, in a worker named for the job. Keys pressed while
        one runs are run after it, in the order pressed (a job already asked for is not
        asked twice); a failure drops those still waiting, so one modal says what failed."""
        if what in self.asked:
            self.app.notify(f"The {NAMES[what]} is already asked for")
            return
        self.asked.append(what)
        job = self.run_job(what, self.epoch)
        self.run_worker(job, name=what, group="job", exit_on_error=False)

    def running_job(self) -> str | None:
        """What the job running now is called ("analysis"), if one runs."""
        return NAMES[self.asked[0]] if self.asked and self.running.locked() else None

    async def run_job(self, what: str, epoch: int) -> None:
        review = self.review
        calls = {"sync": review.run_sync, "scan": review.run_scan, "analyze": review.run_analyze}
        if self.running.locked():
            self.app.notify(f"The {NAMES[what]} runs after the {NAMES[self.asked[0]]}")
        try:
            async with self.running:
                if epoch != self.epoch:  # asked before a failure was shown: not run
                    return
                self.app.notify(f"{NAMES[what].capitalize()} started")
                try:
                    report = await calls[what]()
                except BaseException:
                    self.epoch += 1
                    raise
        finally:
            self.asked.remove(what)
        self.app.notify(sentence(what, report))
        self.post_message(ResultsChanged())
        self.refresh_data()
