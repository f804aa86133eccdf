"""Duplicate groups: the list (a page at a time, sortable, by tier, with what was decided) and
one group side by side (the keeper's preview next to the highlighted member's, paths, sizes,
pixels, capture times, albums, the keeper's reasons) with keys to decide."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from sidecar.engine.core.models import Member, StoredGroup
from sidecar.engine.services.review import Verdict
from sidecar.tui.base import (
    common_dir,
    human,
    nav,
    plain,
    services,
    shorten,
    when,
)
from sidecar.tui.modals import report_problem
from sidecar.tui.paged import PagedList
from sidecar.tui.previews import SideBySide

SORTS = ("reclaim", "size", "date", "distance", "members")
TIERS = (None, "exact", "near", "semantic")


def name_of(key: str, members: list[Member]) -> str:
    path = next((m.path or m.key for m in members if m.key == key), key)
    return path.rsplit("/", 1)[-1]


class Groups(PagedList[StoredGroup]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "sort", "Sort"),
        Binding("t", "tier", "Tier"),
        Binding("enter", "open", "Open", show=False),
        *nav("groups", quit=True),
    ]
    STATE_COLUMN = 5
    KEEPER_COLUMN = 4

    def __init__(self) -> None:
        super().__init__()
        self.verdicts: dict[int, Verdict] = {}  # group id -> what was decided
        self.sort = 0
        self.tier = 0
        self.resume_at = 0  # the row to show again when coming back from a group
        self.albums_warned = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="groups-title")
        yield DataTable(id="groups", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.table.add_columns("tier", "n", "reclaim", "dist", "keeper", "decided")

    def on_screen_resume(self) -> None:
        self.check_fresh(keep=self.resume_at)

    def still_fresh(self) -> None:
        self.refresh_states()

    def reload(self, keep: int = 0) -> None:
        tier = TIERS[self.tier] or "all tiers"
        self.query_one("#groups-title", Static).update(
            f"Duplicate groups — {tier}, by {SORTS[self.sort]} (o sort, t tier, enter open)"
        )
        super().reload(keep)

    async def fetch(self, offset: int, limit: int) -> list[StoredGroup]:
        return await services(self).review.groups(offset, limit, SORTS[self.sort], TIERS[self.tier])

    async def states(self, items: list[StoredGroup]) -> dict[int, str]:
        verdicts = await services(self).review.group_verdicts(items)
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
            self.table.update_cell_at(Coordinate(row, self.KEEPER_COLUMN), keeper)

    def loaded_page(self) -> None:
        if not self.loaded:
            self.query_one("#groups-title", Static).update(
                "No duplicate groups"
                + (f" of tier {TIERS[self.tier]}" if self.tier else "")
                + " (N on the dashboard runs the analysis; t changes the tier)"
            )

    @work(exclusive=True, group="group-states")
    async def refresh_states(self) -> None:
        try:
            await self.update_states(list(range(len(self.loaded))))
        except Exception as exc:  # noqa: BLE001
            self.app.notify(f"cannot read the decisions: {exc}", severity="error")
            return
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

    def action_sort(self) -> None:
        self.sort = (self.sort + 1) % len(SORTS)
        self.resume_at = 0
        self.reload()

    def action_tier(self) -> None:
        self.tier = (self.tier + 1) % len(TIERS)
        self.resume_at = 0
        self.reload()


class GroupView(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('keeper')", "Keep"),
        Binding("k", "decide('highlighted')", "Keep this"),
        Binding("n", "decide('not')", "Not dup"),
        Binding("m", "take_out", "Not this"),
        Binding("s", "decide('stack')", "Stack"),
        Binding("x", "skip", "Skip"),
        Binding("u", "undo", "Undo"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, groups: Groups, index: int) -> None:
        super().__init__()
        self.groups, self.index = groups, index
        self.group = groups.loaded[index]
        self.albums: dict[str, list[str]] = {}
        self.in_immich: dict[str, str] = {}  # asset id -> Immich's original path
        self.here: set[str] | None = None  # keys of members whose file is readable here
        keeper = next((m for m in self.group.members if m.key == self.group.keeper), None)
        self.keeper = keeper or self.group.members[0]
        self.folder = common_dir([m.path or "" for m in self.group.members])
        g, more = self.group, "" if groups.exhausted else "+"
        self.title_text = (
            f"[b]{g.tier}[/b] group {g.id} · {len(g.members)} members · "
            f"{human(g.reclaim)} reclaimable · {index + 1}/"
            f"{len(groups.loaded)}{more}"
        )

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.title_text, id="group-title")
        yield DataTable(id="members", cursor_type="row")
        yield SideBySide(id="previews")
        yield Static("", id="detail")
        with VerticalScroll(id="reasons-box"):
            yield Static(self.reasons_text(), id="reasons")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        path = Text("path" + (f" in {shorten(self.folder, 30)}" if self.folder else ""))
        table.add_columns("", path, "fmt", "size", "pixels", "taken")
        for m in self.group.members:
            mark = "keep" if m.key == self.group.keeper else ""
            where = m.path or m.key
            pixels = f"{m.width}x{m.height}" if m.width and m.height else "-"
            name = where.rsplit("/", 1)[-1]
            fmt = name.rsplit(".", 1)[-1].upper()[:4] if "." in name else "-"
            table.add_row(
                *plain(
                    mark,
                    shorten(where.removeprefix(self.folder), 34),
                    fmt,
                    human(m.size),
                    pixels,
                    when(m.captured_at),
                )
            )
        self.show_state()
        if any(m.asset_id for m in self.group.members):
            self.load_albums()

    @work(exclusive=True, group="state")
    async def show_state(self) -> None:
        """What was decided about this group, in its title, and per member: keep, trash,
        out, stack or not dup."""
        review = services(self).review
        try:
            verdict = await review.group_verdict(self.group)
        except Exception:  # noqa: BLE001 - the title just goes without
            return
        self.query_one("#group-title", Static).update(
            self.title_text + (f" · [b]decided: {verdict.state}[/b]" if verdict.state else "")
        )
        table = self.query_one(DataTable)
        for row, m in enumerate(self.group.members):
            table.update_cell_at(Coordinate(row, 0), Text(verdict.marks.get(m.key, "")))
        chosen = next((m for m in self.group.members if m.key == verdict.keeper), None)
        if chosen is not None and chosen.key != self.keeper.key:  # a person chose another
            self.keeper = chosen
            self.show_sides()

    @work(exclusive=True, group="decide")
    async def action_take_out(self) -> None:
        """The highlighted member is no duplicate of the others: it leaves the group at the
        next analysis; the others stay here to be decided (keep and stack leave it alone)."""
        member = self.highlighted()
        if member is None or len(self.group.members) < 2:
            return
        try:
            await services(self).review.not_this_one(self.group, member.key)
        except Exception as exc:  # noqa: BLE001
            report_problem(self.app, "Not recorded", exc)
            return
        self.app.notify(
            f"Recorded: {self.label(member)} is not a duplicate of the others "
            "(decide about the rest here; u takes it back)"
        )
        self.show_state()

    def reasons_text(self) -> str:
        lines = [f"• {escape(r)}" for r in self.group.reasons]
        for m in self.group.members:
            if m.asset_id and self.albums.get(m.asset_id):
                names = ", ".join(self.albums[m.asset_id])
                lines.append(
                    f"• {escape(name_of(m.key, self.group.members))} is in: {escape(names)}"
                )
        return "\n".join(lines)

    def highlighted(self) -> Member | None:
        row = self.query_one(DataTable).cursor_row
        members = self.group.members
        return members[row] if 0 <= row < len(members) else None

    @work(exclusive=True, group="albums")
    async def load_albums(self) -> None:
        review = services(self).review
        try:
            ids = [m.asset_id for m in self.group.members if m.asset_id]
            self.in_immich = await review.immich_paths(ids)
            self.here = await review.readable_here(self.group.members)
            table = self.query_one(DataTable)
            for row, m in enumerate(self.group.members):
                if self.immich_path(m):
                    table.update_cell_at(
                        Coordinate(row, 1), Text(shorten(f"Immich: {self.label(m)}", 34))
                    )
            self.show_sides()
            self.albums = await review.albums(self.group)
        except Exception as exc:  # noqa: BLE001 - Immich away: the review goes on without
            if not self.groups.albums_warned:  # once, not for every group of a review
                self.groups.albums_warned = True
                self.app.notify(f"albums not available: {exc}", severity="warning")
            return
        self.query_one("#reasons", Static).update(self.reasons_text())
        self.show_detail()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_sides()

    def not_here(self, m: Member) -> bool:
        """Known to have no file this process can read (known once the check ran)."""
        return self.here is not None and m.key not in self.here

    def immich_path(self, m: Member) -> str | None:
        """Immich's path of a member with no file here."""
        return self.in_immich.get(m.asset_id or "") if self.not_here(m) else None

    def label(self, m: Member) -> str:
        """A member's file name (Immich's, for an asset with no file here)."""
        return (self.immich_path(m) or m.path or m.key).rsplit("/", 1)[-1]

    def show_sides(self) -> None:
        """Captions, the detail line and (when they change) the two previews."""
        member = self.highlighted()
        if member is None:
            return
        others = [m for m in self.group.members if m.key != self.keeper.key]
        right = member if member.key != self.keeper.key else (others[0] if others else None)
        self.show_detail()
        self.query_one(SideBySide).show(
            ("keeper", self.label(self.keeper), self.keeper),
            None
            if right is None
            else ("this" if right is member else "other", self.label(right), right),
        )

    def show_detail(self) -> None:
        member = self.highlighted()
        if member is None:
            return
        albums = self.albums.get(member.asset_id or "", [])
        where = member.path or member.key
        if self.not_here(member):
            where = f"only in Immich: {self.immich_path(member) or where}"
        text = f"▸ {where}" + (f"  (albums: {', '.join(albums)})" if albums else "")
        self.query_one("#detail", Static).update(escape(text))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_skip(self) -> None:
        self.next_group()

    def next_group(self) -> None:
        if not self.groups.open_at(self.index + 1):
            self.groups.resume_at = self.index
            self.app.notify("That was the last group loaded.")
            self.app.pop_screen()

    @work(exclusive=True, group="decide")
    async def action_decide(self, what: str) -> None:
        review, g = services(self).review, self.group
        try:
            if what == "not":
                await review.not_duplicates(g)
                self.app.notify("Recorded: not duplicates (the next analysis honours it)")
            elif what == "stack":
                ids = await review.stack_instead(g)
                self.app.notify(f"Recorded: stack these {len(ids)} in Immich (at the next apply)")
            else:
                member = self.keeper if what == "keeper" else self.highlighted()
                if member is None:
                    return
                queued = await review.keep(g, member.key)
                self.app.notify(
                    f"Recorded: keep {name_of(member.key, g.members)}, "
                    f"{len(queued)} to the trash queue (T on the write-back "
                    "screen applies it)"
                )
        except Exception as exc:  # noqa: BLE001
            report_problem(self.app, "Not recorded", exc)
            return
        self.next_group()

    @work(exclusive=True, group="decide")
    async def action_undo(self) -> None:
        try:
            await services(self).review.undo_decision(self.group)
        except Exception as exc:  # noqa: BLE001
            report_problem(self.app, "Not taken back", exc)
            return
        self.app.notify(
            "Taken back: no decision about this group now (what an apply already "
            "did is undone on the write-back screen)"
        )
        self.show_state()
