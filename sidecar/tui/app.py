"""The review TUI: dashboard, duplicate groups, pairs, write-back plan and runs.

Keyboard-first and usable over SSH in 80x24: every action has a key (see `?`), lists load a
page at a time, anything that touches the network or decodes images runs in a worker, and a
failure of something asked for is a modal with what to do (never a traceback). Decisions made
here are recorded at once; nothing is written to Immich until an apply, here or on the command
line. In a 16-colour terminal it uses the terminal's own ANSI palette.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import Notify
from textual.widgets import Input
from textual.worker import Worker

from sidecar.tui.messages import ResultsChanged
from sidecar.tui.screens.base import SidecarScreen, TuiServices
from sidecar.tui.screens.compare import Compare
from sidecar.tui.screens.confirm import Confirm
from sidecar.tui.screens.dashboard import Dashboard
from sidecar.tui.screens.group_view import GroupView
from sidecar.tui.screens.groups import Groups, PathField
from sidecar.tui.screens.help import Help
from sidecar.tui.screens.paged import PagedList
from sidecar.tui.screens.pairs import Pairs
from sidecar.tui.screens.problem import Problem
from sidecar.tui.screens.writeback import Writeback

NOTE_SECONDS = 4.0  # how long a notification stays (the next one replaces it sooner)
STOP_WAIT_S = 10.0  # how long quitting waits for a stopped job to record how it ended

__all__ = ["Compare", "Confirm", "GroupView", "Help", "Problem", "SidecarApp"]


class SidecarApp(App[None]):
    TITLE = "immich-sidecar"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # whole: subclasses live elsewhere
    ENABLE_COMMAND_PALETTE = False  # every action has a key; ctrl+p would only add noise
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "go('dashboard')", "Dashboard", show=False),
        Binding("g", "go('groups')", "Groups", show=False),
        Binding("p", "go('pairs')", "Pairs", show=False),
        Binding("w", "go('writeback')", "Write-back", show=False),
        Binding("question_mark", "help", "Help", show=False),
        Binding("q", "quit_or_back", "Quit", show=False),
    ]  # each screen's footer shows the ones that fit (see base.nav)
    MAIN_SCREENS: ClassVar[dict[str, type[SidecarScreen]]] = {
        "dashboard": Dashboard,
        "groups": Groups,
        "pairs": Pairs,
        "writeback": Writeback,
    }

    def __init__(self, services: TuiServices, *, ansi: bool | None = False) -> None:
        """`ansi`: use the terminal's own 16 ANSI colours (True), the full-colour theme
        (False), or decide by what the terminal can show (None: ANSI when it has 16 colours,
        e.g. TERM=xterm without COLORTERM, as over many SSH sessions)."""
        super().__init__()
        self.services = services
        self.made: dict[str, SidecarScreen] = {}  # the main screens made so far, by name
        self.stopping = False  # q pressed while a job ran: quitting once it has stopped
        if ansi is None:
            ansi = self.console.color_system == "standard"
        if ansi:
            self.theme = "ansi-dark"

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications are plain text unless asked otherwise: they carry file names and
        error messages (e.g. "[immich] url"), which must not be read as markup. One at a
        time: a new one replaces the one shown (a burst of decisions is not a pile of
        toasts over the table; see `on_notify`); shown for NOTE_SECONDS unless asked
        otherwise."""
        if timeout is None:
            timeout = NOTE_SECONDS
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    async def on_key(self, event: events.Key) -> None:
        """A key handed to a screen that has been replaced since (keys sent together, as a
        paste or tmux sends them: `g / text enter` — every key goes to the focused widget
        before `g` acts) comes back here unhandled: it acts on the screen shown now, through
        its priority keys, or as text in the field that has the focus now (the field's own
        keys, enter included, reach it through the bindings already)."""
        if not event.is_forwarded:
            return
        if await self._check_bindings(event.key, priority=True):
            event.prevent_default()  # not the non-priority bindings too (Textual's, next)
            return
        field = self.focused
        if isinstance(field, PathField) and not field.takes_text():
            return  # the list's: its keys (it has the focus now) are Textual's to check next
        if isinstance(field, Input) and event.is_printable and event.character:
            field.insert_text_at_cursor(event.character)
            event.prevent_default()

    def on_notify(self, event: Notify) -> None:
        """The notification just shown replaces every other. Done here, as each arrives
        (`notify` only posts it): two said in a row both arrive after either was said."""
        for shown in list(self._notifications):
            if shown is not event.notification:
                self._unnotify(shown, refresh=False)
        self._refresh_notifications()

    def main_screen(self, name: str) -> SidecarScreen:
        """The main screen called `name`, made with the services (and kept: installed) the
        first time it is shown."""
        if name not in self.made:
            self.made[name] = screen = self.MAIN_SCREENS[name](self.services)
            self.install_screen(screen, name)
        return self.made[name]

    def on_mount(self) -> None:
        self.push_screen(self.main_screen("dashboard"))

    def on_results_changed(self, message: ResultsChanged) -> None:
        for screen in self.made.values():
            if screen is not message.fresh:
                screen.results_changed()

    async def action_go(self, name: str) -> None:
        """Show the main screen `name`. A list shown for the first time is awaited until its
        first page is in (at most paged.FIRST_PAGE_S): the keys sent with this one (`g enter n`)
        wait here and then act on its rows instead of finding an empty list."""
        while isinstance(self.screen, (GroupView, Compare)):  # back to the list first
            self.pop_screen()
        screen = self.main_screen(name)
        await self.switch_screen(screen)
        if isinstance(screen, PagedList):
            await screen.rows_ready()

    def action_help(self) -> None:
        self.push_screen(Help())

    def action_quit_or_back(self) -> None:
        """Back from a group; else quit. A sync, scan or analysis running is stopped first
        (said at once), so its run is recorded as stopped by you, not found unfinished."""
        if isinstance(self.screen, GroupView):
            self.pop_screen()
            return
        jobs = [w for w in self.workers if w.group == "job" and not w.is_finished]
        if not jobs:
            self.exit()
        elif not self.stopping:
            self.stopping = True
            dashboard = self.made.get("dashboard")
            running = dashboard.running_job() if isinstance(dashboard, Dashboard) else None
            self.notify(f"Stopping the {running or 'job'}…", timeout=STOP_WAIT_S)
            self.run_worker(self.stop_then_quit(jobs), group="quit", exit_on_error=False)

    async def stop_then_quit(self, jobs: list[Worker[Any]]) -> None:
        """Cancel the jobs, wait until each has recorded how it ended (at most STOP_WAIT_S),
        then quit."""
        for job in jobs:
            job.cancel()
        waits = asyncio.gather(*(job.wait() for job in jobs), return_exceptions=True)
        with suppress(TimeoutError):
            await asyncio.wait_for(waits, STOP_WAIT_S)
        self.exit()
