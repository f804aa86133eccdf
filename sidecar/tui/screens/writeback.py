"""Write-back: the pending plan by kind (stacks with their primary, album entries, tags, what
goes to Immich's trash, every asset by its path), apply behind a confirmation that lists all of
it, what a run did afterwards, and past runs with undo (its confirmation says per kind what
undo will do)."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Static

from sidecar.engine.services.writeback import WritePlan
from sidecar.engine.services.writeback.run_wording import status_word
from sidecar.engine.services.writeback.wording import Section, headline
from sidecar.tui.failures import OnFailure, Show
from sidecar.tui.messages import ResultsChanged
from sidecar.tui.nav import nav
from sidecar.tui.screens.base import SidecarScreen, TuiServices
from sidecar.tui.screens.confirm import Confirm
from sidecar.tui.screens.problem import Problem
from sidecar.tui.text import lines_of, plain, when
from sidecar.tui.widgets.keys import Keys

SHOWN = 200  # items per kind on the screen (the confirmation lists up to CONFIRMED)
CONFIRMED = 2000


def markup(sections: list[Section]) -> Content:
    """Sections as text: titles bold, warnings marked, each item on its own indented line;
    paths and names as written (never read as markup)."""
    out: list[Content | str] = []
    for s in sections:
        if s.warning:
            out.append(Content.styled(f"⚠ {s.title}", "bold $warning"))
        else:
            out.append(Content.styled(s.title, "bold"))
        out += [f"  {line}" for line in s.lines]
    return lines_of(out)


def keys_hint(planned: WritePlan) -> Content:
    if any(a.kind.value == "trash" for a in planned.plan.actions):
        return Content.styled(
            "\nA applies it without the trash, T with it (both ask first)", "italic"
        )
    return (
        Content.styled("\nA applies it (asks first)", "italic")
        if planned.plan.actions
        else Content()
    )


class Writeback(SidecarScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "plan", "Plan"),
        Binding("A", "apply(False)", "Apply"),
        Binding("T", "apply(True)", "Apply+trash"),
        Binding("u", "undo", "Undo"),
        *nav("writeback"),
    ]
    FAILURES: ClassVar[dict[str, OnFailure]] = {
        "load_runs": OnFailure(Show.ERROR, "cannot read the runs"),
        "planning": OnFailure(Show.PROBLEM, "Planning failed"),  # l, A or T (see `failed`)
        "action_apply": OnFailure(Show.PROBLEM, "Apply failed"),
        "confirm_undo": OnFailure(Show.PROBLEM, "Undo failed"),
    }

    def __init__(self, services: TuiServices) -> None:
        super().__init__(services)
        self.planned: WritePlan | None = None
        self.run_ids: list[int] = []
        self.busy = asyncio.Lock()
        self.planning = False  # a plan of l, A or T is being made (a failure is the plan's)
        self.away = True  # not shown since it was made or since another screen was

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="plan-box"):
            yield Static("Reading the pending plan…", id="plan")
        yield Static("[b]Runs[/b] (u undoes the highlighted one; tab: to the plan and back)")
        yield DataTable(id="runs", cursor_type="row")
        yield Keys()

    @property
    def plan_box(self) -> Static:
        return self.query_one("#plan", Static)

    @property
    def runs(self) -> DataTable[Text]:
        return self.query_one("#runs", DataTable)

    def show(self, text: Content | str) -> None:
        """Show `text` in the plan's place, from its top (a str as written, never markup)."""
        self.plan_box.update(Content(text) if isinstance(text, str) else text)
        self.query_one("#plan-box", VerticalScroll).scroll_home(animate=False)

    def on_mount(self) -> None:
        self.runs.add_columns("run", "status", "started", "actions")

    def on_screen_suspend(self) -> None:
        if not isinstance(self.app.screen, ModalScreen):  # left for another screen
            self.away = True

    def on_screen_resume(self) -> None:
        """On arrival the pending plan is read again: decisions made on the other screens
        (pairs accepted, keepers chosen) change it without telling anyone."""
        if self.away:  # arriving (back from a modal, the focus stays where it was)
            self.away = False
            self.stale = True
            self.runs.focus()  # the arrows move through the runs at once
        self.load_runs()
        if self.stale:
            self.pending()

    @work(exclusive=True, group="plan", exit_on_error=False)
    async def pending(self) -> None:
        """The plan as things stand (no sync or analysis first; Immich's stacks and albums are
        read), with the trash queue: shown on arrival, problems inline rather than a modal."""
        async with self.busy:  # one plan/apply/undo of this screen at a time
            self.stale = False
            planned = await self.writeback.plan(refresh=False, trash_decided=True, glance=True)
            self.planned = planned
            title = "Pending (l syncs, analyses and plans afresh)"
            if planned.unavailable:
                title = "Pending: Immich is not answering; l tries again, waiting longer"
            text = await self.describe(planned, title)
            self.show(text + keys_hint(planned))

    async def describe(self, planned: WritePlan, title: str = "") -> Content:
        sections = await self.writeback.described(planned, SHOWN)
        head = [Content.styled(title, "bold")] if title else []
        return lines_of([*head, headline(planned), markup(sections)])

    @work(exclusive=True, group="runs", exit_on_error=False)
    async def load_runs(self) -> None:
        runs = await self.writeback.runs()
        table = self.runs
        table.clear()
        self.run_ids = [r["run_id"] for r in runs]
        for r in runs:
            actions = ", ".join(f"{v} {status_word(k)}" for k, v in r["by_status"].items())
            status = status_word(r["status"])
            table.add_row(*plain(f"#{r['run_id']}", status, when(r["started_at"]), actions))

    def _plan_errors(self, planned: WritePlan) -> None:
        self.app.push_screen(
            Problem(
                "The plan is incomplete",
                "\n".join(planned.errors[:4]),
                "What could not be read was left out of the plan; nothing was changed.",
            )
        )

    async def _plan(self, trash: bool) -> WritePlan:
        self.show("Planning (sync, analysis, Immich state)…")
        self.planning = True
        planned = await self.writeback.plan(trash_decided=trash)
        self.planned = planned
        self.planning = False
        self.post_message(ResultsChanged(fresh=self))
        self.stale = False
        return planned

    @work(exclusive=True, group="plan", exit_on_error=False)
    async def action_plan(self) -> None:
        async with self.busy:  # one plan/apply/undo of this screen at a time
            planned = await self._plan(True)
            self.show(await self.describe(planned) + keys_hint(planned))
            if planned.errors:
                self._plan_errors(planned)

    @work(exclusive=True, group="apply", exit_on_error=False)
    async def action_apply(self, trash: bool) -> None:
        async with self.busy:  # one plan/apply/undo of this screen at a time
            planned = await self._plan(trash)
            self.show(await self.describe(planned) + keys_hint(planned))
            if not planned.plan.actions:
                if planned.errors:
                    self._plan_errors(planned)
                else:
                    self.app.notify("Nothing to apply: Immich already matches.")
                return
            sections = await self.writeback.described(planned, CONFIRMED)
            warnings = [line for s in sections if s.warning for line in s.lines]
            body = markup([s for s in sections if not s.warning])
            question = lines_of([headline(planned), "", body])
            ask = Confirm(question, warnings=warnings, prompt="Apply this plan to Immich?")
            if not await self.app.push_screen_wait(ask):
                self.app.notify("Nothing applied.")
                return
            report = await self.writeback.apply(planned)
            messages = await self.writeback.in_words(report.messages)
            done = (
                f"Run #{report.run_id}: {report.applied} applied, {report.failed} failed, "
                f"{report.skipped} skipped"
            )
            outcome = await self.writeback.outcome(report.run_id) if report.run_id else []
            notes = [f"  {m}" for m in messages]
            said = Content.styled(done, "bold") + " (u undoes it)"
            self.show(lines_of([said, markup(outcome), *notes]))
            if report.failed:
                failures = [m for m in messages if "fail" in m or "permission" in m]
                hint = (
                    "A permission is missing: give the API key the permission named above."
                    if any("permission" in m for m in messages)
                    else "The rest was applied; the next plan tries the failed actions again."
                )
                self.app.push_screen(Problem(done, "\n".join((failures or messages)[:6]), hint))
            else:
                self.app.notify(done)
            self.post_message(ResultsChanged(fresh=self))
            self.load_runs()

    def failed(self, worker: str, error: BaseException) -> None:
        if worker == "pending":  # only read on coming here: said in place, not in a modal
            self.show(f"The pending plan could not be read: {error} (l plans afresh)")
        elif self.planning and worker in ("action_plan", "action_apply"):
            self.planning = False
            self.show(f"Planning failed: {error}")
            super().failed("planning", error)
        else:
            super().failed(worker, error)

    def action_undo(self) -> None:
        row = self.runs.cursor_row
        if 0 <= row < len(self.run_ids):
            self.confirm_undo(self.run_ids[row])

    @work(exclusive=True, group="undo", exit_on_error=False)
    async def confirm_undo(self, run_id: int) -> None:
        async with self.busy:  # one plan/apply/undo of this screen at a time
            if nothing := await self.writeback.nothing_to_undo(run_id):
                self.app.notify(nothing)  # not asked: a yes would change nothing
                return
            will = await self.writeback.undo_preview(run_id)
            cut = will.index("") if "" in will else len(will)  # what it does, then leaves
            doing = [f"• {line}" for line in will[:cut]]
            question = lines_of([f"Undoing run #{run_id} in Immich:", *doing, *will[cut:]])
            if not await self.app.push_screen_wait(Confirm(question, prompt=f"Undo #{run_id}?")):
                return
            report = await self.writeback.undo(run_id)
            messages = await self.writeback.in_words(report.messages)
            counts = [f"{report.reverted} reverted"]
            if report.left:
                counts.append(f"{report.left} left (changed or removed in Immich since)")
            if report.failed:
                counts.append(f"{report.failed} failed")
            done = f"Run #{report.run_id} undone: {', '.join(counts)}"
            undone = await self.writeback.undone(report.run_id)
            notes = [f"  {m}" for m in messages]
            said = Content.styled(done, "bold") + " (l plans afresh)"
            self.show(lines_of([said, *undone, *notes]))
            self.app.notify(done, severity="error" if report.failed else "information")
            self.post_message(ResultsChanged(fresh=self))
            self.load_runs()
