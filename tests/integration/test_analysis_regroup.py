"""An analysis after a few changes regroups only what they reach, and stores exactly what a
full regroup of the same inventory stores: rounds of random edits (files added, copied, made
near copies of, removed, changed, moved; decisions and pair decisions made and taken back)
on a library of real pictures, each analysed in part and compared with a full regroup of a
copy of the inventory. Real files, real SQLite, local mode."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sidecar.engine.services.analyze.service import AnalysisReport
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.helpers.regroup import (
    build,
    copy_without_basis,
    edit_decisions,
    edit_files,
    figures,
    results,
)
from tests.helpers.settings import make_settings

ANALYSIS = {"burst_gap_s": 2.0, "preferred_folders": []}


def settings_at(state: Path) -> Settings:
    return make_settings(state, analysis=ANALYSIS)


async def full_regroup(db: Path, tmp: Path, n: int) -> tuple[dict[str, Any], AnalysisReport]:
    state = tmp / f"full-{n}"
    copy_without_basis(db, state / db.name)
    async with open_runtime(settings_at(state)) as rt:
        report = await rt.analyze.analyze()
    assert report.regrouped_all
    return results(state / db.name), report


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_partial_regroup_stores_what_a_full_one_does(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    photos, state = tmp_path / "photos", tmp_path / "state"
    build(photos, rng)
    settings = settings_at(state)
    db = settings.storage.db_path
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([photos])
        first = await rt.analyze.analyze()
        assert first.regrouped_all
        start = results(db)
        still = {k: v for k, v in start["ids"].items() if "/still/" in k}
        assert len(still) == 2, still  # an exact and a near group nothing touches
        for n in range(4):
            done = [edit_files(photos, rng) for _ in range(rng.randrange(1, 3))]
            done.append(await edit_decisions(rt, rng))
            await rt.scan.scan_paths([photos])
            report = await rt.analyze.analyze()
            assert not report.regrouped_all, done
            assert report.as_json()["regrouped"] == {"scope": report.regrouped, "full": False}
            assert report.regrouped < report.media
            now = results(db)
            full, whole = await full_regroup(db, tmp_path, n)
            assert figures(report) == figures(whole), (done, n)
            assert now["groups"] == full["groups"], (done, n)
            assert now["pairs"] == full["pairs"], (done, n)
            assert {k: now["ids"][k] for k in still} == still, (done, n)  # untouched rows stay
            counts = await rt.analyze.analyze()  # nothing changed since: the same figures
            assert counts.unchanged_since == report.op_id


def touched_rows(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM analysis_touched").fetchone()[0])
    finally:
        conn.close()


async def test_the_log_starts_with_the_first_analysis_and_is_emptied_by_each(
    tmp_path: Path,
) -> None:
    photos = tmp_path / "photos"
    build(photos, random.Random(5))
    settings = settings_at(tmp_path / "state")
    db = settings.storage.db_path
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([photos])
        assert touched_rows(db) == 0  # the first scan: read whole by the first analysis
        await rt.analyze.analyze()
        assert touched_rows(db) == 0
        (photos / "a" / "P0.jpg").unlink()
        await rt.scan.scan_paths([photos])
        assert touched_rows(db) > 0
        report = await rt.analyze.analyze()
        assert not report.regrouped_all
        assert touched_rows(db) == 0
