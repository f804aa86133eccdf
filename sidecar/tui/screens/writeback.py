"""Write-back: the pending plan with its counts, apply behind a confirmation that lists exactly
what goes to Immich's trash, and past runs with undo (confirmation required)."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from sidecar.engine.services.writeback import WritePlan
from sidecar.tui.failures import OnFailure, Show
from sidecar.tui.messages import ResultsChanged
from sidecar.tui.nav import nav
from sidecar.tui.screens.base import SidecarScreen, TuiServices
from sidecar.tui.screens.confirm import Confirm
from sidecar.tui.screens.problem import Problem
from sidecar.tui.text import plain


def describe(
    planned: WritePlan, paths: dict[str, str] | None = None, *, trash_limit: int = 8
) -> str:
    """The plan's counts, then each asset it would move to Immich's trash (its path in
    Immich and why), notes and errors."""
    summary = planned.plan.summary()
    lines = [
        f"[b]Plan[/b]: {len(planned.plan.actions)} action(s) — "
        + (
            ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.items() if v)
            or "nothing to do"
        )
    ]
    lines += [f"[b]warning[/b]: {escape(w)}" for w in planned.plan.warnings]
    trash = [a for a in planned.plan.actions if a.kind.value == "trash"]
    ids = [i for a in trash for i in a.asset_ids]
    if ids:
        lines.append(
            f"[b]To Immich's trash[/b] ({len(ids)}; recoverable there, never deleted "
            "for good by this tool):"
        )
        lines += [f"  {escape((paths or {}).get(i, i))}" for i in ids[:trash_limit]]
        if len(ids) > trash_limit:
            lines.append(f"  … and {len(ids) - trash_limit} more")
    lines += [f"left out: {escape(n)}" for n in planned.plan.notes[:3]]
    lines += [f"[b]error[/b]: {escape(e)}" for e in planned.errors]
    return "\n".join(lines)


def keys_hint(planned: WritePlan) -> str:
    if any(a.kind.value == "trash" for a in planned.plan.actions):
        return "\nA applies it without the trash, T with it (both ask first)"
    return "\nA applies it (asks first)" if planned.plan.actions else ""


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
        self.paths: dict[str, str] = {}  # Immich's path of each asset the plan would trash
        self.run_ids: list[int] = []
        self.busy = asyncio.Lock()
        self.planning = False  # a plan of l, A or T is being made (a failure is the plan's)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="plan-box"):
            yield Static("Reading the pending plan…", id="plan")
        yield Static("[b]Runs[/b] (u undoes the highlighted one)")
        yield DataTable(id="runs", cursor_type="row")
        yield Footer()

    @property
    def plan_box(self) -> Static:
        return self.query_one("#plan", Static)

    @property
    def runs(self) -> DataTable[Text]:
        return self.query_one("#runs", DataTable)

    def on_mount(self) -> None:
        self.runs.add_columns("run", "status", "started", "actions")

    def on_screen_resume(self) -> None:
        self.load_runs()
        if self.stale:
            self.pending()

    @work(exclusive=True, group="plan", exit_on_error=False)
    async def pending(self) -> None:
        """The plan as things stand (no sync or analysis first; Immich's stacks and albums are
        read), with the trash queue: shown on arrival, problems inline rather than a modal."""
        async with self.busy:  # one plan/apply/undo of this screen at a time
            self.stale = False
            planned = await self.writeback.plan(refresh=False, trash_decided=True)
            await self._show(planned)
            self.plan_box.update(
                "[b]Pending[/b] (l syncs, analyses and plans afresh)\n"
                + describe(planned, self.paths)
                + keys_hint(planned)
            )

    async def _show(self, planned: WritePlan) -> None:
        self.planned = planned
        doomed = [i for a in planned.plan.actions if a.kind.value == "trash" for i in a.asset_ids]
        self.paths = await self.review.immich_paths(doomed) if doomed else {}

    @work(exclusive=True, group="runs", exit_on_error=False)
    async def load_runs(self) -> None:
        runs = await self.writeback.runs()
        table = self.runs
        table.clear()
        self.run_ids = [r["run_id"] for r in runs]
        for r in runs:
            actions = ", ".join(f"{v} {k}" for k, v in r["by_status"].items())
            table.add_row(*plain(f"#{r['run_id']}", r["status"], r["started_at"][:19], actions))

    def _plan_errors(self, planned: WritePlan) -> None:
        self.app.push_screen(
            Problem(
                "The plan is incomplete",
                "\n".join(planned.errors[:4]),
                "What could not be read was left out of the plan; nothing was changed.",
            )
        )

    async def _plan(self, trash: bool) -> WritePlan:
        self.plan_box.update("Planning (sync, analysis, Immich state)…")
        self.planning = True
        planned = await self.writeback.plan(trash_decided=trash)
        await self._show(planned)
        self.planning = False
        self.plan_box.update(describe(planned, self.paths))
        self.post_message(ResultsChanged(fresh=self))
        self.stale = False
        return planned

    @work(exclusive=True, group="plan", exit_on_error=False)
    async def action_plan(self) -> None:
        async with self.busy:  # one plan/apply/undo of this screen at a time
            planned = await self._plan(True)
            box = self.plan_box
            box.update(describe(planned, self.paths) + keys_hint(planned))
            if planned.errors:
                self._plan_errors(planned)

    @work(exclusive=True, group="apply", exit_on_error=False)
    async def action_apply(self, trash: bool) -> None:
        async with self.busy:  # one plan/apply/undo of this screen at a time
            planned = await self._plan(trash)
            if not planned.plan.actions:
                if planned.errors:
                    self._plan_errors(planned)
                else:
                    self.app.notify("Nothing to apply: Immich already matches.")
                return
            question = (
                f"Apply this plan to Immich?\n\n{describe(planned, self.paths, trash_limit=50)}"
            )
            if not await self.app.push_screen_wait(Confirm(question)):
                self.app.notify("Nothing applied.")
                return
            report = await self.writeback.apply(planned)
            done = (
                f"Run #{report.run_id}: {report.applied} applied, {report.failed} failed, "
                f"{report.skipped} skipped"
            )
            if report.failed:
                failures = [m for m in report.messages if "fail" in m or "permission" in m]
                hint = (
                    "A permission is missing: give the API key the permission named above."
                    if any("permission" in m for m in report.messages)
                    else "The rest was applied; the next plan tries the failed actions again."
                )
                self.app.push_screen(
                    Problem(done, "\n".join((failures or report.messages)[:6]), hint)
                )
            else:
                self.app.notify(done)
            self.post_message(ResultsChanged())
            self.load_runs()

    def failed(self, worker: str, error: BaseException) -> None:
        if worker == "pending":  # only read on coming here: said in place, not in a modal
            message = escape(str(error))
            self.plan_box.update(f"The pending plan could not be read: {message} (l plans afresh)")
        elif self.planning and worker in ("action_plan", "action_apply"):
            self.planning = False
            self.plan_box.update(f"Planning failed: {escape(str(error))}")
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
            question = f"Undo run #{run_id}? What it made in Immich is removed again."
            if not await self.app.push_screen_wait(Confirm(question)):
                return
            report = await self.writeback.undo(run_id)
            self.app.notify(
                f"Run #{run_id}: {report.reverted} reverted, {report.failed} failed",
                severity="error" if report.failed else "information",
            )
            self.load_runs()
