"""Duplicate groups: the list, a page at a time, sortable, by tier, with what was decided and
the member kept; enter opens a group (`group_view`)."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Header, Static

from sidecar.engine.core.models import StoredGroup
from sidecar.engine.core.verdicts import Verdict
from sidecar.tui.failures import OnFailure, Show
from sidecar.tui.nav import nav
from sidecar.tui.screens.base import TuiServices
from sidecar.tui.screens.decide import Decide, record
from sidecar.tui.screens.group_view import GroupView
from sidecar.tui.screens.paged import PagedList
from sidecar.tui.text import human, name_of, shorten

SORTS = ("reclaim", "size", "date", "distance", "members")
TIERS = (None, "exact", "near", "semantic")


class Groups(PagedList[StoredGroup]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "sort", "Sort"),
        Binding("t", "tier", "Tier"),
        Binding("enter", "open", "Open", show=False),
        *nav("groups", quit=True),
    ]
    STATE_COLUMN = 5
    FAILURES: ClassVar[dict[str, OnFailure]] = {
        **PagedList.FAILURES,
        "refresh_states": OnFailure(Show.ERROR, "cannot read the decisions"),
        "record_decision": OnFailure(Show.PROBLEM, "Not recorded"),
    }
    KEEPER_COLUMN = 4

    def __init__(self, services: TuiServices) -> None:
        super().__init__(services)
        self.verdicts: dict[int, Verdict] = {}  # group id -> what was decided
        self.sort = 0
        self.tier = 0
        self.resume_at = 0  # the row to show again when coming back from a group
        self.albums_warned = False
        self.failed_row: int | None = None  # the row of the last decision that failed
        self.recording = asyncio.Lock()  # decisions are recorded one at a time, in order
        self.epoch = 0  # a failed decision drops those pressed after it (not yet recorded)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="groups-title")
        yield DataTable(id="groups", cursor_type="row", zebra_stripes=True)
        yield Footer()

    @property
    def title_bar(self) -> Static:
        return self.query_one("#groups-title", Static)

    def on_mount(self) -> None:
        self.table.add_columns("tier", "n", "reclaim", "dist", "keeper", "decided")

    def on_screen_resume(self) -> None:
        self.check_fresh(keep=self.resume_at)

    def still_fresh(self) -> None:
        self.refresh_states()

    def reload(self, keep: int = 0) -> None:
        tier = TIERS[self.tier] or "all tiers"
        self.title_bar.update(
            f"Duplicate groups — {tier}, by {SORTS[self.sort]} (o sort, t tier, enter open)"
        )
        super().reload(keep)

    async def fetch(self, offset: int, limit: int) -> list[StoredGroup]:
        return await self.review.groups(offset, limit, SORTS[self.sort], TIERS[self.tier])

    async def states(self, items: list[StoredGroup]) -> dict[int, str]:
        verdicts = await self.review.group_verdicts(items)
        self.verdicts.update(verdicts)
        return {i: v.state for i, v in verdicts.items()}

    def keeper_cell(self, g: StoredGroup) -> str:
        """The member kept: the suggested keeper, or the one a person chose."""
        verdict = self.verdicts.get(g.id)
        return shorten(name_of(verdict.keeper if verdict else g.keeper, g.members), 28)

    def cells(self, g: StoredGroup, state: str) -> tuple[str, ...]:
        return (
            g.tier,
            str(len(g.members)),
            human(g.reclaim),
            str(g.distance),
            self.keeper_cell(g),
            state,
        )

    async def update_states(self, rows: list[int]) -> None:
        await super().update_states(rows)
        for row in rows:
            keeper = Text(self.keeper_cell(self.loaded[row]))
            self.table.update_cell_at(
                Coordinate(row, self.KEEPER_COLUMN), keeper, update_width=True
            )

    def loaded_page(self) -> None:
        if not self.loaded:
            self.title_bar.update(
                "No duplicate groups"
                + (f" of tier {TIERS[self.tier]}" if self.tier else "")
                + " (N on the dashboard runs the analysis; t changes the tier)"
            )

    @work(exclusive=True, group="group-states", exit_on_error=False)
    async def refresh_states(self) -> None:
        await self.update_states(list(range(len(self.loaded))))
        if self.resume_at < self.table.row_count:
            self.table.move_cursor(row=self.resume_at, animate=False)

    @on(DataTable.RowHighlighted)
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        self.near_end(event.cursor_row)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        self.open_at(self.table.cursor_row)

    def open_at(self, row: int) -> bool:
        """Open the group on `row` (replacing an open group); False past the loaded rows."""
        if not 0 <= row < len(self.loaded):
            return False
        self.resume_at = row
        self.near_end(row)
        view = GroupView(self, row)
        if isinstance(self.app.screen, GroupView):
            self.app.switch_screen(view)
        else:
            self.app.push_screen(view)
        return True

    def decide(self, row: int, what: Decide, member: str) -> None:
        """Queue a decision on the group on `row` (that group, whatever the list shows when
        it is recorded): recorded after those pressed before it. The worker is this list's,
        so it goes on while the group's screens change."""
        self.record_decision(row, self.loaded[row], what, member, self.epoch)

    def still_at(self, row: int, group: StoredGroup) -> bool:
        """The list still shows `group` on `row` (not read again, sorted or filtered since)."""
        return row < len(self.loaded) and self.loaded[row] is group

    @work(group="decide", exit_on_error=False)
    async def record_decision(
        self, row: int, group: StoredGroup, what: Decide, member: str, epoch: int
    ) -> None:
        async with self.recording:
            if epoch != self.epoch:  # pressed before a failure was shown: not recorded
                return
            try:
                said = await record(self.review, group, what, member)
            except BaseException:
                self.epoch += 1
                self.failed_row = row if self.still_at(row, group) else None
                raise
            if self.still_at(row, group):
                await self.update_states([row])
            self.app.notify(said)
            view = self.app.screen
            if isinstance(view, GroupView) and view.group is group:
                view.show_state()

    def failed(self, worker: str, error: BaseException) -> None:
        if worker == "record_decision" and isinstance(self.app.screen, GroupView):
            # back to the group whose decision failed (once the group opened next is shown)
            self.app.call_after_refresh(self.reopen_failed, worker, error)
        else:
            super().failed(worker, error)

    def reopen_failed(self, worker: str, error: BaseException) -> None:
        row, view = self.failed_row, self.app.screen
        if row is not None and isinstance(view, GroupView) and view.index != row:
            self.open_at(row)
        super().failed(worker, error)

    def action_sort(self) -> None:
        self.sort = (self.sort + 1) % len(SORTS)
        self.resume_at = 0
        self.reload()

    def action_tier(self) -> None:
        self.tier = (self.tier + 1) % len(TIERS)
        self.resume_at = 0
        self.reload()
