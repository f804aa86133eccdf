"""Duplicate groups: the list, a page at a time, sortable by what its columns show, filtered by
tier, by what was decided and by path text, with what was decided and the member kept; enter
opens a group (`group_view`), A accepts every suggested keeper of the view (after a
confirmation), U takes the latest such batch back."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, Input, Static

from sidecar.engine.core.models import StoredGroup
from sidecar.engine.core.verdicts import Verdict
from sidecar.engine.services.review import GroupQuery, Shown
from sidecar.tui.bulk import accept_question, accepted, undo_question
from sidecar.tui.failures import OnFailure, Show
from sidecar.tui.nav import nav
from sidecar.tui.screens.base import TuiServices
from sidecar.tui.screens.confirm import Confirm
from sidecar.tui.screens.decide import Decide, record
from sidecar.tui.screens.group_view import GroupView
from sidecar.tui.screens.paged import PagedList
from sidecar.tui.text import clip, human, is_video, marked, name_of, shorten
from sidecar.tui.widgets.keys import Keys

SORTS = ("reclaim", "date", "distance", "members")  # each is a column: reclaim, date, dist, n
TIERS = (None, "exact", "near", "semantic")
SHOWN = (Shown.ALL, Shown.UNDECIDED, Shown.DECIDED)  # f cycles; all first: see README


class GroupTable(DataTable[Text]):
    """The list's table. Enter here (a key that reached the table after the path field let it
    go, e.g. `/ text enter enter` sent at once) opens the group under the cursor of the view
    asked for last, as the list's own enter does."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open_group", show=False)]

    async def action_open_group(self) -> None:
        screen = self.screen
        if isinstance(screen, Groups):
            await screen.action_open()


class PathField(Input):
    """The path filter's field. Enter filters as the field takes it, after the text typed
    before it (not later, when the key has come back to the app: the keys sent after it would
    be text by then). The field keeps the focus until the filtered rows are shown (one
    repaint: a focus move redraws the whole table); a key that reaches it in between, or
    after it let the focus go (sent at once with enter: `/ text enter A`), is the list's."""

    submitted = False  # enter filtered: the next keys are the list's

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if screen.focused is not self or self.submitted:  # (has_focus waits for Blur)
            if isinstance(screen, Groups):
                screen.leave_field()
            event.prevent_default()  # not text: on to the list's keys (the focus is there)
        elif event.key == "enter":
            event.stop()
            event.prevent_default()
            await self.action_submit()

    async def action_submit(self) -> None:
        """Filter (enter, also when it comes through the bindings: a key handed to the screen
        shown before, `g / text enter` from the dashboard)."""
        screen = self.screen
        if isinstance(screen, Groups):
            screen.set_text(self.value.strip())

    def takes_text(self) -> bool:
        """A key handed back to the app (sent to the screen shown before) is text here, unless
        enter already filtered: then the field goes and the key is the list's."""
        if self.submitted:
            screen = self.screen
            if isinstance(screen, Groups):
                screen.leave_field()
            return False
        return True


class Groups(PagedList[StoredGroup]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "sort", "Sort"),
        Binding("t", "tier", "Tier"),
        Binding("f", "shown", "State"),
        # priority (while the list has the keys): taken as pressed, not after the table's
        # turn, so keys sent with them (a paste, keys typed ahead) go where they lead
        Binding("slash", "find", "Path", priority=True),
        Binding("A", "accept_all", "Accept"),
        Binding("U", "undo_batch", "Undo all", show=False),
        Binding("escape", "clear_find", "Clear", show=False),
        Binding("enter", "open", "Open", show=False, priority=True),
        *nav("groups", quit=True),
    ]
    STATE_COLUMN = 6
    FAILURES: ClassVar[dict[str, OnFailure]] = {
        **PagedList.FAILURES,
        "refresh_states": OnFailure(Show.ERROR, "cannot read the decisions"),
        "record_decision": OnFailure(Show.PROBLEM, "Not recorded"),
        "accept_view": OnFailure(Show.PROBLEM, "Not accepted"),
        "undo_batch": OnFailure(Show.PROBLEM, "Not taken back"),
    }
    KEEPER_COLUMN = 5
    RECLAIM_COLUMN = 2
    AUTO_FOCUS = "#groups"

    def __init__(self, services: TuiServices) -> None:
        super().__init__(services)
        self.verdicts: dict[int, Verdict] = {}  # group id -> what was decided
        self.sort = 0
        self.tier = 0
        self.shown = 0
        self.text = ""  # the path filter
        self.current = GroupQuery()  # the view the rows come from
        self.resume_at = 0  # the row to show again when coming back from a group
        self.albums_warned = False
        self.failed_row: int | None = None  # the row of the last decision that failed
        self.recording = asyncio.Lock()  # decisions are recorded one at a time, in order
        self.epoch = 0  # a failed decision drops those pressed after it (not yet recorded)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="groups-title")
        find = PathField(placeholder="path contains… (enter filters, escape clears)", id="find")
        find.display = False  # until /
        yield find
        yield GroupTable(id="groups", cursor_type="row", zebra_stripes=True)
        yield Keys(compact=True)  # this list has the most keys: every one fits in 80 columns

    @property
    def title_bar(self) -> Static:
        return self.query_one("#groups-title", Static)

    def on_mount(self) -> None:
        self.table.add_columns("tier", "n", "reclaim", "dist", "date", "keeper", "decided")

    def on_screen_resume(self) -> None:
        self.check_fresh(keep=self.resume_at)

    def still_fresh(self) -> None:
        self.refresh_states()

    def view_name(self) -> str:
        """The view as the title names it: tier, decided state, path text."""
        tier = TIERS[self.tier] or "all tiers"
        shown = "all" if SHOWN[self.shown] is Shown.ALL else SHOWN[self.shown].value
        text = f' · path "{clip(self.text, 16)}"' if self.text else ""
        return f"{tier} · {shown}{text}"

    def loaded_page(self) -> None:
        if self.loaded or self.total is None:
            self.title_bar.update(
                f"Groups · {self.view_name()} · by {SORTS[self.sort]} · {self.position()}"
            )
        elif self.tier or self.shown or self.text:
            self.title_bar.update(f"No group in this view ({self.view_name()}): t, f, / change it")
        else:
            self.title_bar.update("No duplicate groups (N on the dashboard runs the analysis)")

    async def open_view(self) -> int:
        self.current = await self.review.group_query(
            SORTS[self.sort], TIERS[self.tier], SHOWN[self.shown], self.text
        )
        return await self.review.group_total(self.current)

    async def fetch(self, offset: int, limit: int) -> list[StoredGroup]:
        return await self.review.group_page(self.current, offset, limit)

    async def states(self, items: list[StoredGroup]) -> dict[int, str]:
        verdicts = await self.review.group_verdicts(items)
        self.verdicts.update(verdicts)
        return {i: v.state for i, v in verdicts.items()}

    def keeper_cell(self, g: StoredGroup) -> str:
        """The member kept: the suggested keeper, or the one a person chose."""
        verdict = self.verdicts.get(g.id)
        key = verdict.keeper if verdict else g.keeper
        kept = next((m for m in g.members if m.key == key), None)
        name = name_of(key, g.members)
        return marked(shorten(name, 20), kept) if kept and is_video(kept) else shorten(name, 22)

    def reclaim_cell(self, g: StoredGroup) -> str:
        """What the group frees: as decided, or (undecided) all but the suggested keeper."""
        verdict = self.verdicts.get(g.id)
        return human(verdict.reclaim if verdict else g.reclaim)

    def cells(self, g: StoredGroup, state: str) -> tuple[str, ...]:
        dates = [m.captured_at for m in g.members if m.captured_at]
        return (
            g.tier,
            str(len(g.members)),
            self.reclaim_cell(g),
            str(g.distance),
            min(dates)[:10] if dates else "-",  # what the date sort orders by
            self.keeper_cell(g),
            state,
        )

    async def update_states(self, rows: list[int]) -> None:
        await super().update_states(rows)
        for row in rows:
            group = self.loaded[row]
            for column, text in (
                (self.KEEPER_COLUMN, self.keeper_cell(group)),
                (self.RECLAIM_COLUMN, self.reclaim_cell(group)),
            ):
                self.table.update_cell_at(Coordinate(row, column), Text(text), update_width=True)

    @work(exclusive=True, group="group-states", exit_on_error=False)
    async def refresh_states(self) -> None:
        await self.update_states(list(range(len(self.loaded))))
        if self.resume_at < self.table.row_count:
            self.table.move_cursor(row=self.resume_at, animate=False)

    @on(DataTable.RowHighlighted)
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        self.near_end(self.table.cursor_row)  # where it is now (rows may be read again)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.open_at(event.cursor_row)  # a click: on a row shown

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter and / are the list's unless the path field has the keys (/ types a slash
        there, enter filters); the footer shows / dimmed then."""
        if action == "open":
            return not isinstance(self.focused, Input)
        if action == "find":  # dimmed, not hidden: the footer stays as it is (one repaint)
            return None if isinstance(self.focused, Input) else True
        return super().check_action(action, parameters)

    async def action_open(self) -> None:
        """Open the group under the cursor, of the view asked for last (waiting for its rows,
        not opening one of the rows still shown)."""
        await self.rows_ready()
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
        self.new_view()

    def action_tier(self) -> None:
        self.tier = (self.tier + 1) % len(TIERS)
        self.new_view()

    def action_shown(self) -> None:
        self.shown = (self.shown + 1) % len(SHOWN)
        self.new_view()

    def new_view(self) -> None:
        self.resume_at = 0
        self.reload()

    # -- the path filter -------------------------------------------------------------------

    def action_find(self) -> None:
        find = self.field
        find.value = self.text
        find.submitted = False
        find.display = True
        self.set_focus(find)  # now: the keys typed next are the field's, not the list's

    def action_clear_find(self) -> None:
        self.set_text("")

    @property
    def field(self) -> PathField:
        return self.query_one(PathField)

    def set_text(self, text: str) -> None:
        """Filter by `text`. The field, with the focus, stays in sight until the filtered rows
        replace the others; then it goes and the table takes the focus, in one repaint (see
        `showing_view`)."""
        if text != self.text:
            self.text = text
            self.field.submitted = True
            self.new_view()
        else:
            self.leave_field()

    def leave_field(self) -> None:
        """The keys are the list's from now on (the field goes)."""
        find = self.field
        find.submitted = False
        find.display = False
        if self.focused is find or self.focused is None:
            self.set_focus(self.table)  # now, not after the keys already sent

    def showing_view(self) -> None:
        find = self.field
        if find.display and (find.submitted or self.focused is not find):
            self.leave_field()  # (not while a new text is typed: / again)

    # -- the whole view at once ----------------------------------------------------------------

    async def action_accept_all(self) -> None:
        await self.rows_ready()  # the view asked for last, whose rows are shown
        self.accept_view(self.current, self.view_name())

    @work(exclusive=True, group="bulk", exit_on_error=False)
    async def accept_view(self, query: GroupQuery, view: str) -> None:
        """Accept the suggested keeper of every undecided group of the view, after a
        confirmation; recorded after the decisions pressed before (one worker, in order)."""
        ids = await self.review.group_ids(query)
        preview = await self.keepers.preview_keepers(query.tier, None, ids)
        if not preview.groups:
            why = "; ".join(f"{n:,} skipped: {r}" for r, n in preview.skipped.items())
            self.app.notify(f"No group to accept in this view ({view}){': ' + why if why else ''}")
            return
        warnings, question = accept_question(preview, view)
        ask = Confirm(question, warnings=warnings, prompt="Accept them?")
        if not await self.app.push_screen_wait(ask):
            self.app.notify("Nothing accepted.")
            return
        async with self.recording:
            result = await self.keepers.accept_keepers(query.tier, None, ids)
            await self.update_states(list(range(len(self.loaded))))
        self.app.notify(accepted(result))

    def action_undo_batch(self) -> None:
        self.undo_batch()

    @work(exclusive=True, group="bulk", exit_on_error=False)
    async def undo_batch(self) -> None:
        """Take back the latest keepers batch still in the trash queue, after a
        confirmation."""
        batch = await self.keepers.last_batch()
        if batch is None:
            self.app.notify("No keepers batch to take back (A makes one).")
            return
        groups, assets = await self.keepers.batch_size(batch)
        if not await self.app.push_screen_wait(Confirm(undo_question(batch, groups, assets))):
            self.app.notify("Nothing taken back.")
            return
        async with self.recording:
            ids = await self.keepers.undo_keepers(batch)
            await self.update_states(list(range(len(self.loaded))))
        n = len(ids)
        self.app.notify(
            f"Keepers batch {batch} taken back: {n:,} asset{'' if n == 1 else 's'} left the "
            "trash queue."
        )
