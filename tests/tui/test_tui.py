"""The review TUI driven with Textual's pilot, against a real inventory and the test Immich,
in an 80x24 terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Static

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from sidecar.tui.app import Confirm, GroupView, Help, Problem, SidecarApp
from sidecar.tui.text import name_of
from tests.fake_immich import FakeImmich
from tests.helpers import LIB
from tests.helpers.tui import (
    analysed,
    goto,
    on_screen,
    open_group_of,
    press,
    running,
    settle,
    until,
)
from tests.helpers.writeback import (
    NO_STACK_CREATE,
    immich_state,
    library,
    prepare,
    settings_for,
)


def text_of(app: SidecarApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_local_review_dashboard_groups_not_duplicates_help(
    analysed_photos: Path, settings: Settings
) -> None:
    photos = analysed_photos
    async with open_runtime(settings) as rt:
        async with running(rt) as pilot:
            app = pilot.app
            summary = text_of(app, "#summary")
            assert "exact 2" in summary
            assert "near 3" in summary
            await press(pilot, "g")
            table = app.screen.query_one(DataTable)
            assert table.row_count == 5
            await pilot.press("t")  # exact only
            await settle(pilot)
            assert app.screen.query_one(DataTable).row_count == 2
            await press(pilot, "enter")
            assert isinstance(app.screen, GroupView)
            group = app.screen.group
            members = app.screen.query_one(DataTable)
            marks = [str(members.get_row_at(i)[0]) for i in range(len(group.members))]
            assert marks.count("keep") == 1
            # side by side: the keeper's preview and the other member's, with the full path
            assert "▀" in text_of(app, "#preview-left")
            assert "▀" in text_of(app, "#preview-right")
            assert "keeper" in text_of(app, "#caption-left")
            keeper = next(m for m in group.members if m.key == group.keeper)
            assert keeper.path is not None
            assert str(photos) in text_of(app, "#detail")
            # local files: nothing can be trashed or stacked, so keep and stack are not offered
            footer = on_screen(app).splitlines()[-1]
            assert "Not dup" in footer
            assert "Keep" not in footer
            assert "Stack" not in footer
            await press(pilot, "a", "k", "s")  # and do nothing
            assert app.screen.group == group
            assert await rt.analysis.decisions() == []
            await pilot.press("n")  # recorded; the next group opens
            await settle(pilot)
            assert isinstance(app.screen, GroupView)
            assert app.screen.group != group
            await press(pilot, "escape")
            table = app.screen.query_one(DataTable)
            assert str(table.get_row_at(0)[-1]) == "not dup"  # the list shows the decision
            assert table.cursor_row == 1  # back where the review was
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, Help)
            await pilot.press("escape")
            await pilot.press("q")
        decisions = await rt.analysis.decisions()
        assert decisions == [("not_duplicates", sorted(m.key for m in group.members))]
        await rt.analyze.analyze()  # the decision survives re-analysis
        keys = {frozenset(m.key for m in g.members) for g in await rt.analysis.groups()}
        assert frozenset(m.key for m in group.members) not in keys


async def test_keyboard_review_then_apply_then_undo_against_immich(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, review_album=False)
    await prepare(settings)
    backup = assets["Backup/2019/Summer/astronaut.jpg"].id
    original = assets["2019/Summer/astronaut.jpg"]
    immich_v2.state.create_album(original.owner_id, "Summer 2019", [original.id])
    before = immich_state(immich_v2)
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await pilot.press("g", "t")  # exact groups
        await settle(pilot)
        await open_group_of(pilot, backup)
        assert "astronaut.jpg is in: Summer 2019" in text_of(app, "#reasons")
        await pilot.press("a")  # keep the suggested keeper; the backup to the trash queue
        await settle(pilot)
        await pilot.press("w")  # the pending plan, with the trash queue, on arrival
        await settle(pilot)
        pending = text_of(app, "#plan")
        assert "Pending" in pending
        assert f"{LIB}/Backup/2019/Summer/astronaut.jpg" in pending
        assert "Plan: 1 stack, 1 asset to Immich's trash" in pending
        await pilot.press("T")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirmation")
        await pilot.press("d", "g", "question_mark")  # the question is answered first
        assert isinstance(app.screen, Confirm)
        await pilot.press("q")  # q answers "no"
        await settle(pilot)
        assert not any(a.is_trashed for a in immich_v2.state.assets.values())
        await pilot.press("T")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirmation")
        question = text_of(app, "#question")
        assert "To Immich's trash (1" in question
        assert f"{LIB}/Backup/2019/Summer/astronaut.jpg" in question  # exactly what goes
        await press(pilot, "y")
        assert immich_v2.state.assets[backup].is_trashed
        assert len(immich_v2.state.stacks) == 1  # the RAW+JPEG pair
        runs = app.screen.query_one("#runs", DataTable)
        assert runs.row_count == 1
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the undo confirmation")
        await press(pilot, "y")
    assert immich_state(immich_v2) == before


async def test_immich_down_is_a_modal_and_the_app_stays_usable(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    await prepare(settings)
    immich_v2.stop()
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await pilot.press("S")  # sync now
        await settle(pilot)
        assert isinstance(app.screen, Problem)
        assert "Sync failed" in str(app.screen.query_one(Static).render())
        assert "is unavailable" in text_of(app, "#problem-message")
        await pilot.press("enter")
        await press(pilot, "w", "A")
        assert isinstance(app.screen, Problem)  # nothing to apply: the plan's errors
        assert "is unavailable" in text_of(app, "#problem-message")
        assert "nothing was changed" in text_of(app, "#problem-hint")
        await press(pilot, "escape", "d")
        assert "Inventory" in text_of(app, "#summary")  # still usable
    immich_v2.start(immich_v2.port)


async def test_pairs_reject_and_change_primary_survive_reanalysis(
    analysed_photos: Path, settings: Settings
) -> None:
    async with open_runtime(settings) as rt:
        kinds = {p.kind: p for p in await rt.analysis.pairs()}
        async with running(rt) as pilot:
            app = pilot.app
            await press(pilot, "p")
            screen: Any = app.screen
            rows = [p.kind for p in screen.loaded]
            for _ in range(rows.index("raw+jpeg")):
                await pilot.press("down")
            await settle(pilot)
            assert "▀" in text_of(app, "#preview-left")  # the JPEG
            assert "▀" in text_of(app, "#preview-right")  # the DNG's preview (worker process)
            assert "IMG_3001.dng" in text_of(app, "#caption-right")
            await pilot.press("c")  # the RAW becomes the primary
            await settle(pilot)
            assert "IMG_3001.dng" in text_of(app, "#caption-left")
            await pilot.press("up")
            for _ in range(rows.index("variant") - rows.index("raw+jpeg") + 1):
                await pilot.press("down")
            await pilot.press("r")  # the edited variant is not a pair
            await settle(pilot)
        await rt.analyze.analyze()
        after = {p.kind: p for p in await rt.analysis.pairs()}
    assert "variant" not in after
    raw = after["raw+jpeg"]
    assert raw.primary != kinds["raw+jpeg"].primary
    assert raw.primary.endswith(".dng")
    assert raw.reasons[0] == "primary chosen in the review"


async def test_stack_instead_of_trashing(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, review_album=False, stacks=[])
    await prepare(settings)
    original = assets["2019/Summer/astronaut.jpg"].id
    backup = assets["Backup/2019/Summer/astronaut.jpg"].id
    async with open_runtime(settings) as rt:
        async with running(rt) as pilot:
            await press(pilot, "g", "t")
            await open_group_of(pilot, backup)
            await press(pilot, "s")
        planned = await rt.writeback.plan()
        (action,) = planned.plan.actions
        assert (action.kind.value, action.category) == ("create_stack", "duplicates")
        assert action.asset_ids == (original, backup)  # the keeper on top
        await rt.writeback.apply(planned)
    ((primary, members),) = immich_v2.state.stacks.values()
    assert (primary, set(members)) == (original, {original, backup})


async def test_accept_a_variant_pair_stacks_it_and_take_back_works(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, review_album=False)
    assert settings.writeback.stacks == ["raw+jpeg"]  # variants are not stacked by themselves
    await prepare(settings)
    async with open_runtime(settings) as rt:
        async with running(rt) as pilot:
            app = pilot.app
            await press(pilot, "p")
            screen: Any = app.screen
            table = screen.query_one(DataTable)
            kinds = [p.kind for p in screen.loaded]
            assert "burst" in kinds
            assert "variant" in kinds
            for _ in range(kinds.index("burst")):
                await pilot.press("down")
            await press(pilot, "a")  # accept the burst (the cursor moves on)
            assert str(table.get_row_at(kinds.index("burst"))[3]) == "accepted"
            await goto(pilot, table, kinds.index("burst"))
            await pilot.press("u")  # ... and take it back
            await settle(pilot)
            assert str(table.get_row_at(kinds.index("burst"))[3]) == ""
            await goto(pilot, table, kinds.index("variant"))
            await pilot.press("c")  # the edit becomes the primary
            await settle(pilot)
            await pilot.press("a")  # accepted: stacked although variants are not by default
            await settle(pilot)
            assert str(table.get_row_at(kinds.index("variant"))[3]) == "accepted"
        variant = next(p for p in screen.loaded if p.kind == "variant")
        planned = await rt.writeback.plan()
        stacks = [a for a in planned.plan.actions if a.kind.value == "create_stack"]
        assert {a.category for a in stacks} == {"raw+jpeg", "variant"}
        (made,) = [a for a in stacks if a.category == "variant"]
        assert made.asset_ids[0] == next(
            m.asset_id for m in variant.members if m.key == variant.primary
        )
        assert "accepted in the review" in made.reason
        await rt.writeback.apply(planned)
    assert len(immich_v2.state.stacks) == 2
    assert not any(a.category == "burst" for a in stacks)
    del assets


async def test_skip_and_take_back_in_a_group(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, review_album=False)
    await prepare(settings)
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await press(pilot, "g", "enter")
        first = app.screen
        assert isinstance(first, GroupView)
        footer = on_screen(app).splitlines()[-1]  # every key of a group fits in 80 columns
        assert all(k in footer for k in ("a Keep", "s Stack", "c Compare", "esc Back")), footer
        await pilot.press("x")  # skip: the next group, nothing recorded
        await settle(pilot)
        assert isinstance(app.screen, GroupView)
        assert app.screen.index == 1
        await press(pilot, "k")  # keep the highlighted member (the first row)
        assert isinstance(app.screen, GroupView)
        assert app.screen.index == 2
        queued = await rt.writeback.journal.trash_decided()
        assert len(queued) == 1
        await press(pilot, "escape")
        table = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[-1]) for i in range(3)] == ["", "trash 1", ""]
        await press(pilot, "up", "enter")
        assert "decided: trash 1" in text_of(app, "#group-title")
        await pilot.press("u")  # take the decision back
        await settle(pilot)
        assert await rt.writeback.journal.trash_decided() == {}
        await press(pilot, "escape")
        assert str(app.screen.query_one(DataTable).get_row_at(1)[-1]) == ""
    del assets


async def test_after_keep_this_one_the_new_keeper_is_keep_and_the_others_trash(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    """k on another member than the suggested keeper: the group view and the list show the
    person's choice (the chosen member kept, the others trash), not the suggestion."""
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, review_album=False)
    await prepare(settings)
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await press(pilot, "g", "enter")
        view = app.screen
        assert isinstance(view, GroupView)
        group = view.group
        row, chosen = next((i, m) for i, m in enumerate(view.rows) if m.key != group.keeper)
        await goto(pilot, view.query_one(DataTable), row)
        await press(pilot, "k")
        await press(pilot, "escape")
        listed = app.screen.query_one(DataTable)
        cells = [str(c) for c in listed.get_row_at(0)]
        assert cells[-2] == name_of(chosen.key, group.members)  # the keeper column follows
        assert cells[-1] == f"trash {len(group.members) - 1}"
        await press(pilot, "up", "enter")
        table = app.screen.query_one(DataTable)
        marks = [str(table.get_row_at(i)[0]) for i in range(len(group.members))]
        assert marks == ["keep"] + ["trash"] * (len(group.members) - 1)
        reopened = app.screen
        assert isinstance(reopened, GroupView)
        assert reopened.keeper.key == chosen.key  # the left preview shows the chosen keeper
        assert reopened.rows[0] == chosen  # and the table lists it first
        assert reopened.label(chosen) in text_of(app, "#caption-left")
        await press(pilot, "n")  # "not duplicates" instead: every member says so
        await press(pilot, "escape", "up", "enter")
        table = app.screen.query_one(DataTable)
        marks = [str(table.get_row_at(i)[0]) for i in range(len(group.members))]
        assert marks == ["not dup"] * len(group.members)
        await press(pilot, "escape")
        listed = app.screen.query_one(DataTable)
        assert str(listed.get_row_at(0)[-2]) == name_of(group.keeper, group.members)


async def test_a_missing_permission_is_named_in_a_modal_after_apply(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, _ = library(immich_v2, photos, permissions=NO_STACK_CREATE)
    settings = settings_for(immich_v2, key, photos, state_dir)
    await prepare(settings)
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await pilot.press("w", "A")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirmation")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, Problem), "the problem")
        assert "1 failed" in str(app.screen.query_one(Static).render())
        assert "stack.create" in text_of(app, "#problem-message")
        assert "permission" in text_of(app, "#problem-hint")
        await press(pilot, "enter")
        assert app.screen.query_one("#runs", DataTable).row_count == 1
    assert len(immich_v2.state.albums) == 1  # the rest was applied


async def test_a_member_with_no_file_here_is_previewed_from_immichs_thumbnail(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    import io

    from PIL import Image

    fake = immich_v2
    user = fake.state.add_user()
    key = fake.state.add_key(user)
    mounted = fake.state.add_library(user, LIB)
    fake.state.import_file(mounted, f"{LIB}/2019/Summer/astronaut.jpg")
    elsewhere = fake.state.add_library(user, "/mnt/archive")  # not mounted in the sidecar
    remote = fake.state.import_file(
        elsewhere,
        "/mnt/archive/old/astronaut-print.jpg",
        width=300,
        height=200,
        orientation="6",  # shown turned: 200x300
        file_size=40_000,
    )
    buf = io.BytesIO()
    with Image.open(photos / "2019/Summer/astronaut.jpg") as img:
        img.resize((250, 250)).save(buf, format="JPEG", quality=80)
    fake.state.thumbnails[remote.id] = buf.getvalue()
    settings = settings_for(fake, key, photos, state_dir)
    await prepare(settings)
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await press(pilot, "g")
        screen = await open_group_of(pilot, remote.id)
        assert "astronaut-print.jpg" in text_of(app, "#caption-right")
        assert "▀" in text_of(app, "#preview-right")  # drawn from Immich's thumbnail
        await goto(
            pilot,
            screen.query_one(DataTable),
            next(i for i, m in enumerate(screen.rows) if m.asset_id == remote.id),
        )
        await settle(pilot)
        assert "only in Immich: /mnt/archive/old/astronaut-print.jpg" in text_of(app, "#detail")
        row = next(r for r, m in enumerate(screen.rows) if m.asset_id == remote.id)
        assert str(screen.members.get_row_at(row)[3]) == "200x300"  # EXIF orientation applied
    thumbnails = [e for e in fake.record.exchanges if e.path.endswith("/thumbnail")]
    assert thumbnails


async def test_dashboard_runs_sync_scan_and_analysis_now(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    async with open_runtime(settings) as rt, running(rt) as pilot:  # nothing run yet
        app = pilot.app
        assert "none (press N to analyse)" in text_of(app, "#summary")
        said = []
        for key_ in ("R", "S", "N"):  # scan, sync, analyse: the daemon's services
            await press(pilot, key_)
            if isinstance(app.screen, Problem):
                raise AssertionError(text_of(app, "#problem-message"))
            (note,) = app._notifications  # one at a time: the last replaced the others
            said.append(note.message)
        summary = text_of(app, "#summary")
        scan, sync, analysis = said  # sentences, never the report's JSON keys
        assert scan.startswith("Scan: ")
        assert " files" in scan
        assert sync.startswith("Sync: ")
        assert " assets" in sync
        assert analysis.startswith("Analysis: ")
        assert "exact and" in analysis
        assert not any("_" in m for m in said), said
        assert "Immich assets 0" not in summary
        assert "exact 2" in summary
        await press(pilot, "g")
        assert app.screen.query_one(DataTable).row_count >= 2


def die(source: str, *args: int) -> None:
    """A decoder that kills its process (as libraw may on a bad RAW file)."""
    import os

    os._exit(3)


async def test_a_raw_preview_that_kills_its_worker_is_just_missing(
    photos: Path, settings: Settings
) -> None:
    from sidecar.engine.preview import pixel_grid

    raw = str(next(photos.rglob("*.dng")))
    async with open_runtime(settings) as rt:
        assert await rt.review.previews._decode(die, raw, 10, 5) is None  # the worker died
        grid = await rt.review.previews._decode(pixel_grid, raw, 10, 5)  # a new worker
        assert grid
        assert len(grid[0]) <= 10


async def test_lists_follow_an_analysis_made_by_another_process(
    photos: Path, settings: Settings
) -> None:
    """The daemon analyses while the TUI is open: coming back to the groups, the list is read
    again (another runtime on the same inventory stands in for the daemon here)."""
    import shutil

    async with analysed(settings, photos) as rt, running(rt) as pilot:
        app = pilot.app
        await press(pilot, "g")
        before = app.screen.query_one(DataTable).row_count
        shutil.copy(photos / "2020/Trip/rocket.jpg", photos / "rocket-again.jpg")
        async with open_runtime(settings) as daemon:
            await daemon.scan.scan_paths([photos])
            await daemon.analyze.analyze()
        await press(pilot, "d", "g")
        assert app.screen.query_one(DataTable).row_count == before + 1


async def test_names_and_messages_that_look_like_markup_are_shown_as_they_are(
    photos: Path, settings: Settings
) -> None:
    """File names such as "IMG [1].jpg" or "x [/b].jpg", and messages such as "[immich] url",
    are text, not markup: shown whole, and never able to break a screen."""
    import shutil

    odd = photos / "Odd names" / "x[" / "b] coffee [red]1.jpg"  # the path holds "[/b]"
    odd.parent.mkdir()
    shutil.copy(photos / "2019/Summer/coffee.jpg", odd)
    async with analysed(settings, photos) as rt, running(rt) as pilot:
        app = pilot.app
        app.notify("check that [immich] url is right")
        await pilot.pause()
        (note,) = [n for n in app._notifications if "[immich] url" in n.message]
        assert note.markup is False  # shown as written
        await press(pilot, "g")
        groups: Any = app.screen
        row = next(
            i for i, g in enumerate(groups.loaded) if str(odd) in {m.path for m in g.members}
        )
        await goto(pilot, groups.query_one(DataTable), row)
        await press(pilot, "enter")
        view: Any = app.screen
        table = view.query_one(DataTable)
        cells = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert any(c.endswith("x[/b] coffee [red]1.jpg") for c in cells), cells
        await goto(pilot, table, next(i for i, c in enumerate(cells) if "[/b]" in c))
        await settle(pilot)
        assert "x[/b] coffee [red]1.jpg" in text_of(app, "#detail")
        captions = text_of(app, "#caption-left") + text_of(app, "#caption-right")
        assert "b] coffee [red]1.jpg" in captions


async def test_one_member_taken_out_of_a_group_the_rest_decided(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    """m: the highlighted member is no duplicate of the others. Keep then queues only the
    rest for the trash, and the next analysis groups the rest without it."""
    import shutil

    shutil.copy(photos / "2019/Summer/coffee.jpg", photos / "2019/coffee-copy.jpg")
    key, assets = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, review_album=False)
    await prepare(settings)
    copy = assets["2019/coffee-copy.jpg"].id
    async with open_runtime(settings) as rt:
        async with running(rt) as pilot:
            app = pilot.app
            await press(pilot, "g")
            view = await open_group_of(pilot, copy)
            assert len(view.group.members) == 3
            table = view.query_one(DataTable)
            row, out = next(
                (i, m.asset_id) for i, m in enumerate(view.rows) if m.key != view.group.keeper
            )
            await goto(pilot, table, row)
            await press(pilot, "m")
            assert str(table.get_row_at(row)[0]) == "out"
            assert "decided: 1 out" in text_of(app, "#group-title")
            await pilot.press("a")  # keep the keeper: only the third member is queued
            await settle(pilot)
            if isinstance(app.screen, Problem):
                raise AssertionError(text_of(app, "#problem-message"))
        queued = set(await rt.writeback.journal.trash_decided())
        assert len(queued) == 1
        assert out not in queued
        await rt.analyze.analyze()
        (group,) = [
            g for g in await rt.analysis.groups() if queued & {m.asset_id for m in g.members}
        ]
        assert len(group.members) == 2
        assert out not in {m.asset_id for m in group.members}


def problems(app: SidecarApp) -> list[Problem]:
    return [s for s in app.screen_stack if isinstance(s, Problem)]


async def one_problem(pilot: Any, keys: str, title: str) -> Problem:
    """Press `keys`: what they start fails into exactly one Problem modal, titled `title`;
    enter closes it."""
    app = pilot.app
    await press(pilot, *keys)
    await until(pilot, lambda: bool(problems(app)), f"the problem after {keys!r}")
    await settle(pilot)
    (problem,) = problems(app)
    assert problem.title_text == title
    assert problem.message  # the one-line message, never a traceback
    assert "Traceback" not in problem.message
    await press(pilot, "enter")
    assert not problems(app)
    return problem


async def test_a_failing_worker_ends_in_one_problem_modal_on_every_screen(
    analysed_photos: Path, settings: Settings
) -> None:
    """The inventory goes away under the open TUI (its connection is closed): on every screen
    what a key asked for fails into exactly one Problem modal (an unexpected error: its
    message, no hint), and reads in the background say it in a notification instead."""
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await press(pilot, "p", "w", "g", "enter")  # every screen read once
        assert isinstance(app.screen, GroupView)
        await rt.db.conn.close()
        problem = await one_problem(pilot, "n", "Not recorded")  # the group: not dup
        assert not problem.hint  # an unexpected error: its message, nothing made up
        assert isinstance(app.screen, GroupView)
        await press(pilot, "escape", "o")  # the groups list: sorted, read again
        assert not problems(app)
        notes = [n.message for n in app._notifications]
        assert any(m.startswith("cannot read the list: ") for m in notes)
        await one_problem(pilot, "pa", "Not recorded")  # a pair accepted
        await one_problem(pilot, "wl", "Planning failed")  # a plan made
        assert text_of(app, "#plan").startswith("Planning failed: ")
        await one_problem(pilot, "dN", "Analysis failed")  # an analysis run now
        notes = [n.message for n in app._notifications]
        assert any(m.startswith("cannot read the inventory: ") for m in notes)
