"""One duplicate group: every member (the keeper first) with what was decided about it, its
path, size, pixels as shown and capture time; the keeper's preview next to the highlighted
member's (or both full screen: `compare`), albums and the keeper's reasons; keys to decide."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Header, Static

from sidecar.engine.core.models import Member, MemberVerdict
from sidecar.tui.failures import OnFailure, Show
from sidecar.tui.screens.base import SidecarScreen
from sidecar.tui.screens.compare import Compare, Shown
from sidecar.tui.screens.decide import Decide, GroupList, offered
from sidecar.tui.text import common_dir, human, lines_of, name_of, shorten, video_facts
from sidecar.tui.widgets.keys import Keys
from sidecar.tui.widgets.member_table import MemberRows, MemberTable
from sidecar.tui.widgets.side_by_side import SideBySide

__all__ = ["GroupView"]

TIGHT = 15  # lines besides the members' rows that the screen needs to show the previews too


class GroupView(SidecarScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('keeper')", "Keep"),
        Binding("k", "decide('highlighted')", "Keep this"),
        Binding("n", "decide('not')", "Not dup"),
        Binding("m", "take_out", "Out"),
        Binding("s", "decide('stack')", "Stack"),
        Binding("x", "skip", "Skip"),
        Binding("u", "undo", "Undo"),
        Binding("c", "compare", "Compare"),
        Binding("v", "previews", "Previews", show=False),  # (in the help) 80 columns are full
        Binding("escape", "back", "Back"),
    ]
    FAILURES: ClassVar[dict[str, OnFailure]] = {
        "show_state": OnFailure(Show.NOTHING),  # the title just goes without
        # Immich away: the review goes on without the albums (said once: see `failed`)
        "load_albums": OnFailure(Show.WARNING, "albums not available"),
    }

    def __init__(self, groups: GroupList, index: int) -> None:
        super().__init__(groups.services)
        self.groups, self.index = groups, index
        self.group = groups.loaded[index]
        self.albums: dict[str, list[str]] = {}
        self.in_immich: dict[str, str] = {}  # asset id -> Immich's original path
        self.here: set[str] | None = None  # keys of members whose file is readable here
        self.marks: dict[str, str] = {}  # member key -> what was decided about it
        self.sizes: dict[str, tuple[int, int]] | None = None  # key -> (w, h) as shown
        self.previews: bool | None = None  # shown or not as `v` asked (None: as they fit)
        keeper = next((m for m in self.group.members if m.key == self.group.keeper), None)
        self.keeper = keeper or self.group.members[0]
        self.folder = common_dir([m.path or "" for m in self.group.members])
        self.place = f"{groups.base + index + 1:,} of {groups.total or len(groups.loaded):,}"

    def title_text(self, reclaim: int, state: str = "") -> str:
        """The title: the group, what it frees (as decided), where it is in the list."""
        g = self.group
        return (
            f"[b]{g.tier}[/b] group · {len(g.members)} members · "
            f"{human(reclaim)} reclaimable · {self.place}"
            + (f" · [b]decided: {state}[/b]" if state else "")
        )

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.title_text(self.group.reclaim), id="group-title")
        yield MemberTable(id="members")
        yield SideBySide(self.review.previews, id="previews")
        yield Static("", id="detail")
        with VerticalScroll(id="reasons-box"):
            yield Static(self.reasons_text(), id="reasons")
        yield Keys(compact=True)  # every key of a group fits in 80 columns

    @property
    def members(self) -> MemberTable:
        return self.query_one("#members", MemberTable)

    @property
    def rows(self) -> list[Member]:
        """The members as the table lists them: the keeper first, the others by path."""
        others = (m for m in self.group.members if m.key != self.keeper.key)
        return [self.keeper, *sorted(others, key=lambda m: m.path or m.key)]

    @property
    def title_bar(self) -> Static:
        return self.query_one("#group-title", Static)

    def on_mount(self) -> None:
        self.marks = {self.keeper.key: MemberVerdict.KEEP}
        self.fill_table()
        self.show_state()
        if any(m.asset_id for m in self.group.members):
            self.load_albums()

    def on_resize(self, event: events.Resize) -> None:
        """Rows cut to the new width; at a height where every member and the previews do not
        fit, the previews go (unless `v` asked for them)."""
        tight = self.size.height < len(self.group.members) + TIGHT
        self.show_previews(not tight if self.previews is None else self.previews)
        self.fill_table()
        self.members.refresh(layout=True)  # its scrollbars as the new rows need (none at 80)

    def show_previews(self, shown: bool) -> None:
        self.query_one(SideBySide).display = shown
        self.set_class(not shown, "no-previews")  # the reasons take their room

    def fill_table(self) -> None:
        labels = {
            m.key: f"Immich: {self.label(m)}"
            if self.immich_path(m)
            else (m.path or m.key).removeprefix(self.folder)
            for m in self.group.members
        }
        rows = MemberRows(self.rows, self.marks, labels, self.sizes or {}, self.folder)
        self.members.fill(rows, self.size.width or self.app.size.width)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keep and stack are not offered where there is nothing in Immich to trash or stack
        (local mode: the service would refuse them)."""
        if action != "decide":
            return True
        return offered(self.group, self.keeper.key, Decide(str(parameters[0])))

    @work(exclusive=True, group="state", exit_on_error=False)
    async def show_state(self) -> None:
        """What was decided about this group, in its title, and per member: keep, trash,
        out, stack or not dup; the member kept first."""
        if self.sizes is None:
            self.sizes = await self.review.previews.displayed_sizes(self.group.members)
        verdict = await self.review.group_verdict(self.group)
        self.title_bar.update(self.title_text(verdict.reclaim, verdict.state))
        self.marks = dict(verdict.marks)
        chosen = next((m for m in self.group.members if m.key == verdict.keeper), None)
        if chosen is not None and chosen.key != self.keeper.key:  # a person chose another
            self.keeper = chosen
            self.refresh_bindings()
        self.fill_table()
        self.show_sides()

    def action_take_out(self) -> None:
        """The highlighted member is no duplicate of the others: it leaves the group at the
        next analysis; the others stay here to be decided (keep and stack leave it alone)."""
        member = self.highlighted()
        if member is None or len(self.group.members) < 2:
            return
        self.groups.decide(self.index, Decide.OUT, member.key)

    def reasons_text(self) -> Content:
        suggested = name_of(self.group.keeper, self.group.members)
        head = [f"Why grouped, and why {suggested} is suggested:"] if self.group.reasons else []
        lines = [*head, *(f"• {r}" for r in self.group.reasons)]
        for m in self.group.members:
            if m.asset_id and self.albums.get(m.asset_id):
                names = ", ".join(self.albums[m.asset_id])
                lines.append(f"• {name_of(m.key, self.group.members)} is in: {names}")
        return lines_of(lines)

    def highlighted(self) -> Member | None:
        return self.members.member()

    @work(exclusive=True, group="albums", exit_on_error=False)
    async def load_albums(self) -> None:
        review = self.review
        ids = [m.asset_id for m in self.group.members if m.asset_id]
        self.in_immich = await review.immich_paths(ids)
        self.here = await review.previews.readable_here(self.group.members)
        self.fill_table()
        self.show_sides()
        self.albums = await review.albums(self.group)
        self.query_one("#reasons", Static).update(self.reasons_text())
        self.show_detail()

    def failed(self, worker: str, error: BaseException) -> None:
        if worker == "load_albums":  # said once, not for every group of a review
            if self.groups.albums_warned:
                return
            self.groups.albums_warned = True
        super().failed(worker, error)

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

    def other(self) -> Member | None:
        """The highlighted member, or (on the keeper) the next one; None in a group of one."""
        member = self.highlighted()
        if member is not None and member.key != self.keeper.key:
            return member
        return next(iter(self.rows[1:]), None)

    def show_sides(self) -> None:
        """Captions, the detail line and (when they change) the two previews."""
        member, right = self.highlighted(), self.other()
        if member is None:
            return
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
        facts = video_facts(member, (self.sizes or {}).get(member.key))
        if facts:  # a video's length, size and codec first, the path cut on the left to fit
            room = (self.size.width or self.app.size.width) - len(facts) - 6
            where = f"{facts} · {shorten(where, max(room, 12))}"
        text = f"▸ {where}" + (f"  (albums: {', '.join(albums)})" if albums else "")
        self.query_one("#detail", Static).update(Content(text))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_previews(self) -> None:
        """Previews off (the member table and the reasons get their room) or on again."""
        self.previews = not self.query_one(SideBySide).display
        self.show_previews(self.previews)

    def action_compare(self) -> None:
        """The keeper and the highlighted member (or the next one), full screen, flipped."""
        other, sizes = self.other(), self.sizes or {}
        if other is not None:
            shown = [("keeper", self.keeper), ("member", other)]
            pictures = [Shown(r, self.label(m), m, sizes.get(m.key)) for r, m in shown]
            self.app.push_screen(Compare(self.services, *pictures))

    def action_skip(self) -> None:
        self.next_group()

    def next_group(self) -> None:
        if not self.groups.open_at(self.index + 1):
            self.groups.resume_at = self.index
            self.app.notify("That was the last group loaded.")
            self.app.pop_screen()

    def action_decide(self, what: str) -> None:
        """Queued (in the order the keys were pressed) on this group and its member chosen
        now; the next group opens at once (a failure comes back to this one)."""
        member = self.keeper if what == Decide.KEEPER else self.highlighted()
        if member is None:
            return
        self.groups.decide(self.index, Decide(what), member.key)
        self.next_group()

    def action_undo(self) -> None:
        self.groups.decide(self.index, Decide.UNDO, self.keeper.key)
