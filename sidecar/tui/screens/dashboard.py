"""The dashboard: inventory, duplicates and pairs, trash queue, drift, the daemon's jobs, and
keys to run a sync, scan or analysis now (the services the daemon uses)."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from sidecar.engine.services.review import Overview
from sidecar.tui.failures import OnFailure, Show
from sidecar.tui.messages import ResultsChanged
from sidecar.tui.nav import nav
from sidecar.tui.reports import sentence
from sidecar.tui.screens.base import SidecarScreen

REFRESH_S = 10
JOBS = ("sync", "scan", "analyze")
DRIFT = {
    "not_in_immich": "not imported",
    "in_immich_trash": "in Immich's trash",
    "missing_on_disk": "offline (file gone)",
    "reimported_moves": "moved and re-imported",
    "multi_path_content": "same content at several paths",
}


def summary(d: Overview) -> str:
    users = (
        " (" + ", ".join(f"{escape(u)} {n:,}" for u, n in sorted(d.per_user.items())) + ")"
        if len(d.per_user) > 1
        else ""
    )
    drift = ", ".join(f"{DRIFT.get(k, k.replace('_', ' '))} {v:,}" for k, v in d.drift.items())
    lines = [
        f"[b]Inventory[/b]   files {d.files:,} (removed {d.files_removed:,})   "
        f"Immich assets {d.assets:,}{users}",
        "[b]Duplicates[/b]  "
        + (
            ", ".join(f"{k} {v:,}" for k, v in sorted(d.groups.items()))
            or "none (press N to analyse)"
        ),
        "[b]Pairs[/b]       "
        + (", ".join(f"{k} {v:,}" for k, v in sorted(d.pairs.items())) or "none"),
        f"[b]Trash queue[/b] {d.trash_pending:,} asset(s) decided (applied with T on the "
        "write-back screen)",
        "[b]Drift[/b]       " + (drift or "not computed yet (the daemon computes it)"),
        f"[b]Daemon[/b]      heartbeat {(d.heartbeat or 'never')[:19]}, watcher {d.watcher}",
    ]
    for job in d.jobs:
        lines.append(
            f"  {job.id:<6} last {job.last_status or '-'} at "
            f"{(job.last_started or '-')[:19]}, next {(job.next_run or '-')[:19]}"
            + (f" — {escape(job.last_message)}" if job.last_message else "")
        )
    return "\n".join(lines)


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
        **{job: OnFailure(Show.PROBLEM, f"{job.capitalize()} failed") for job in JOBS},
    }

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("Loading…", id="summary")
        yield Footer()

    @property
    def summary_box(self) -> Static:
        return self.query_one("#summary", Static)

    def on_mount(self) -> None:
        self.set_interval(REFRESH_S, self._tick)  # the daemon may be changing things

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
        """A sync, scan or analysis now, in a worker named for the job."""
        job = self.run_job(what)
        self.run_worker(job, name=what, group="job", exclusive=True, exit_on_error=False)

    async def run_job(self, what: str) -> None:
        review = self.review
        calls = {"sync": review.run_sync, "scan": review.run_scan, "analyze": review.run_analyze}
        self.app.notify(f"{what.capitalize()} started")
        self.app.notify(sentence(what, await calls[what]()))
        self.post_message(ResultsChanged())
        self.refresh_data()
