"""The review TUI driven with Textual's pilot, against a real inventory and the test Immich,
in an 80x24 terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Static

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from sidecar.tui.app import Confirm, GroupView, Help, SidecarApp
from tests.fake_immich import FakeImmich
from tests.test_writeback import immich_state, library, prepare, settings_for

SIZE = (80, 24)


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot: Any, check: Any, what: str) -> None:
    """Wait for a condition (e.g. a confirmation shown by a worker that waits on it)."""
    for _ in range(300):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def text_of(app: SidecarApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_local_review_dashboard_groups_not_duplicates_help(
    photos: Path, settings: Settings
) -> None:
    async with open_runtime(settings) as rt:
        await rt.reconciler.scan_paths([photos])
        await rt.analyze.analyze()
        app = SidecarApp(rt)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            summary = text_of(app, "#summary")
            assert "exact 2" in summary
            assert "near 3" in summary
            await pilot.press("g")
            await settle(pilot)
            table = app.screen.query_one(DataTable)
            assert table.row_count == 5
            await pilot.press("t")  # exact only
            await settle(pilot)
            assert app.screen.query_one(DataTable).row_count == 2
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, GroupView)
            group = app.screen.group
            assert "keep" in str(app.screen.query_one(DataTable).get_row_at(0)) or any(
                "keep" in str(app.screen.query_one(DataTable).get_row_at(i))
                for i in range(len(group.members))
            )
            preview = text_of(app, "#preview")
            assert "▀" in preview  # a half-block preview of the highlighted photo
            await pilot.press("a")  # local files: nothing can be trashed
            await settle(pilot)
            assert isinstance(app.screen, GroupView)
            await pilot.press("n")
            await settle(pilot)
            assert not isinstance(app.screen, GroupView)
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
    async with open_runtime(settings) as rt:
        app = SidecarApp(rt)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("g", "t")  # exact groups
            await settle(pilot)
            groups: Any = app.screen
            row = next(i for i, g in enumerate(groups.loaded)
                       if backup in {m.asset_id for m in g.members})  # fmt: skip
            for _ in range(row):
                await pilot.press("down")
            await pilot.press("enter")
            await settle(pilot)
            assert "astronaut.jpg is in: Summer 2019" in text_of(app, "#reasons")
            await pilot.press("a")  # keep the suggested keeper; the backup to the trash queue
            await settle(pilot)
            await pilot.press("w", "T")
            await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirmation")
            assert "To Immich's trash (1)" in str(app.screen.query_one(Static).render())
            await pilot.press("y")
            await settle(pilot)
            assert immich_v2.state.assets[backup].is_trashed
            assert len(immich_v2.state.stacks) == 1  # the RAW+JPEG pair
            runs = app.screen.query_one("#runs", DataTable)
            assert runs.row_count == 1
            await pilot.press("u")
            await until(pilot, lambda: isinstance(app.screen, Confirm), "the undo confirmation")
            await pilot.press("y")
            await settle(pilot)
    assert immich_state(immich_v2) == before


async def test_immich_down_is_a_notification_and_the_app_stays_usable(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    await prepare(settings)
    immich_v2.stop()
    async with open_runtime(settings) as rt:
        app = SidecarApp(rt)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("S")  # sync now
            await settle(pilot)
            await pilot.press("w", "A")
            await settle(pilot)
            errors = [n for n in app._notifications if n.severity == "error"]
            assert any("sync failed" in n.message for n in errors)
            assert any("cannot connect" in n.message or "unavailable" in n.message.lower()
                       or "failed" in n.message for n in errors)  # fmt: skip
            await pilot.press("d")
            await settle(pilot)
            assert "Inventory" in text_of(app, "#summary")
    immich_v2.start(immich_v2.port)


async def test_pairs_reject_and_change_primary_survive_reanalysis(
    photos: Path, settings: Settings
) -> None:
    async with open_runtime(settings) as rt:
        await rt.reconciler.scan_paths([photos])
        await rt.analyze.analyze()
        kinds = {p.kind: p for p in await rt.analysis.pairs()}
        app = SidecarApp(rt)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("p")
            await settle(pilot)
            screen: Any = app.screen
            rows = [p.kind for p in screen.loaded]
            for _ in range(rows.index("raw+jpeg")):
                await pilot.press("down")
            await pilot.press("c")  # the RAW becomes the primary
            await settle(pilot)
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
        app = SidecarApp(rt)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("g", "t")
            await settle(pilot)
            groups: Any = app.screen
            row = next(i for i, g in enumerate(groups.loaded)
                       if backup in {m.asset_id for m in g.members})  # fmt: skip
            for _ in range(row):
                await pilot.press("down")
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
        planned = await rt.writeback.plan()
        (action,) = planned.plan.actions
        assert (action.kind.value, action.category) == ("create_stack", "duplicates")
        assert action.asset_ids == (original, backup)  # the keeper on top
        await rt.writeback.apply(planned)
    ((primary, members),) = immich_v2.state.stacks.values()
    assert (primary, set(members)) == (original, {original, backup})
