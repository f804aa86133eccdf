"""The fingerprint stage on an executor passed in (a real thread pool standing for a cluster's),
through the API and through the `[analysis] executor` setting."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import ValidationError

from sidecar.engine.services.analyze import fingerprints
from sidecar.engine.services.analyze.fingerprints import Fingerprinter
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.helpers.analysis import analyse
from tests.helpers.executors import MADE, CountingThreads
from tests.helpers.settings import make_settings


async def test_fingerprints_made_on_an_executor_passed_in(photos: Path, settings: Settings) -> None:
    pool = CountingThreads()
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([photos])
        todo = len(await rt.analysis.unfingerprinted())
        fingerprinter = Fingerprinter(rt.analysis, 2, 8, "sha1", executor=pool)
        done, failed, fresh = await fingerprinter.run()
        assert fingerprinter._pool is None  # no local processes were started
        assert done == todo > 0
        assert pool.calls == -(-todo // 16)
        assert len(fresh) == done - failed
        assert await rt.analysis.unfingerprinted() == []
        rows = await rt.db.fetchall("SELECT source FROM fingerprints WHERE error IS NULL")
    assert {r[0] for r in rows} >= {"jpeg-draft"}
    assert pool.submit(sum, [1, 2]).result() == 3  # still the caller's, not shut down
    pool.shutdown()


async def test_the_setting_names_the_executor_and_it_is_made_on_first_use(
    photos: Path, state_dir: Path
) -> None:
    settings = make_settings(state_dir, analysis={"executor": "tests.helpers.executors:threads"})
    before = len(MADE)
    async with open_runtime(settings):
        pass
    assert len(MADE) == before  # a runtime that never analysed made none
    result = await analyse(settings, photos)
    assert result["summary"]["fingerprinted"] > 0
    assert len(MADE) == before + 1
    assert MADE[-1].calls > 0


async def test_a_wrong_executor_setting_says_what_to_fix(photos: Path, state_dir: Path) -> None:
    with pytest.raises(ValidationError, match="expected 'module:function'"):
        make_settings(state_dir, analysis={"executor": "just-a-name"})
    for spec, words in (
        ("no_such_module_here:executor", "cannot import no_such_module_here"),
        ("tests.helpers.executors:nothing", "has no nothing"),
        ("tests.helpers.executors:not_an_executor", "not a concurrent.futures.Executor"),
    ):
        settings = make_settings(state_dir, analysis={"executor": spec})
        with pytest.raises(ValueError, match=words):
            await analyse(settings, photos)


async def test_a_few_chunks_in_flight_not_a_task_per_chunk_and_a_page_listed_at_a_time(
    photos: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fingerprints, "CHUNK", 1)  # a chunk per file: many chunks
    monkeypatch.setattr(fingerprints, "PAGE", 5)  # and the contents listed five at a time
    pool = CountingThreads()
    tasks: list[int] = []
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([photos])
        todo = len(await rt.analysis.unfingerprinted())
        fingerprinter = Fingerprinter(rt.analysis, 1, 8, "sha1", executor=pool)
        done, failed, fresh = await fingerprinter.run(
            lambda _n, total: tasks.append(len(asyncio.all_tasks()) if total == todo else 99)
        )
        assert await rt.analysis.unfingerprinted() == []
    pool.shutdown()
    assert done == todo == pool.calls > 6
    assert len(set(fresh)) == len(fresh) == done - failed
    assert max(tasks) <= 1 + 2  # this test's own task and two chunks (one worker) at most
