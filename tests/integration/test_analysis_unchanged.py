"""An analysis with nothing changed since the last one keeps its results instead of grouping
again (the report and the operation log say since which run); a new file, a decision, a
settings change, a mark in Immich each make it group again. Real photographs, real SQLite,
the test Immich on loopback."""

from __future__ import annotations

import io
import json
import shutil
import uuid
from pathlib import Path
from typing import Any

from PIL import Image

from sidecar.engine.core.models import GroupDecision
from sidecar.engine.services.report import analysis_report
from sidecar.runtime import Runtime, open_runtime
from sidecar.settings import Settings
from tests.fake_immich import FakeImmich
from tests.helpers.settings import make_settings
from tests.helpers.writeback import library, prepare, settings_for


def member_sets(report: dict[str, Any]) -> set[tuple[str, frozenset[str]]]:
    return {
        (g["tier"], frozenset(m["path"] for m in g["members"])) for g in report["duplicate_groups"]
    }


def near_sets(report: dict[str, Any]) -> set[frozenset[str]]:
    return {
        frozenset(m["path"] for m in g["members"])
        for g in report["duplicate_groups"]
        if g["tier"] == "near"
    }


async def last_analysis_note(rt: Runtime) -> str | None:
    ops = await rt.status.report()
    return next(op.error_message for op in ops.operations if op.kind == "analyze")


async def test_nothing_changed_keeps_the_results_and_a_new_file_groups_again(
    photos: Path, settings: Settings
) -> None:
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([photos])
        first = await rt.analyze.analyze()
        before = await analysis_report(rt.analysis)
        second = await rt.analyze.analyze()
        assert first.unchanged_since is None
        assert second.unchanged_since == first.op_id
        assert await last_analysis_note(rt) == f"nothing changed since run #{first.op_id}"
        assert (second.media, second.exact_groups, second.near_groups, second.pairs) == (
            first.media,
            first.exact_groups,
            first.near_groups,
            first.pairs,
        )
        assert second.reclaimable_bytes == first.reclaimable_bytes
        assert await analysis_report(rt.analysis) == before  # the same groups, same ids
        await rt.scan.scan_paths([photos])  # a rescan that finds nothing new changes nothing
        assert (await rt.analyze.analyze()).unchanged_since == first.op_id
        copy = photos / "New" / "astronaut copy.jpg"
        copy.parent.mkdir()
        shutil.copy2(photos / "2019/Summer/astronaut.jpg", copy)
        await rt.scan.scan_paths([photos])
        third = await rt.analyze.analyze()
        assert third.unchanged_since is None
        assert await last_analysis_note(rt) is None
        after = await analysis_report(rt.analysis)
        assert any(
            str(copy) in {m["path"] for m in g["members"]} for g in after["duplicate_groups"]
        )
        assert (await rt.analyze.analyze()).unchanged_since == third.op_id
        with Image.open(photos / "2019/Summer/astronaut.jpg") as img:  # new content
            img.resize((300, 300)).save(photos / "New" / "astronaut-thumb.jpg", quality=85)
        await rt.scan.scan_paths([photos])
        fourth = await rt.analyze.analyze()
        assert (fourth.unchanged_since, fourth.fingerprinted) == (None, 1)
        assert (await rt.analyze.analyze()).unchanged_since == fourth.op_id
        (photos / "New" / "astronaut-thumb.jpg").unlink()
        copy.unlink()  # a removed file
        await rt.scan.scan_paths([photos])
        assert (await rt.analyze.analyze()).unchanged_since is None
        assert member_sets(await analysis_report(rt.analysis)) == member_sets(before)


async def test_a_decision_and_a_settings_change_each_group_again(
    photos: Path, settings: Settings, state_dir: Path
) -> None:
    small, big = photos / "Exports/astronaut-small.jpg", photos / "2019/Summer/astronaut.jpg"
    pair = frozenset({str(small), str(big)})
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([photos])
        first = await rt.analyze.analyze()
        assert pair in near_sets(await analysis_report(rt.analysis))
        await rt.analysis.decide(GroupDecision.NOT_DUPLICATES, sorted(pair))
        decided = await rt.analyze.analyze()
        assert decided.unchanged_since is None
        assert pair not in near_sets(await analysis_report(rt.analysis))
        assert (await rt.analyze.analyze()).unchanged_since == decided.op_id
        await rt.analysis.undecide(GroupDecision.NOT_DUPLICATES, sorted(pair))
        assert (await rt.analyze.analyze()).unchanged_since is None
        assert pair in near_sets(await analysis_report(rt.analysis))
        assert first.op_id
    strict = make_settings(state_dir, analysis={"near_threshold": 0})
    async with open_runtime(strict) as rt:
        assert (await rt.analyze.analyze()).unchanged_since is None
        assert (await rt.analyze.analyze()).unchanged_since is not None
    more_workers = make_settings(state_dir, analysis={"near_threshold": 0, "workers": 3})
    async with open_runtime(more_workers) as rt:  # how many processes decode: no difference
        assert (await rt.analyze.analyze()).unchanged_since is not None


async def test_a_plan_with_nothing_new_reads_the_stored_results(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    """Plan refreshes the mirror, then analyses: with nothing new in Immich or on disk the
    analysis keeps its results; a tag a person gives, and Immich's own new duplicate group,
    are seen (the first groups again, the second swaps only the semantic tier)."""
    key, assets = library(immich_v2, photos)
    plain = settings_for(immich_v2, key, photos, state_dir)
    analysis = plain.analysis.model_copy(update={"immich_duplicates": True})
    settings = plain.model_copy(update={"analysis": analysis})
    await prepare(settings)
    async with open_runtime(settings) as rt:
        prepared = (await rt.status.report()).operations
        analysed = next(op.id for op in prepared if op.kind == "analyze")
        planned = await rt.writeback.plan()
        assert await last_analysis_note(rt) == f"nothing changed since run #{analysed}"
        again = await rt.writeback.plan()
        assert again.plan.actions == planned.plan.actions
        before = await analysis_report(rt.analysis)
        # Immich's own (CLIP) duplicate groups are read each time: only that tier is swapped
        group_id = str(uuid.uuid4())
        for rel in ("2020/Trip/motorcycle_left.jpg", "2020/Trip/motorcycle_right.jpg"):
            immich_v2.state.edit(assets[rel].id, duplicate_id=group_id)
        report = await rt.analyze.analyze()
        assert report.unchanged_since == analysed
        assert report.semantic_groups == 1
        after = await analysis_report(rt.analysis)
        assert [g for g in after["duplicate_groups"] if g["tier"] != "semantic"] == [
            g for g in before["duplicate_groups"] if g["tier"] != "semantic"
        ]
        assert (await rt.analyze.analyze()).unchanged_since == analysed
        # a tag a person gave in Immich is a mark the keeper rules read: grouped again
        user_id = assets["2019/Summer/astronaut.jpg"].owner_id
        tag = immich_v2.state.upsert_tag(user_id, "Family")
        tag.asset_ids.add(assets["Exports/astronaut-small.jpg"].id)
        tagged = await rt.analyze.analyze()
        assert tagged.unchanged_since is None
        assert tagged.tags_read == 1
        assert (await rt.analyze.analyze()).unchanged_since == tagged.op_id  # read again: same


async def test_fingerprints_made_from_thumbnails_by_the_run_itself_are_no_change(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    """Immich-only assets are fingerprinted from their thumbnails during the analysis (that
    run's own writes): the next run still finds nothing changed."""
    key, assets = library(immich_v2, photos)
    elsewhere = immich_v2.state.add_library(
        immich_v2.state.users[assets["2019/Summer/astronaut.jpg"].owner_id], "/mnt/archive"
    )
    remote = immich_v2.state.import_file(elsewhere, "/mnt/archive/old/print.jpg")
    buf = io.BytesIO()
    with Image.open(photos / "2019/Summer/astronaut.jpg") as img:
        img.resize((250, 250)).save(buf, format="JPEG", quality=80)
    immich_v2.state.thumbnails[remote.id] = buf.getvalue()
    settings = settings_for(immich_v2, key, photos, state_dir)
    await prepare(settings)
    async with open_runtime(settings) as rt:
        report = await analysis_report(rt.analysis)
        assert any(
            remote.id in {m["asset_id"] for m in g["members"]} for g in report["duplicate_groups"]
        )
        again = await rt.analyze.analyze()
        assert again.unchanged_since is not None
        assert again.fingerprinted == 0


def test_the_command_says_nothing_changed(cli: Any, photos: Path, state_dir: Path) -> None:
    env = {"IMMICH_SIDECAR_STATE_DIR": str(state_dir)}
    assert cli("scan", str(photos), "--json", env=env).code == 0  # analyses too (run #2)
    res = cli("analyze", env=env)
    assert res.code == 0
    assert "nothing changed since run #2: its results stand" in res.out
    assert "Duplicate groups:" in res.out
    data = json.loads(cli("analyze", "--json", env=env).out)
    assert data["unchanged_since"] == 2
