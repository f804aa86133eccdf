"""A screen whose table is read a page at a time (the next page when the cursor nears the end
of what is loaded, the one before near its start), with a column saying what a person decided
about each row, the position in the whole list ("1 of 10,000"), home and end to its first
and last row (end reads the last page only), and read again when the results it shows may have
changed (here, or in the daemon)."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import ClassVar, Generic, Protocol, TypeVar

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.worker import WorkerCancelled, WorkerFailed

from sidecar.tui.failures import OnFailure, Show
from sidecar.tui.screens.base import SidecarScreen, TuiServices
from sidecar.tui.text import plain


class Stored(Protocol):
    """A stored row of a list: a group or a pair."""

    @property
    def id(self) -> int: ...


T = TypeVar("T", bound=Stored)
PAGE = 100  # rows read at a time (5 screens at 80x24); the next page loads near the end
AHEAD = 40  # rows before the end of what is loaded at which the next page is read (more
# than a page down at 120x40, so that one seldom waits)
FIRST_PAGE_S = 3.0  # how long keys sent with a new view wait for its rows


class PagedList(SidecarScreen, Generic[T]):
    BINDINGS: ClassVar[list[BindingType]] = [
        # before the table's own (which only scroll what is loaded)
        Binding("home", "first", "First", show=False, priority=True),
        Binding("end", "last", "Last", show=False, priority=True),
        # past the rows read so far: the next page (or the one before) is read first, so
        # keys sent together (three pagedowns) all move
        Binding("down", "rows_down(1)", show=False, priority=True),
        Binding("pagedown", "rows_down(0)", show=False, priority=True),
        Binding("up", "rows_up(1)", show=False, priority=True),
        Binding("pageup", "rows_up(0)", show=False, priority=True),
    ]
    STATE_COLUMN = 0  # index of the "decided" column (set by each list)
    FAILURES: ClassVar[dict[str, OnFailure]] = {
        "check_fresh": OnFailure(Show.ERROR, "cannot read the list"),
        "load_more": OnFailure(Show.ERROR, "cannot read the list"),
        "load_window": OnFailure(Show.ERROR, "cannot read the list"),
        "load_before": OnFailure(Show.ERROR, "cannot read the list"),
    }

    def __init__(self, services: TuiServices) -> None:
        super().__init__(services)
        self.loaded: list[T] = []  # rows base, base + 1, ... of the whole list
        self.base = 0
        self.total: int | None = None  # rows in the whole list (None until read)
        self.exhausted = False  # the last row is loaded
        self.reading = False
        self.stamp: tuple[int | None, int | None] | None = None  # the analysis they come from
        self.first_page = asyncio.Event()  # set once the first page is shown (or failed)

    # -- what each list provides ---------------------------------------------------------

    async def open_view(self) -> int:
        """Called before the first page of the list is read: make the view, return how many
        rows it has."""
        raise NotImplementedError

    async def fetch(self, offset: int, limit: int) -> list[T]:
        raise NotImplementedError

    async def states(self, items: list[T]) -> dict[int, str]:
        """What was decided about these items, by item id."""
        raise NotImplementedError

    def cells(self, item: T, state: str) -> tuple[str, ...]:
        raise NotImplementedError

    def loaded_page(self) -> None:
        """Called after each page is shown, and when the cursor moves (the position)."""

    def showing_view(self) -> None:
        """Called as a new view's first page replaces the rows, in the same repaint."""

    async def rows_ready(self) -> None:
        """Wait (at most FIRST_PAGE_S) for the rows of the view asked for last: a key on a
        row sent with the one that changed the view (`/ text enter enter`) is on the new
        view's rows, not the old ones still shown."""
        if not self.first_page.is_set():
            with suppress(TimeoutError):
                await asyncio.wait_for(self.first_page.wait(), FIRST_PAGE_S)

    def position(self) -> str:
        """Where the cursor is in the whole list: "1 of 10,000"."""
        if not self.total:
            return "0 of 0"
        row = self.base + max(self.table.cursor_row, 0) + 1
        return f"{min(row, self.total):,} of {self.total:,}"

    # -- paging -----------------------------------------------------------------------------

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one(DataTable)

    def still_fresh(self) -> None:
        """Called on coming back when the rows still show the latest analysis."""

    @work(exclusive=True, group="freshness", exit_on_error=False)
    async def check_fresh(self, keep: int = 0) -> None:
        """On coming back: read the list again if an analysis ran since (here, or in the
        daemon), else keep it (and the cursor)."""
        if self.stale or await self.review.results_stamp() != self.stamp:
            self.reload(keep, self.base)
        else:
            self.still_fresh()

    def reload(self, keep: int = 0, at: int = 0) -> None:
        """Read the list again (a new view) from row `at` of it, as far as row `keep` of what
        is loaded."""
        self.stale = False
        self.first_page.clear()  # keys on rows wait for the new view's (see `rows_ready`)
        self.load_window(at, keep, fresh=True)

    def near_end(self, row: int) -> None:
        """The cursor is on `row`: read the next page near the end of what is loaded, the one
        before near its start; show the position."""
        if not self.reading:
            if row >= len(self.loaded) - AHEAD and not self.exhausted:
                self.load_more()
            elif row < AHEAD and self.base > 0:
                self.load_before()
        self.loaded_page()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """home and end are the list's while its table has the focus (else, e.g. in a text
        field, that field's own)."""
        if action in ("first", "last", "rows_down", "rows_up"):
            return self.focused is self.table
        return True

    async def action_rows_down(self, rows: int) -> None:
        """Down `rows` rows (0: a page), the next page read first if they go past the rows
        read so far (and waited for)."""
        table = self.table
        step = rows or max(table.scrollable_content_region.height - 1, 1)
        await self.rows_ready()
        for _ in range(3):  # (a page read the cursor started meanwhile may replace this one)
            if table.cursor_row + step < len(self.loaded) or self.exhausted:
                break
            with suppress(WorkerFailed, WorkerCancelled):
                await self.load_more().wait()
        if rows:
            table.action_cursor_down()
        else:
            table.action_page_down()

    async def action_rows_up(self, rows: int) -> None:
        """Up `rows` rows (0: a page), the page before read first if they go past the first
        row read (and waited for)."""
        table = self.table
        step = rows or max(table.scrollable_content_region.height - 1, 1)
        await self.rows_ready()
        for _ in range(3):
            if table.cursor_row - step >= 0 or self.base == 0:
                break
            with suppress(WorkerFailed, WorkerCancelled):
                await self.load_before().wait()
        if rows:
            table.action_cursor_up()
        else:
            table.action_page_up()

    def action_first(self) -> None:
        if self.base == 0:
            self.table.move_cursor(row=0, animate=False)
        else:
            self.load_window(0, 0)

    def action_last(self) -> None:
        if self.exhausted:
            self.table.move_cursor(row=len(self.loaded) - 1, animate=False)
        elif self.total:
            self.load_window(max(self.total - PAGE, 0), PAGE + AHEAD)

    async def _read(self, offset: int, limit: int) -> tuple[list[T], dict[int, str]]:
        self.reading = True
        try:
            page = await self.fetch(offset, limit)
            return page, await self.states(page)
        finally:
            self.reading = False

    def _add_rows(self, items: list[T], states: dict[int, str]) -> None:
        table = self.table
        for item in items:
            table.add_row(
                *plain(*self.cells(item, states.get(item.id, ""))),
                key=str(len(self.loaded)),
            )
            self.loaded.append(item)

    @work(exclusive=True, group="page", exit_on_error=False)
    async def load_window(self, at: int, keep: int = 0, *, fresh: bool = False) -> None:
        """The rows from `at` on (a page, or as far as row `keep` of them), in place of what
        was loaded; `fresh`: a new view of the list first (its total counted again)."""
        try:
            if fresh or self.total is None:
                self.stamp = await self.review.results_stamp()
                self.total = await self.open_view()
            at = min(at, max(self.total - 1, 0))
            limit = max(PAGE, keep + AHEAD)
            page, states = await self._read(at, limit)
            with self.app.batch_update():  # one repaint: the rows, the cursor, the title
                if fresh:
                    self.showing_view()
                self.loaded, self.base, self.exhausted = [], at, len(page) < limit
                self.table.clear()
                self._add_rows(page, states)
                if self.loaded:
                    self.table.move_cursor(row=min(keep, len(self.loaded) - 1), animate=False)
                self.loaded_page()
        except asyncio.CancelledError:
            raise  # a newer window replaced this one: that one says when its rows are in
        except BaseException:
            self.first_page.set()  # failed (and said so): keys waiting go on
            if fresh:
                self.showing_view()
            raise
        else:
            self.first_page.set()

    @work(exclusive=True, group="page", exit_on_error=False)
    async def load_more(self) -> None:
        """The next page."""
        if self.exhausted:
            return
        page, states = await self._read(self.base + len(self.loaded), PAGE)
        self.exhausted = len(page) < PAGE
        self._add_rows(page, states)
        self.loaded_page()

    @work(exclusive=True, group="page", exit_on_error=False)
    async def load_before(self) -> None:
        """The page before what is loaded (what is loaded stays, as far as two pages on)."""
        start = max(self.base - PAGE, 0)
        page, states = await self._read(start, self.base - start)
        row = self.table.cursor_row + len(page)
        kept = self.loaded[: 2 * PAGE]
        kept_states = await self.states(kept)
        self.exhausted = self.exhausted and len(kept) == len(self.loaded)
        self.loaded, self.base = [], start
        self.table.clear()
        self._add_rows([*page, *kept], {**states, **kept_states})
        self.table.move_cursor(row=row, animate=False)
        self.loaded_page()

    async def update_states(self, rows: list[int]) -> None:
        """Show again what was decided about these rows."""
        states = await self.states([self.loaded[r] for r in rows])
        for row in rows:
            state = states.get(self.loaded[row].id, "")
            self.table.update_cell_at(
                Coordinate(row, self.STATE_COLUMN), Text(state), update_width=True
            )
