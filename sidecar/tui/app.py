"""The review TUI: dashboard, duplicate groups, pairs, write-back plan and runs.

Keyboard-first and usable over SSH in 80x24: every action has a key (see `?`), lists load a
page at a time, anything that touches the network or decodes images runs in a worker, and
errors become notifications. Decisions made here (not duplicates, keep one / trash the others)
are recorded; nothing is written to Immich until `apply` here or on the command line.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Static

from sidecar.engine.services.review import (
    Member,
    ReviewService,
    StoredGroup,
    StoredPair,
    WritePlan,
)
from sidecar.engine.services.writeback import WritebackService

GRAPHICS: list[Any] = []  # the textual-image widget class, once enable_graphics() found one


def enable_graphics() -> bool:
    """Ask the terminal whether it shows sixel or kitty graphics (textual-image queries it, so
    this runs before the app starts, and only for `tui` on a terminal). Without them the
    half-block preview is used, which works everywhere."""
    try:
        from textual_image.renderable import Image as best
        from textual_image.renderable.sixel import Image as sixel
        from textual_image.renderable.tgp import Image as kitty
        from textual_image.widget import Image as widget
    except Exception:  # noqa: BLE001 - an unusual terminal must not stop the TUI
        return False
    if best in (sixel, kitty):
        GRAPHICS[:] = [widget]
        return True
    return False


PAGE = 200
SORTS = ("reclaim", "size", "date", "distance", "members")
TIERS = (None, "exact", "near", "semantic")
PREVIEW_COLS, PREVIEW_ROWS = 36, 12


class TuiServices(Protocol):
    @property
    def review(self) -> ReviewService: ...
    @property
    def writeback(self) -> WritebackService: ...


def human(size: int | None) -> str:
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"


def half_blocks(grid: list[list[tuple[int, int, int]]] | None) -> Text:
    """Two pixel rows per text row: the upper half block, foreground above, background below."""
    if not grid:
        return Text("(no preview)", style="dim")
    out = Text()
    for y in range(0, len(grid), 2):
        top, bottom = grid[y], grid[y + 1] if y + 1 < len(grid) else None
        for x, (r, g, b) in enumerate(top):
            style = f"rgb({r},{g},{b})"
            if bottom is not None:
                r2, g2, b2 = bottom[x]
                style += f" on rgb({r2},{g2},{b2})"
            out.append("▀", style=style)
        out.append("\n")
    return out


class Confirm(ModalScreen[bool]):
    """Yes/no, keyboard only: y confirms, n or escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No"),
    ]  # fmt: skip

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(self.question)
            yield Static("[b]y[/b] yes    [b]n[/b] no")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class Help(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    TEXT = """[b]Everywhere[/b]
  d dashboard   g duplicate groups   p pairs   w write-back (plan, runs)
  ? this help   q quit (or back)
[b]Dashboard[/b]   S sync now   R scan now   A analyse now
[b]Groups[/b]      enter open   o sort (reclaimable, size, date, distance, members)
            t tier (all, exact, near, semantic)   (more rows load as you scroll)
[b]A group[/b]     a keep the suggested keeper, others to the trash queue
            k keep the highlighted member instead   n not duplicates
            s stack them in Immich instead   escape back
[b]Pairs[/b]       r not a pair   c make the next member the primary
[b]Write-back[/b]  l plan now   A apply the plan (asks)   T apply with the trash queue (asks)
            u undo the highlighted run (asks)
Nothing reaches Immich before an apply; the trash is Immich's (recoverable), never forced."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(self.TEXT)

    def action_close(self) -> None:
        self.dismiss(None)


class Dashboard(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("S", "run('sync')", "Sync"), Binding("R", "run('scan')", "Scan"),
        Binding("A", "run('analyze')", "Analyse"),
    ]  # fmt: skip

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("Loading…", id="summary")
        yield Footer()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    @work(exclusive=True, group="dashboard")
    async def refresh_data(self) -> None:
        app = self.app
        assert isinstance(app, SidecarApp)
        try:
            d = await app.services.review.dashboard()
        except Exception as exc:  # noqa: BLE001 - shown, never a traceback
            app.notify(f"cannot read the inventory: {exc}", severity="error")
            return
        lines = [
            f"[b]Inventory[/b]  files {d.files:,} (removed {d.files_removed:,})   "
            f"Immich assets {d.assets:,}"
            + (" (" + ", ".join(f"{u} {n:,}" for u, n in sorted(d.per_user.items())) + ")"
               if len(d.per_user) > 1 else ""),
            "[b]Duplicates[/b] " + (", ".join(f"{k} {v:,}" for k, v in sorted(d.groups.items()))
                                    or "none (run analyse)"),
            "[b]Pairs[/b]      " + (", ".join(f"{k} {v:,}" for k, v in sorted(d.pairs.items()))
                                    or "none"),
            f"[b]Trash queue[/b] {d.trash_pending:,} asset(s) decided, applied with T on the "
            "write-back screen",
            "[b]Drift[/b]      " + (", ".join(f"{k.replace('_', ' ')} {v:,}"
                                              for k, v in d.drift.items())
                                    or "not computed yet (the daemon computes it)"),
            f"[b]Daemon[/b]     heartbeat {d.heartbeat or 'never'}, watcher {d.watcher}",
        ]  # fmt: skip
        for job in d.jobs:
            lines.append(f"  {job.id:<6} last {job.last_status or '-'} at "
                         f"{(job.last_started or '-')[:19]}, next {(job.next_run or '-')[:19]}"
                         + (f" — {job.last_message}" if job.last_message else ""))  # fmt: skip
        self.query_one("#summary", Static).update("\n".join(lines))

    @work(exclusive=True, group="job")
    async def action_run(self, what: str) -> None:
        app = self.app
        assert isinstance(app, SidecarApp)
        review = app.services.review
        calls = {"sync": review.run_sync, "scan": review.run_scan, "analyze": review.run_analyze}
        app.notify(f"{what} started")
        try:
            result = await calls[what]()
        except Exception as exc:  # noqa: BLE001 - Immich down, a busy lock, ...: a notification
            app.notify(f"{what} failed: {exc}", severity="error", timeout=10)
            return
        brief = {k: v for k, v in result.items() if isinstance(v, int)} if result else {}
        app.notify(f"{what} done: {brief}")
        self.refresh_data()


class Groups(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "sort", "Sort"), Binding("t", "tier", "Tier"),
        Binding("enter", "open", "Open", show=False),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.sort = 0
        self.tier = 0
        self.loaded: list[StoredGroup] = []
        self.exhausted = False
        self.loading = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="groups-title")
        yield DataTable(id="groups", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("tier", "n", "reclaim", "dist", "keeper")
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.loaded, self.exhausted = [], False
        self.query_one(DataTable).clear()
        tier = TIERS[self.tier] or "all tiers"
        self.query_one("#groups-title", Static).update(
            f"Duplicate groups — {tier}, by {SORTS[self.sort]} (o sort, t tier, enter open)"
        )
        self.load_more()

    @work(exclusive=True, group="groups")
    async def load_more(self) -> None:
        app = self.app
        assert isinstance(app, SidecarApp)
        if self.exhausted:
            return
        self.loading = True
        try:
            page = await app.services.review.groups(len(self.loaded), PAGE, SORTS[self.sort],
                                                    TIERS[self.tier])  # fmt: skip
        except Exception as exc:  # noqa: BLE001
            app.notify(f"cannot read the groups: {exc}", severity="error")
            return
        finally:
            self.loading = False
        self.exhausted = len(page) < PAGE
        table = self.query_one(DataTable)
        for g in page:
            keeper = next((m.path or m.key for m in g.members if m.key == g.keeper), g.keeper)
            table.add_row(g.tier, str(len(g.members)), human(g.reclaim), str(g.distance),
                          keeper.rsplit("/", 1)[-1], key=str(len(self.loaded)))  # fmt: skip
            self.loaded.append(g)

    @on(DataTable.RowHighlighted)
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= len(self.loaded) - 20 and not (self.exhausted or self.loading):
            self.load_more()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(self.loaded):
            self.app.push_screen(GroupView(self.loaded[row]))

    def action_sort(self) -> None:
        self.sort = (self.sort + 1) % len(SORTS)
        self.reload()

    def action_tier(self) -> None:
        self.tier = (self.tier + 1) % len(TIERS)
        self.reload()


class GroupView(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "keep_suggested", "Keep suggested"),
        Binding("k", "keep_highlighted", "Keep this one"),
        Binding("n", "not_duplicates", "Not duplicates"),
        Binding("s", "stack", "Stack instead"),
        Binding("escape", "back", "Back"),
    ]  # fmt: skip

    def __init__(self, group: StoredGroup) -> None:
        super().__init__()
        self.group = group

    def compose(self) -> ComposeResult:
        g = self.group
        yield Header()
        yield Static(f"[b]{g.tier}[/b] group {g.id}: {len(g.members)} members, "
                     f"{human(g.reclaim)} reclaimable", id="group-title")  # fmt: skip
        with Horizontal():
            yield DataTable(id="members", cursor_type="row")
            yield GRAPHICS[0](id="graphics") if GRAPHICS else Static("", id="preview")
        yield Static("\n".join(f"• {r}" for r in g.reasons), id="reasons")
        yield Footer()

    def on_mount(self) -> None:
        if any(m.asset_id for m in self.group.members):
            self.load_albums()
        table = self.query_one(DataTable)
        table.add_columns("", "file", "fmt", "size", "pixels", "taken")
        for m in self.group.members:
            mark = "keep" if m.key == self.group.keeper else ""
            pixels = f"{m.width}x{m.height}" if m.width and m.height else "-"
            name = (m.path or m.key).rsplit("/", 1)[-1]
            fmt = name.rsplit(".", 1)[-1].upper() if "." in name else "-"
            table.add_row(mark, name, fmt, human(m.size), pixels, (m.captured_at or "-")[:19])

    @work(exclusive=True, group="albums")
    async def load_albums(self) -> None:
        app = self.app
        assert isinstance(app, SidecarApp)
        try:
            albums = await app.services.review.albums(self.group)
        except Exception as exc:  # noqa: BLE001 - Immich away: the review goes on without
            app.notify(f"albums not available: {exc}", severity="warning")
            return
        lines = [f"• {_name(m.key, self.group.members)} is in: {', '.join(albums[m.asset_id])}"
                 for m in self.group.members if m.asset_id and albums.get(m.asset_id)]  # fmt: skip
        reasons = "\n".join(f"• {r}" for r in self.group.reasons)
        self.query_one("#reasons", Static).update("\n".join([reasons, *lines]))

    @on(DataTable.RowHighlighted)
    def _show(self, event: DataTable.RowHighlighted) -> None:
        members = self.group.members
        if 0 <= event.cursor_row < len(members):
            self.load_preview(members[event.cursor_row].path)

    @work(exclusive=True, group="preview", thread=True)
    def load_preview(self, path: str | None) -> None:
        app = self.app
        assert isinstance(app, SidecarApp)
        if GRAPHICS:
            image = app.services.review.thumbnail(path, 512)
            app.call_from_thread(setattr, self.query_one("#graphics"), "image", image)
            return
        grid = app.services.review.preview(path, PREVIEW_COLS, PREVIEW_ROWS)
        app.call_from_thread(self.query_one("#preview", Static).update, half_blocks(grid))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_not_duplicates(self) -> None:
        self._decide("not")

    def action_stack(self) -> None:
        self._decide("stack")

    def action_keep_suggested(self) -> None:
        self._decide(self.group.keeper)

    def action_keep_highlighted(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(self.group.members):
            self._decide(self.group.members[row].key)

    @work(exclusive=True, group="decide")
    async def _decide(self, keeper: str) -> None:
        app = self.app
        assert isinstance(app, SidecarApp)
        try:
            if keeper == "not":
                await app.services.review.not_duplicates(self.group)
                app.notify("Recorded: not duplicates (the next analysis honours it)")
            elif keeper == "stack":
                ids = await app.services.review.stack_instead(self.group)
                app.notify(f"Recorded: stack these {len(ids)} in Immich (the next apply)")
            else:
                queued = await app.services.review.keep(self.group, keeper)
                app.notify(f"Recorded: keep one, {len(queued)} to the trash queue "
                           "(apply with T on the write-back screen)")  # fmt: skip
        except Exception as exc:  # noqa: BLE001
            app.notify(str(exc), severity="error", timeout=10)
            return
        app.pop_screen()


class Pairs(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reject", "Not a pair"), Binding("c", "primary", "Next primary"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[StoredPair] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Pairs and bursts — r not a pair, c make the next member the primary "
                     "(applied by the next analysis)")  # fmt: skip
        yield DataTable(id="pairs", cursor_type="row", zebra_stripes=True)
        yield Static("", id="pair-reasons")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("kind", "n", "primary", "why")
        self.load()

    @work(exclusive=True, group="pairs")
    async def load(self) -> None:
        app = self.app
        assert isinstance(app, SidecarApp)
        try:
            pairs = await app.services.review.pairs(0, PAGE * 5)
        except Exception as exc:  # noqa: BLE001
            app.notify(f"cannot read the pairs: {exc}", severity="error")
            return
        table = self.query_one(DataTable)
        table.clear()
        self.loaded = pairs
        for p in pairs:
            table.add_row(p.kind, str(len(p.members)), _name(p.primary, p.members),
                          (p.reasons or [""])[0][:60])  # fmt: skip

    @on(DataTable.RowHighlighted)
    def _show(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.loaded):
            p = self.loaded[event.cursor_row]
            members = ", ".join(_name(m.key, p.members) for m in p.members)
            self.query_one("#pair-reasons", Static).update(
                f"{members}\n" + "\n".join(f"• {r}" for r in p.reasons)
            )

    def _current(self) -> StoredPair | None:
        row = self.query_one(DataTable).cursor_row
        return self.loaded[row] if 0 <= row < len(self.loaded) else None

    def action_reject(self) -> None:
        if (pair := self._current()) is not None:
            self.decide(pair, None)

    def action_primary(self) -> None:
        pair = self._current()
        if pair is not None and len(pair.members) > 1:
            keys = [m.key for m in pair.members]
            self.decide(pair, keys[(keys.index(pair.primary) + 1) % len(keys)]
                        if pair.primary in keys else keys[0])  # fmt: skip

    @work(exclusive=True, group="pair-decide")
    async def decide(self, pair: StoredPair, primary: str | None) -> None:
        app = self.app
        assert isinstance(app, SidecarApp)
        try:
            if primary is None:
                await app.services.review.reject_pair(pair)
                app.notify("Recorded: not a pair (the next analysis drops it)")
            else:
                await app.services.review.choose_primary(pair, primary)
                app.notify(f"Recorded: primary {_name(primary, pair.members)} "
                           "(the next analysis uses it)")  # fmt: skip
        except Exception as exc:  # noqa: BLE001
            app.notify(str(exc), severity="error", timeout=10)


def _name(key: str, members: list[Member]) -> str:
    path = next((m.path or m.key for m in members if m.key == key), key)
    return path.rsplit("/", 1)[-1]


class Writeback(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "plan", "Plan"), Binding("A", "apply(False)", "Apply"),
        Binding("T", "apply(True)", "Apply + trash"), Binding("u", "undo", "Undo run"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.planned: WritePlan | None = None
        self.run_ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("No plan yet: press l to plan (syncs and analyses first).", id="plan")
        yield DataTable(id="runs", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("run", "status", "started", "actions")
        self.load_runs()

    @work(exclusive=True, group="runs")
    async def load_runs(self) -> None:
        app = self.app
        assert isinstance(app, SidecarApp)
        try:
            runs = await app.services.writeback.runs()
        except Exception as exc:  # noqa: BLE001
            app.notify(f"cannot read the runs: {exc}", severity="error")
            return
        table = self.query_one(DataTable)
        table.clear()
        self.run_ids = [r["run_id"] for r in runs]
        for r in runs:
            table.add_row(f"#{r['run_id']}", r["status"], r["started_at"][:19],
                          ", ".join(f"{v} {k}" for k, v in r["by_status"].items()))  # fmt: skip

    @work(exclusive=True, group="plan")
    async def action_plan(self, trash: bool = False) -> None:
        app = self.app
        assert isinstance(app, SidecarApp)
        self.query_one("#plan", Static).update("Planning (sync, analysis, Immich state)…")
        try:
            self.planned = await app.services.writeback.plan(trash_decided=trash)
        except Exception as exc:  # noqa: BLE001
            self.query_one("#plan", Static).update(f"Planning failed: {exc}")
            app.notify(f"planning failed: {exc}", severity="error", timeout=10)
            return
        self.query_one("#plan", Static).update(describe(self.planned))

    def action_apply(self, trash: bool) -> None:
        self.confirm_apply(trash)

    @work(exclusive=True, group="apply")
    async def confirm_apply(self, trash: bool) -> None:
        app = self.app
        assert isinstance(app, SidecarApp)
        try:
            planned = await app.services.writeback.plan(trash_decided=trash)
        except Exception as exc:  # noqa: BLE001
            app.notify(f"planning failed: {exc}", severity="error", timeout=10)
            return
        self.planned = planned
        self.query_one("#plan", Static).update(describe(planned))
        if not planned.plan.actions:
            app.notify("Nothing to apply: Immich already matches.")
            return
        if not await app.push_screen_wait(Confirm(f"Apply this plan?\n\n{describe(planned)}")):
            app.notify("Nothing applied.")
            return
        try:
            report = await app.services.writeback.apply(planned)
        except Exception as exc:  # noqa: BLE001
            app.notify(f"apply failed: {exc}", severity="error", timeout=10)
            return
        app.notify(f"Run #{report.run_id}: {report.applied} applied, {report.failed} failed, "
                   f"{report.skipped} skipped", severity="error" if report.failed else
                   "information")  # fmt: skip
        self.load_runs()

    def action_undo(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(self.run_ids):
            self.confirm_undo(self.run_ids[row])

    @work(exclusive=True, group="undo")
    async def confirm_undo(self, run_id: int) -> None:
        app = self.app
        assert isinstance(app, SidecarApp)
        if not await app.push_screen_wait(Confirm(f"Undo run #{run_id}? What it made in "
                                                   "Immich is removed again.")):  # fmt: skip
            return
        try:
            report = await app.services.writeback.undo(run_id)
        except Exception as exc:  # noqa: BLE001
            app.notify(f"undo failed: {exc}", severity="error", timeout=10)
            return
        app.notify(f"Run #{run_id}: {report.reverted} reverted, {report.failed} failed")
        self.load_runs()


def describe(planned: WritePlan) -> str:
    summary = planned.plan.summary()
    lines = [f"[b]Plan[/b]: {len(planned.plan.actions)} action(s) — "
             + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.items())]  # fmt: skip
    trash = [a for a in planned.plan.actions if a.kind.value == "trash"]
    if trash:
        ids = [i for a in trash for i in a.asset_ids]
        lines.append(f"[b red]To Immich's trash[/b red] ({len(ids)}): " + ", ".join(ids[:8])
                     + (" …" if len(ids) > 8 else ""))  # fmt: skip
    lines += [f"note: {n}" for n in planned.plan.notes[:3]]
    lines += [f"[red]error[/red]: {e}" for e in planned.errors]
    return "\n".join(lines)


class SidecarApp(App[None]):
    TITLE = "immich-sidecar"
    CSS = """
    #confirm { width: 70; height: auto; border: heavy $warning; padding: 1 2; background: $panel; }
    Confirm, Help { align: center middle; }
    #help { width: 78; height: 20; border: round $accent; padding: 0 1; background: $panel; }
    #preview { width: 38; height: auto; }
    #graphics { width: 38; height: 14; }
    #members { width: 1fr; height: auto; max-height: 12; }
    #reasons { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "go('dashboard')", "Dashboard"), Binding("g", "go('groups')", "Groups"),
        Binding("p", "go('pairs')", "Pairs"), Binding("w", "go('writeback')", "Write-back"),
        Binding("question_mark", "help", "Help"), Binding("q", "quit_or_back", "Quit"),
    ]  # fmt: skip
    SCREENS: ClassVar[dict[str, Any]] = {
        "dashboard": Dashboard, "groups": Groups, "pairs": Pairs, "writeback": Writeback,
    }  # fmt: skip

    def __init__(self, services: TuiServices) -> None:
        super().__init__()
        self.services = services

    def on_mount(self) -> None:
        self.push_screen("dashboard")

    def action_go(self, name: str) -> None:
        self.switch_screen(name)

    def action_help(self) -> None:
        self.push_screen(Help())

    def action_quit_or_back(self) -> None:
        if isinstance(self.screen, GroupView):
            self.pop_screen()
        else:
            self.exit()
