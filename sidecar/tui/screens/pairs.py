"""Pairs and bursts (RAW+JPEG, edited variants, burst frames, trimmed videos): each with why it
was paired and what was decided; accept (stack it in Immich), reject, change the primary, take
back. A video member is marked ▶, with its length, size and codec beside its path."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, Static

from sidecar.engine.core.models import Member, PairDecision, StoredPair
from sidecar.engine.core.verdicts import with_primary
from sidecar.tui.failures import OnFailure, Show
from sidecar.tui.nav import nav
from sidecar.tui.screens.base import TuiServices
from sidecar.tui.screens.paged import PagedList
from sidecar.tui.text import clip, is_video, marked, name_of, shorten, video_facts
from sidecar.tui.widgets.keys import Keys
from sidecar.tui.widgets.member_table import whole_name
from sidecar.tui.widgets.side_by_side import SideBySide

PATH_MARGIN = 4  # "▸ " before a path, the box's scrollbar after it


def primary_cell(p: StoredPair) -> str:
    """The primary's name (▶ before a video's)."""
    primary = next((m for m in p.members if m.key == p.primary), None)
    name = name_of(p.primary, p.members)
    return (
        marked(shorten(name, 20), primary) if primary and is_video(primary) else shorten(name, 22)
    )


def member_line(m: Member, room: int) -> str:
    """A member's path; a video's with its length, size and codec after it."""
    facts = video_facts(m)
    if not facts:
        return whole_name(m.path or m.key, room)
    path = whole_name(m.path or m.key, max(room - len(facts) - 3, 16))
    return f"{path} · {facts}"


class Pairs(PagedList[StoredPair]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('accept')", "Accept"),
        Binding("r", "decide('reject')", "Reject"),
        Binding("c", "decide('primary')", "Primary"),
        Binding("u", "decide('undo')", "Undo"),
        *nav("pairs"),
    ]
    STATE_COLUMN = 3
    FAILURES: ClassVar[dict[str, OnFailure]] = {
        **PagedList.FAILURES,
        "record_pair": OnFailure(Show.PROBLEM, "Not recorded"),
    }

    def __init__(self, services: TuiServices) -> None:
        super().__init__(services)
        self.recording = asyncio.Lock()  # decisions are recorded one at a time, in order
        self.epoch = 0  # a failed decision drops those pressed after it (not yet recorded)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="pairs-title")
        yield DataTable(id="pairs", cursor_type="row", zebra_stripes=True)
        yield SideBySide(self.review.previews, id="pair-previews")
        with VerticalScroll(id="pair-box"):
            yield Static("", id="pair-reasons")
        yield Keys()

    def on_mount(self) -> None:
        self.table.add_columns("kind", "n", "primary", "decided", "why")

    def on_screen_resume(self) -> None:
        self.check_fresh()

    def on_resize(self) -> None:
        self.show_pair(self.table.cursor_row)  # the paths cut to the new width

    async def open_view(self) -> int:
        return await self.review.pair_total()

    def loaded_page(self) -> None:
        self.query_one("#pairs-title", Static).update(
            f"Pairs and bursts · {self.position()} · a accept (stack), r not a pair, c primary"
        )

    async def fetch(self, offset: int, limit: int) -> list[StoredPair]:
        return await self.review.pairs(offset, limit)

    async def states(self, items: list[StoredPair]) -> dict[int, str]:
        return await self.review.pair_states(items)

    def cells(self, p: StoredPair, state: str) -> tuple[str, ...]:
        return (
            p.kind,
            str(len(p.members)),
            primary_cell(p),
            state,
            clip((p.reasons or [""])[0], 26),
        )

    @on(DataTable.RowHighlighted)
    def _show(self, event: DataTable.RowHighlighted) -> None:
        self.near_end(self.table.cursor_row)  # where it is now (rows may be read again)
        self.show_pair(self.table.cursor_row)

    def show_pair(self, row: int) -> None:
        """The primary next to the other member (the first other one of a burst), every
        member's path (▸ the primary) and every reason it was paired."""
        if not 0 <= row < len(self.loaded):
            return
        p = self.loaded[row]
        box = self.query_one("#pair-box", VerticalScroll)
        room = (box.size.width or self.app.size.width) - PATH_MARGIN
        lines = [("▸ " if m.key == p.primary else "  ") + member_line(m, room) for m in p.members]
        lines += [f"• {r}" for r in p.reasons]
        self.query_one("#pair-reasons", Static).update(Content("\n".join(lines)))  # as written
        primary = next((m for m in p.members if m.key == p.primary), p.members[0])
        other = next((m for m in p.members if m.key != primary.key), None)
        self.query_one(SideBySide).show(
            ("primary", name_of(primary.key, p.members), primary),
            None if other is None else ("other", name_of(other.key, p.members), other),
        )

    def action_decide(self, what: str) -> None:
        """Queued on the pair highlighted now, recorded after those pressed before it; the
        cursor moves on at once (but for a primary: `c` again takes the next one)."""
        table = self.table
        row = table.cursor_row
        if not 0 <= row < len(self.loaded):
            return
        self.record_pair(row, self.loaded[row], what, self.epoch)
        if what != PairDecision.PRIMARY and row + 1 < table.row_count:
            table.move_cursor(row=row + 1)

    @work(group="pair-decide", exit_on_error=False)
    async def record_pair(self, row: int, pair: StoredPair, what: str, epoch: int) -> None:
        async with self.recording:
            if epoch != self.epoch:  # pressed before a failure was shown: not recorded
                return
            try:
                note = await self.record(row, pair, what)
            except BaseException:
                self.epoch += 1
                if self.still_at(row, pair):
                    self.table.move_cursor(row=row)  # back to the pair whose decision failed
                raise
            if note and self.still_at(row, pair):
                await self.update_states([row])
            if note:
                self.app.notify(note)

    def still_at(self, row: int, pair: StoredPair) -> bool:
        """The list still shows `pair` on `row` (not read again since)."""
        if row >= len(self.loaded):
            return False
        shown = self.loaded[row]
        return shown.id == pair.id and shown.members == pair.members

    async def record(self, row: int, pair: StoredPair, what: str) -> str:
        """Record `what` about `pair` (pressed on `row`); what to say (a pair is named by its
        primary's file name and kind, never by its row id)."""
        review = self.review
        if self.still_at(row, pair):
            pair = self.loaded[row]  # with the primary an earlier `c` chose
        said = f"{name_of(pair.primary, pair.members)} ({pair.kind})"
        if what == PairDecision.ACCEPT:
            await review.accept_pair(pair)
            return f"{said}: accepted, the next apply stacks it in Immich"
        if what == PairDecision.REJECT:
            await review.reject_pair(pair)
            return f"{said}: not a pair (the next analysis drops it)"
        if what == PairDecision.PRIMARY:
            keys = [m.key for m in pair.members]
            if len(keys) < 2:
                return ""
            nxt = (
                keys[(keys.index(pair.primary) + 1) % len(keys)]
                if pair.primary in keys
                else keys[0]
            )
            await review.choose_primary(pair, nxt)
            pair, name = with_primary(pair, nxt), name_of(nxt, pair.members)
            if self.still_at(row, pair):
                self.show_row(row, pair)
            return f"{said}: the primary is {name} now"
        await review.undo_pair_decision(pair)
        if self.still_at(row, pair):  # the primary the analysis suggested, again
            (again,) = await review.pairs(row, 1) or [pair]
            if again.id == pair.id:
                self.show_row(row, again)
        return f"{said}: no decision now"

    def show_row(self, row: int, pair: StoredPair) -> None:
        """Show `pair` (with another primary) on `row`."""
        self.loaded[row] = pair
        if self.table.cursor_row == row:
            self.show_pair(row)
        self.table.update_cell_at(Coordinate(row, 2), Text(primary_cell(pair)), update_width=True)
