"""Pairs and bursts (RAW+JPEG, edited variants, burst frames): each with why it was paired
and what was decided; accept (stack it in Immich), reject, change the primary, take back."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from sidecar.engine.services.review import StoredPair
from sidecar.tui.base import PAGE, nav, services, shorten
from sidecar.tui.groups import name_of
from sidecar.tui.modals import report_problem

STATE_COLUMN = 3


class Pairs(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('accept')", "Accept"), Binding("r", "decide('reject')", "Reject"),
        Binding("c", "decide('primary')", "Primary"), Binding("u", "decide('undo')", "Undo"),
        *nav("pairs"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[StoredPair] = []
        self.exhausted = False
        self.loading = False
        self.version = -1

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Pairs and bursts — a accept (stack in Immich), r not a pair, "
                     "c next primary")  # fmt: skip
        yield DataTable(id="pairs", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="pair-box"):
            yield Static("", id="pair-reasons")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("kind", "n", "primary", "decided", "why")

    def on_screen_resume(self) -> None:
        if self.version != self.app.results_version:  # type: ignore[attr-defined]
            self.version = self.app.results_version  # type: ignore[attr-defined]
            self.loaded, self.exhausted = [], False
            self.query_one(DataTable).clear()
            self.load_more()

    @work(exclusive=True, group="pairs")
    async def load_more(self) -> None:
        if self.exhausted:
            return
        review = services(self).review
        self.loading = True
        try:
            page = await review.pairs(len(self.loaded), PAGE)
            states = await review.pair_states(page)
        except Exception as exc:  # noqa: BLE001
            self.app.notify(f"cannot read the pairs: {exc}", severity="error")
            return
        finally:
            self.loading = False
        self.exhausted = len(page) < PAGE
        table = self.query_one(DataTable)
        for p in page:
            why = _start((p.reasons or [""])[0], 26)
            table.add_row(p.kind, str(len(p.members)), shorten(name_of(p.primary, p.members), 22),
                          states.get(p.id, ""), why, key=str(len(self.loaded)))  # fmt: skip
            self.loaded.append(p)

    @on(DataTable.RowHighlighted)
    def _show(self, event: DataTable.RowHighlighted) -> None:
        row = event.cursor_row
        if row >= len(self.loaded) - 20 and not (self.exhausted or self.loading):
            self.load_more()
        if 0 <= row < len(self.loaded):
            p = self.loaded[row]
            lines = [("▸ " if m.key == p.primary else "  ") + escape(m.path or m.key)
                     for m in p.members]  # fmt: skip
            lines += [f"• {escape(r)}" for r in p.reasons]
            self.query_one("#pair-reasons", Static).update("\n".join(lines))

    @work(exclusive=True, group="pair-decide")
    async def action_decide(self, what: str) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        if not 0 <= row < len(self.loaded):
            return
        pair, review = self.loaded[row], services(self).review
        try:
            if what == "accept":
                await review.accept_pair(pair)
                note = "accepted: the next apply stacks it in Immich"
            elif what == "reject":
                await review.reject_pair(pair)
                note = "not a pair (the next analysis drops it)"
            elif what == "primary":
                keys = [m.key for m in pair.members]
                if len(keys) < 2:
                    return
                nxt = keys[(keys.index(pair.primary) + 1) % len(keys)] \
                    if pair.primary in keys else keys[0]  # fmt: skip
                await review.choose_primary(pair, nxt)
                self.loaded[row] = pair = replace(pair, primary=nxt)
                table.update_cell_at(Coordinate(row, 2), shorten(name_of(nxt, pair.members), 22))
                note = f"primary {name_of(nxt, pair.members)} (the next analysis uses it)"
            else:
                await review.undo_pair_decision(pair)
                note = "no decision about this pair now"
            states = await review.pair_states([pair])
        except Exception as exc:  # noqa: BLE001
            report_problem(self.app, "Not recorded", exc)
            return
        self.app.notify(f"Recorded: {note}")
        table.update_cell_at(Coordinate(row, STATE_COLUMN), states.get(pair.id, ""))
        if what != "primary" and row + 1 < table.row_count:
            table.move_cursor(row=row + 1)


def _start(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
