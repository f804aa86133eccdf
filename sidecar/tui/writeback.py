"""Write-back: the pending plan with its counts, apply behind a confirmation that lists exactly
what goes to Immich's trash, and past runs with undo (confirmation required)."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from sidecar.engine.services.writeback import WritePlan
from sidecar.tui.base import nav, plain, results_changed, results_version, services
from sidecar.tui.modals import Confirm, Problem, report_problem


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


class Writeback(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "plan", "Plan"),
        Binding("A", "apply(False)", "Apply"),
        Binding("T", "apply(True)", "Apply+trash"),
        Binding("u", "undo", "Undo"),
        *nav("writeback"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.planned: WritePlan | None = None
        self.paths: dict[str, str] = {}  # Immich's path of each asset the plan would trash
        self.run_ids: list[int] = []
        self.version = -1  # the results version the pending plan was made at
        self.busy = asyncio.Lock()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="plan-box"):
            yield Static("Reading the pending plan…", id="plan")
        yield Static("[b]Runs[/b] (u undoes the highlighted one)")
        yield DataTable(id="runs", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("run", "status", "started", "actions")

    def on_screen_resume(self) -> None:
        self.load_runs()
        if self.version != results_version(self):
            self.pending()

    @work(exclusive=True, group="plan")
    async def pending(self) -> None:
        """The plan as things stand (no sync or analysis first; Immich's stacks and albums are
        read), with the trash queue: shown on arrival, problems inline rather than a modal."""
        async with self.busy:  # one plan/apply/undo of this screen at a time
            self.version = results_version(self)
            box = self.query_one("#plan", Static)
            try:
                planned = await services(self).writeback.plan(refresh=False, trash_decided=True)
                await self._show(planned)
            except Exception as exc:  # noqa: BLE001
                box.update(
                    f"The pending plan could not be read: {escape(str(exc))} (l plans afresh)"
                )
                return
            box.update(
                "[b]Pending[/b] (l syncs, analyses and plans afresh)\n"
                + describe(planned, self.paths)
                + keys_hint(planned)
            )

    async def _show(self, planned: WritePlan) -> None:
        self.planned = planned
        doomed = [i for a in planned.plan.actions if a.kind.value == "trash" for i in a.asset_ids]
        self.paths = await services(self).review.immich_paths(doomed) if doomed else {}

    @work(exclusive=True, group="runs")
    async def load_runs(self) -> None:
        try:
            runs = await services(self).writeback.runs()
        except Exception as exc:  # noqa: BLE001
            self.app.notify(f"cannot read the runs: {exc}", severity="error")
            return
        table = self.query_one(DataTable)
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

    async def _plan(self, trash: bool) -> WritePlan | None:
        self.query_one("#plan", Static).update("Planning (sync, analysis, Immich state)…")
        try:
            planned = await services(self).writeback.plan(trash_decided=trash)
            await self._show(planned)
        except Exception as exc:  # noqa: BLE001
            self.query_one("#plan", Static).update(f"Planning failed: {escape(str(exc))}")
            report_problem(self.app, "Planning failed", exc)
            return None
        self.query_one("#plan", Static).update(describe(planned, self.paths))
        results_changed(self)
        self.version = results_version(self)
        return planned

    @work(exclusive=True, group="plan")
    async def action_plan(self) -> None:
        async with self.busy:  # one plan/apply/undo of this screen at a time
            planned = await self._plan(True)
            if planned is None:
                return
            box = self.query_one("#plan", Static)
            box.update(describe(planned, self.paths) + keys_hint(planned))
            if planned.errors:
                self._plan_errors(planned)

    @work(exclusive=True, group="apply")
    async def action_apply(self, trash: bool) -> None:
        async with self.busy:  # one plan/apply/undo of this screen at a time
            planned = await self._plan(trash)
            if planned is None:
                return
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
            try:
                report = await services(self).writeback.apply(planned)
            except Exception as exc:  # noqa: BLE001
                report_problem(self.app, "Apply failed", exc)
                return
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
            results_changed(self)
            self.load_runs()

    def action_undo(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(self.run_ids):
            self.confirm_undo(self.run_ids[row])

    @work(exclusive=True, group="undo")
    async def confirm_undo(self, run_id: int) -> None:
        async with self.busy:  # one plan/apply/undo of this screen at a time
            question = f"Undo run #{run_id}? What it made in Immich is removed again."
            if not await self.app.push_screen_wait(Confirm(question)):
                return
            try:
                report = await services(self).writeback.undo(run_id)
            except Exception as exc:  # noqa: BLE001
                report_problem(self.app, "Undo failed", exc)
                return
            self.app.notify(
                f"Run #{run_id}: {report.reverted} reverted, {report.failed} failed",
                severity="error" if report.failed else "information",
            )
            self.load_runs()
