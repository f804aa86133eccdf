"""q while a job runs: a notice at once, the job stopped promptly, and the run recorded as
stopped by the person (not failed, not "the process stopped"); the fingerprints stored so far
stay and the next analysis goes on from them."""

from __future__ import annotations

import contextlib
import multiprocessing
from pathlib import Path
from typing import Any

from sidecar.runtime import open_runtime
from tests.fake_immich import FakeImmich
from tests.helpers.pictures import noise_contents
from tests.helpers.settings import make_settings
from tests.helpers.tui import running, until
from tests.helpers.writeback import library, settings_for

STOPPED = "stopped by you"


async def operations(rt: Any) -> list[tuple[str, str, str | None]]:
    """(kind, status, message) of every run, the latest first."""
    rows = await rt.db.fetchall(
        "SELECT kind, status, error_message FROM operations ORDER BY id DESC"
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def test_q_during_an_analysis_stops_it_at_once_and_records_it_as_stopped(
    tmp_path: Path, state_dir: Path
) -> None:
    photos = tmp_path / "noise"
    noise_contents(photos, 600)
    settings = make_settings(state_dir)
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([photos])
        async with running(rt) as pilot:
            app = pilot.app
            await pilot.press("N")

            async def fingerprinted() -> int:
                row = await rt.db.fetchall("SELECT count(*) FROM fingerprints")
                return int(row[0][0])

            for _ in range(600):  # the first chunks are in
                if await fingerprinted() > 0:
                    break
                await pilot.pause(0.05)
            await pilot.press("q")
            await pilot.pause()
            notes = [n.message for n in app._notifications]
            assert notes == ["Stopping the analysis…"]
            await until(pilot, lambda: app._exit, "the app to quit")
            # the workers are ended, not left to finish the chunks they were on
            assert not [p for p in multiprocessing.active_children() if p.is_alive()]
        kept = await fingerprinted()
        ops = await operations(rt)
    assert ops[0][:2] == ("analyze", "interrupted")
    assert STOPPED in (ops[0][2] or "")
    assert 0 < kept < 600  # the queued fingerprints were not all made before quitting
    async with open_runtime(settings) as rt:
        report = await rt.analyze.analyze()  # resumes: only what was not fingerprinted
        assert report.fingerprinted == 600 - kept
        ops = await operations(rt)
    analyses = [o for o in ops if o[0] == "analyze"]
    assert [o[1] for o in analyses] == ["ok", "interrupted"]
    assert STOPPED in (analyses[1][2] or "")  # not "the process stopped before the run finished"


async def test_q_during_a_sync_waiting_for_immich_records_it_as_stopped(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    slow = immich_v2.fault("/search/metadata", delay_s=2.0, times=-1)
    async with open_runtime(settings) as rt:
        async with running(rt) as pilot:
            app = pilot.app
            await pilot.press("S")
            await until(pilot, lambda: slow.seen > 0, "the sync to wait for Immich")
            await pilot.press("q")
            await pilot.pause()
            assert [n.message for n in app._notifications] == ["Stopping the sync…"]
            await until(pilot, lambda: app._exit, "the app to quit")
        (sync,) = [o for o in await operations(rt) if o[0] == "sync"]
        assert sync[1] == "interrupted"
        assert STOPPED in (sync[2] or "")
        immich_v2.faults.clear()
        immich_v2.fault("/search/metadata", status=500, times=-1)
        with contextlib.suppress(Exception):
            await rt.sync.sync()
        failed = next(o for o in await operations(rt) if o[0] == "sync")
    assert failed[1] == "failed"
    assert failed[2]  # a failure names its cause
    assert STOPPED not in failed[2]
