"""A screen whose table is read a page at a time (the next page when the cursor nears the end
of what is loaded), with a column saying what a person decided about each row, and read again
when the results it shows may have changed (here, or in the daemon)."""

from __future__ import annotations

from typing import ClassVar, Generic, Protocol, TypeVar

from rich.text import Text
from textual import work
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from sidecar.tui.failures import OnFailure, Show
from sidecar.tui.screens.base import SidecarScreen, TuiServices
from sidecar.tui.text import plain


class Stored(Protocol):
    """A stored row of a list: a group or a pair."""

    @property
    def id(self) -> int: ...


T = TypeVar("T", bound=Stored)
PAGE = 200  # rows read at a time; the next page loads near the end
AHEAD = 20  # rows before the end of what is loaded at which the next page is read


class PagedList(SidecarScreen, Generic[T]):
    STATE_COLUMN = 0  # index of the "decided" column (set by each list)
    FAILURES: ClassVar[dict[str, OnFailure]] = {
        "check_fresh": OnFailure(Show.ERROR, "cannot read the list"),
        "load_more": OnFailure(Show.ERROR, "cannot read the list"),
    }

    def __init__(self, services: TuiServices) -> None:
        super().__init__(services)
        self.loaded: list[T] = []
        self.exhausted = False
        self.loading = False
        self.stamp: tuple[int | None, int | None] | None = None  # the analysis they come from

    # -- what each list provides ---------------------------------------------------------

    async def fetch(self, offset: int, limit: int) -> list[T]:
        raise NotImplementedError

    async def states(self, items: list[T]) -> dict[int, str]:
        """What was decided about these items, by item id."""
        raise NotImplementedError

    def cells(self, item: T, state: str) -> tuple[str, ...]:
        raise NotImplementedError

    def loaded_page(self) -> None:
        """Called after each page is shown."""

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
            self.reload(keep)
        else:
            self.still_fresh()

    def reload(self, keep: int = 0) -> None:
        """Read the list again from the start, as far as row `keep`."""
        self.loaded, self.exhausted = [], False
        self.stale = False
        self.table.clear()
        self.load_more(want=keep + 1)

    def near_end(self, row: int) -> None:
        if row >= len(self.loaded) - AHEAD and not (self.exhausted or self.loading):
            self.load_more()

    @work(exclusive=True, group="page", exit_on_error=False)
    async def load_more(self, want: int = 0) -> None:
        """The next page (or as many rows as needed to show row `want`)."""
        if self.exhausted:
            return
        self.loading = True
        try:
            limit = max(PAGE, want - len(self.loaded) + AHEAD)
            if not self.loaded:
                self.stamp = await self.review.results_stamp()
            page = await self.fetch(len(self.loaded), limit)
            states = await self.states(page)
        finally:
            self.loading = False
        self.exhausted = len(page) < limit
        table = self.table
        for item in page:
            table.add_row(
                *plain(*self.cells(item, states.get(item.id, ""))),
                key=str(len(self.loaded)),
            )
            self.loaded.append(item)
        if 0 < want <= len(self.loaded):
            table.move_cursor(row=want - 1, animate=False)
        self.loaded_page()

    async def update_states(self, rows: list[int]) -> None:
        """Show again what was decided about these rows."""
        states = await self.states([self.loaded[r] for r in rows])
        for row in rows:
            state = states.get(self.loaded[row].id, "")
            self.table.update_cell_at(
                Coordinate(row, self.STATE_COLUMN), Text(state), update_width=True
            )
