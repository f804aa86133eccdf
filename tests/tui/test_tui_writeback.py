"""The write-back screen against the test Immich, at 80x24 and 120x40: the runs table has focus
on arrival, `l` lists the plan by kind with paths (warnings first), apply shows what was done
per kind and refreshes the runs, and the undo confirmation says per kind what undo will do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from sidecar.runtime import open_runtime
from sidecar.tui.app import Confirm, Problem, SidecarApp
from tests.fake_immich import FakeImmich
from tests.helpers import LIB
from tests.helpers.tui import on_screen, press, running, until
from tests.helpers.writeback import (
    NO_STACK_CREATE,
    immich_state,
    library,
    prepare,
    settings_for,
)

SIZES = [(80, 24), (120, 40)]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
BACKUP = "Backup/2019/Summer/astronaut.jpg"


def text_of(app: SidecarApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.mark.parametrize("size", SIZES)
async def test_plan_by_kind_apply_shows_what_was_done_undo_says_what_it_will_do(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, size: tuple[int, int]
) -> None:
    key, assets = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    await prepare(settings)
    before = immich_state(immich_v2)
    backup = assets[BACKUP].id
    async with open_runtime(settings) as rt:
        await rt.writeback.decide_trash([backup], None)
        async with running(rt, size=size) as pilot:
            app = pilot.app
            await press(pilot, "w")
            runs = app.screen.query_one("#runs", DataTable)
            assert runs.has_focus  # the arrows move through the runs at once
            await press(pilot, "l")
            plan = text_of(app, "#plan")
            assert plan.startswith("Plan: 1 stack, 1 new album, 8 assets added to albums, ")
            lines = plan.splitlines()
            assert lines[1] == "⚠ Before you apply"  # the external-library warning first
            assert "belongs to an external library" in lines[2]
            stack = lines[lines.index("Stacks (1)") + 1]
            assert (
                stack == f"  {LIB}/2020/Trip/IMG_3001.JPG — primary, with IMG_3001.dng (raw+jpeg)"
            )
            assert "Album 'Duplicates to review' (new) + 8 assets" in lines
            trash = lines.index("To Immich's trash (1; recoverable there, never deleted for good)")
            assert lines[trash + 1].startswith(f"  {LIB}/{BACKUP} (external library")
            shown = on_screen(app)
            assert "Stacks (1)" in shown  # on screen, not below it
            assert "#1" not in shown
            box = app.screen.query_one("#plan-box", VerticalScroll)
            assert box.max_scroll_y > 0 or size == (120, 40)  # the rest is reached by scrolling

            await pilot.press("T")
            await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirmation")
            await until(pilot, lambda: "Apply this plan" in on_screen(app), "its text drawn")
            shown = on_screen(app)
            assert "⚠ 1 asset to trash belongs to an external library" in shown
            assert "Apply this plan to Immich?   y yes    n no" in shown
            await press(pilot, "y")
            done = text_of(app, "#plan")
            assert done.startswith("Run #1: 4 applied, 0 failed, 0 skipped (u undoes it)")
            for line in ("1 stack made", "8 assets added to albums", "1 asset trashed"):
                assert line in done.splitlines()
            assert "album 'Duplicates to review' created" in done
            assert runs.row_count == 1
            assert [str(c) for c in runs.get_row_at(0)][1] == "done"
            assert runs.has_focus

            await pilot.press("u")
            await until(pilot, lambda: isinstance(app.screen, Confirm), "the undo confirmation")
            question = text_of(app, "#question")
            assert question.startswith("Undoing run #1 in Immich:")
            assert "1 stack removed (the assets stay, unstacked)" in question
            assert "whose members or primary a person changed since is left as it is" in question
            assert "8 assets taken out of album 'Duplicates to review'" in question
            assert "album 'Duplicates to review' deleted, unless it holds assets now" in question
            assert "1 asset restored from Immich's trash" in question
            assert "Undo #1?   y yes    n no" in on_screen(app)
            await press(pilot, "y")
            undone = text_of(app, "#plan")
            assert undone.startswith("Run #1 undone: 4 reverted (l plans afresh)")
            for line in (
                "1 stack removed",
                "8 assets taken out of album 'Duplicates to review'",
                "album 'Duplicates to review' deleted",
                "1 asset restored from Immich's trash",
            ):
                assert line in undone.splitlines(), undone
            assert [str(c) for c in runs.get_row_at(0)][1] == "undone"
            await press(pilot, "tab")  # to the plan, to scroll it
            assert app.screen.query_one("#plan-box", VerticalScroll).has_focus
            await press(pilot, "d")
            await press(pilot, "w")  # back: the pending plan is read again, the runs focused
            assert text_of(app, "#plan").startswith("Pending")
            assert runs.has_focus
    assert immich_state(immich_v2) == before


@pytest.mark.parametrize("size", SIZES)
async def test_after_apply_each_failure_is_named_with_its_reason(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, size: tuple[int, int]
) -> None:
    key, _ = library(immich_v2, photos, permissions=NO_STACK_CREATE)
    settings = settings_for(immich_v2, key, photos, state_dir)
    await prepare(settings)
    async with open_runtime(settings) as rt, running(rt, size=size) as pilot:
        app = pilot.app
        await pilot.press("w", "A")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirmation")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, Problem), "the problem")
        assert "#1 stack failed" in text_of(app, "#problem-message")
        await press(pilot, "enter")
        lines = text_of(app, "#plan").splitlines()
        assert lines[0] == "Run #1: 2 applied, 1 failed, 0 skipped (u undoes it)"
        assert lines[1] == "⚠ stacks: 1 failed"
        failed = lines[2]
        assert failed.startswith(f"  failed: stack of {LIB}/2020/Trip/IMG_3001.JPG with IMG_3001")
        assert "stack.create" in failed
        assert "album 'Duplicates to review' created" in lines
        assert not UUID.search("\n".join(lines))
        assert "{" not in "\n".join(lines)


async def test_the_pending_plan_is_read_again_on_every_arrival(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, review_album=False, stacks=[])
    await prepare(settings)
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await press(pilot, "w")
        assert text_of(app, "#plan").splitlines()[1] == "Plan: nothing to write"
        await press(pilot, "p", "a")  # the first pair accepted: stacked
        await press(pilot, "g", "enter", "a")  # the first group's suggested keeper kept
        await press(pilot, "w")
        plan = text_of(app, "#plan").splitlines()
        assert plan[0].startswith("Pending")
        assert plan[1] == "Plan: 1 stack, 1 asset to Immich's trash"


async def test_a_run_with_nothing_left_to_undo_is_said_not_asked(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    await prepare(settings)
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await pilot.press("w", "A")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirmation")
        await press(pilot, "y")
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the undo confirmation")
        await press(pilot, "y")
        assert text_of(app, "#plan").startswith("Run #1 undone: ")
        await press(pilot, "u")  # again: nothing is left to undo
        assert not isinstance(app.screen, Confirm)
        notes = [n.message for n in app._notifications]
        assert notes == ["Run #1 was undone already: there is nothing left to undo."]
        assert text_of(app, "#plan").startswith("Run #1 undone: ")  # the first undo's result


async def test_a_plan_that_could_not_read_immich_does_not_say_nothing_to_write(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    await prepare(settings)
    immich_v2.stop()
    try:
        async with open_runtime(settings) as rt, running(rt) as pilot:
            app = pilot.app
            await press(pilot, "w", "l")
            await until(pilot, lambda: isinstance(app.screen, Problem), "the plan's errors")
            await press(pilot, "escape")
            plan = text_of(app, "#plan")
            assert plan.startswith("No plan: Immich could not be read — what failed is below")
            assert "nothing to write" not in plan
            assert "⚠ Could not be planned" in plan.splitlines()
    finally:
        immich_v2.start(immich_v2.port)


async def test_with_immich_down_the_pending_plan_does_not_wait_for_the_read_window(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    """The arrival plan is 'as things stand': it reads Immich briefly (a few seconds), not for
    the whole read window (`[immich] read_retry_s`, 60 s by default) a sync rides out a
    restart with."""
    key, _ = library(immich_v2, photos)
    short = settings_for(immich_v2, key, photos, state_dir)
    settings = short.model_copy(  # the default read window (the tests' is short)
        update={"immich": short.immich.model_copy(update={"read_retry_s": 60.0})}
    )
    await prepare(settings)
    immich_v2.stop()
    try:
        async with open_runtime(settings) as rt, running(rt) as pilot:
            app = pilot.app
            await pilot.press("w")
            await until(pilot, lambda: not text_of(app, "#plan").startswith("Reading"), "a plan")
            plan = text_of(app, "#plan")
            assert plan.startswith("Pending"), plan
            assert "Immich is not answering" in plan, plan
    finally:
        immich_v2.start(immich_v2.port)


async def test_a_sync_waiting_for_immich_says_so(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    """`S` with Immich down: the sync retries for the read window; a note says it waits."""
    key, _ = library(immich_v2, photos)
    short = settings_for(immich_v2, key, photos, state_dir)
    settings = short.model_copy(  # the default read window (the tests' is short)
        update={"immich": short.immich.model_copy(update={"read_retry_s": 60.0})}
    )
    await prepare(settings)
    immich_v2.stop()
    try:
        async with open_runtime(settings) as rt, running(rt) as pilot:
            app = pilot.app
            await pilot.press("S")

            def notes() -> list[str]:
                return [str(n.message) for n in app._notifications]

            await until(pilot, lambda: any("waiting for Immich" in n for n in notes()), "a note")
            note = next(n for n in notes() if "waiting for Immich" in n)
            assert note.startswith("Sync: waiting for Immich (not answering; retrying, "), note
            app.screen.workers.cancel_group(app.screen, "job")  # not the minute's wait
    finally:
        immich_v2.start(immich_v2.port)
