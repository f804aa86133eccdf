"""What the app says: paths and error texts shown as written (never read as markup, never with
visible escapes), one notification at a time while jobs run one after another, and whole
words on the dashboard, the pairs list and the help (at 80x24 and 120x40)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.content import Content
from textual.widgets import Static

from sidecar.engine.support.errors import ScanPathError
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from sidecar.tui.app import Compare, Confirm, GroupView, Help, Problem, SidecarApp
from sidecar.tui.screens.help import HELP
from sidecar.tui.screens.problem import report_problem
from tests.fake_immich import FakeImmich
from tests.helpers.pictures import nine_copies
from tests.helpers.settings import make_settings
from tests.helpers.tui import analysed, goto, on_screen, press, running, settle, until
from tests.helpers.writeback import library, settings_for

SIZES = [(80, 24), (120, 40)]
ODD = "[/b] [B] [$accent] [50%] C:\\dir\\"  # markup to Textual, or escapes rich would add


def shown(app: SidecarApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def notes(app: SidecarApp) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.mark.parametrize("size", SIZES)
async def test_paths_and_error_texts_with_brackets_are_shown_as_written(
    tmp_path: Path, state_dir: Path, size: tuple[int, int]
) -> None:
    """A library folder called "photos [2019]" that is not there, a job that failed with a
    message full of brackets and backslashes, and a Problem about that folder: each shown
    exactly as written, on the dashboard, in the scan's sentence and in the modal."""
    lib = tmp_path / "photos [2019]"
    settings = make_settings(
        state_dir, libraries=[{"immich_path": "/mnt/photos", "local_path": str(lib)}]
    )
    message = f"{lib}: cannot read {ODD}"
    async with open_runtime(settings) as rt:
        await rt.jobs.started("analyze")
        await rt.jobs.ended("analyze", False, message, {})
        async with running(rt, size) as pilot:
            app = pilot.app
            assert f"— {message}" in shown(app, "#summary")
            await press(pilot, "R")  # the library is not mounted: the scan says which
            (said,) = notes(app)
            assert said.startswith("Scan: 0 files, 1 unreadable in ")
            missing = f"{lib}: folder not found (is the volume mounted?); nothing changed"
            assert said.endswith(f" ({missing})")
            report_problem(app, "Scan failed", ScanPathError(f"{lib}: no such folder {ODD}"))
            await settle(pilot)
            assert isinstance(app.screen, Problem)
            texts = [str(s.render()) for s in app.screen.query(Static)]
            assert texts[:2] == ["Scan failed", f"{lib}: no such folder {ODD}"]
            await until(pilot, lambda: "no such folder" in on_screen(app), "the modal drawn")
            # every word whole but the first (the temporary folders up to "photos"): that one
            # may be wider than the modal, as it is under xdist (its folders have longer names)
            words = f"{lib}: no such folder {ODD}".split()[1:]
            assert set(words) <= set(on_screen(app).split())
            await press(pilot, "enter")
            assert not isinstance(app.screen, Problem)


async def test_the_hint_to_add_a_library_names_the_config_table_as_written(
    settings: Settings,
) -> None:
    """Nothing configured to scan: the modal's hint says "[[libraries]]", not "[\\[libraries]]"."""
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await press(pilot, "R")
        await until(pilot, lambda: isinstance(app.screen, Problem), "the problem")
        assert shown(app, "#problem-message").startswith("nothing to scan")
        hint = "Add a [[libraries]] entry or storage roots to the config."
        assert shown(app, "#problem-hint") == hint
        assert hint in on_screen(app)


async def test_sync_scan_and_analysis_pressed_in_a_row_run_in_turn_one_note_at_a_time(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    """S R N typed at once: each job runs after the one before (none cancels another), and
    there is never more than one notification over the dashboard; each job ends in its
    sentence, in the order pressed."""
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    immich_v2.fault("/search/metadata", delay_s=1.0)  # R and N are pressed while it syncs
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await pilot.press("S", "R", "N")
        last: list[str] = []

        def done() -> bool:
            current = notes(app)
            assert len(current) <= 1, current  # never a pile over the dashboard
            last[:] = current
            return not any(w.group == "job" and not w.is_finished for w in app.workers)

        await until(pilot, done, "the three jobs")
        await settle(pilot)
        if isinstance(app.screen, Problem):
            raise AssertionError(shown(app, "#problem-message"))
        (said,) = notes(app)
        assert said.startswith("Analysis: 2 exact and 3 near groups"), said
        summary = shown(app, "#summary")
        assert "exact 2" in summary
        assert "Immich assets 0" not in summary
        ran = (await rt.status.report(limit=10)).operations
    assert [(op.kind, op.status) for op in reversed(ran)] == [
        ("sync", "ok"),
        ("scan", "ok"),
        ("analyze", "ok"),
    ]


@pytest.mark.parametrize("size", SIZES)
async def test_words_are_whole_on_the_dashboard_the_pairs_list_and_the_help(
    analysed_photos: Path, settings: Settings, size: tuple[int, int]
) -> None:
    """Every state a pair can show (accepted, rejected, primary set), every line of the help
    and every word of the dashboard (a long job message included, wrapped between words)."""
    message = "the folder photos [2019] was not mounted; check the volume and run the scan again"
    async with open_runtime(settings) as rt:
        await rt.jobs.started("scan")
        await rt.jobs.ended("scan", False, message, {})
        async with running(rt, size) as pilot:
            app = pilot.app
            words = set(on_screen(app).split())
            for line in str(shown(app, "#summary")).splitlines():
                assert set(line.split()) <= words, line
            await press(pilot, "p")
            pairs: Any = app.screen
            assert len(pairs.loaded) >= 2
            await goto(pilot, pairs.table, 0)
            await press(pilot, "a")  # accepted
            await goto(pilot, pairs.table, 1)
            await press(pilot, "r")  # rejected
            screen = on_screen(app).split()
            assert "accepted" in screen
            assert "rejected" in screen
            await goto(pilot, pairs.table, 1)
            await press(pilot, "u", "c")  # taken back, then another primary
            await until(pilot, lambda: "primary set" in on_screen(app), "the state drawn whole")
            await press(pilot, "question_mark")
            assert isinstance(app.screen, Help)
            screen = on_screen(app)
            for line in Content.from_markup(HELP).plain.splitlines():
                assert line.strip() in screen, line


async def test_a_failed_job_drops_the_jobs_waiting_behind_it_in_one_modal(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    """Immich does not answer: the sync fails into one modal; the scan and the analysis
    typed behind it are not run (the person sees why first), and a second S while the sync
    runs is said to be asked for already."""
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    immich_v2.fault("/server/about", status=503, delay_s=1.0, times=-1)
    immich_v2.fault("/users/me", status=503, delay_s=1.0, times=-1)
    immich_v2.fault("/search/metadata", status=503, delay_s=1.0, times=-1)
    async with open_runtime(settings) as rt, running(rt) as pilot:
        app = pilot.app
        await pilot.press("S", "S")
        assert notes(app) == ["The sync is already asked for"]
        await pilot.press("R", "N")
        await until(pilot, lambda: isinstance(app.screen, Problem), "the problem")
        await settle(pilot)
        assert [type(s) for s in app.screen_stack].count(Problem) == 1
        assert shown(app, "#problem-message")
        texts = [str(s.render()) for s in app.screen.query(Static)]
        assert texts[0] == "Sync failed"
        ran = (await rt.status.report(limit=10)).operations
    assert [op.kind for op in ran] == ["sync"]


@pytest.mark.parametrize("size", SIZES)
async def test_a_group_in_a_folder_with_brackets_and_a_confirmation_show_them_as_written(
    tmp_path: Path, settings: Settings, size: tuple[int, int]
) -> None:
    """The group view's path line and the compare title, and a confirmation's warning and
    text: file names and folders with brackets and backslashes are never read as markup."""
    folder = tmp_path / "[B] 2019 [/b]"
    names = nine_copies(folder)
    async with analysed(settings, folder) as rt, running(rt, size) as pilot:
        app = pilot.app
        await press(pilot, "g", "enter")
        view = app.screen
        assert isinstance(view, GroupView)
        assert str(folder) in shown(app, "#detail")
        await press(pilot, "c")
        assert isinstance(app.screen, Compare)
        title = shown(app, "#compare-title")
        assert any(name in title for name in names), title
        await press(pilot, "escape", "escape")
        answers: list[bool | None] = []
        app.push_screen(Confirm(f"Trash {folder}/x.jpg?", warnings=[ODD]), answers.append)
        await settle(pilot)
        assert shown(app, "#question") == f"Trash {folder}/x.jpg?"
        assert shown(app, ".confirm-warning") == f"⚠ {ODD}"
        await press(pilot, "n")
        assert answers == [False]
