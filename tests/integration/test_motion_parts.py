"""The motion parts of live photos are never members, whichever way the analysis reaches them
(the test Immich, a real inventory, real clips made with PyAV): a mounted motion part named
only by its still's live_photo_video_id (not hidden, a name unlike the still's, as Immich
names uploads) is left out by a full analysis and by a partial regroup alike; and a video
that was a member on its own leaves the results once a still arriving later names it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sidecar.engine.services.report import analysis_report
from sidecar.runtime import open_runtime
from tests.fake_immich import FakeImmich
from tests.helpers import LIB
from tests.helpers.remote_videos import ARCHIVE, analyse, build, frame_jpeg
from tests.helpers.videos import make_clip

MOTION = "live/a1b2c3.mov"


def add_live_photo(fake: FakeImmich, photos: Path) -> None:
    """A live photo in the mounted library whose motion part has a backup copy beside it (an
    exact copy: the same content, a duplicate if the motion part were a member)."""
    state = fake.state
    mounted = next(x for x in state.libraries.values() if x.import_paths == [LIB])
    clip = make_clip(photos / MOTION, seconds=2.0, scene="coffee")
    copy = photos / "backup" / "a1b2c3.mov"
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(clip.read_bytes())
    size = clip.stat().st_size
    motion = state.import_file(
        mounted, f"{LIB}/{MOTION}", type="VIDEO", duration_ms=2000, file_size=size
    )
    still = state.import_file(mounted, f"{LIB}/live/IMG_9.heic", live_photo_video_id=motion.id)
    backup = state.import_file(
        mounted, f"{LIB}/backup/a1b2c3.mov", type="VIDEO", duration_ms=2000, file_size=size
    )
    for asset in (motion, still, backup):
        state.thumbnails[asset.id] = frame_jpeg(clip)


def motion_in_results(report: dict[str, Any]) -> list[str]:
    return [
        m["path"]
        for g in [*report["duplicate_groups"], *report.get("pairs", [])]
        for m in g["members"]
        if m["path"].endswith(MOTION)
    ]


async def test_a_full_analysis_leaves_a_mounted_motion_part_out(
    immich_v2: FakeImmich, tmp_path: Path
) -> None:
    lib = build(immich_v2, tmp_path)
    add_live_photo(immich_v2, tmp_path / "photos")
    summary, report = await analyse(lib.settings)
    assert summary.regrouped_all
    assert motion_in_results(report) == []


async def test_a_partial_regroup_leaves_a_mounted_motion_part_out(
    immich_v2: FakeImmich, tmp_path: Path
) -> None:
    lib = build(immich_v2, tmp_path)
    await analyse(lib.settings)
    add_live_photo(immich_v2, tmp_path / "photos")
    async with open_runtime(lib.settings) as rt:
        await rt.scan.scan_paths([tmp_path / "photos"])
        await rt.sync.sync()
        summary = await rt.analyze.analyze()
        report = await analysis_report(rt.analysis)
    assert not summary.regrouped_all  # the partial path
    assert motion_in_results(report) == []
    # the backup copy is a video of its own (the motion part's content, but not it)
    assert summary.videos_fingerprinted >= 1


async def test_a_video_named_later_as_a_motion_part_leaves_the_results(
    immich_v2: FakeImmich, tmp_path: Path
) -> None:
    lib = build(immich_v2, tmp_path)
    state = immich_v2.state
    archive = next(x for x in state.libraries.values() if x.import_paths == [ARCHIVE])
    motion = state.import_file(
        archive, f"{ARCHIVE}/live2/IMG_7.mov", type="VIDEO", duration_ms=6000
    )
    state.thumbnails[motion.id] = state.thumbnails[lib.upload.id]
    await analyse(lib.settings)
    async with open_runtime(lib.settings) as rt:
        first = {m.asset_id for m in await rt.analysis.remote_members_of([motion.id])}
        report = await analysis_report(rt.analysis)
    assert first == {motion.id}  # a video on its own: a member, grouped with the upload
    assert motion.id in grouped_ids(report)
    still = state.import_file(archive, f"{ARCHIVE}/live2/IMG_7.heic", live_photo_video_id=motion.id)
    state.thumbnails[still.id] = state.thumbnails[lib.look_alike.id]
    async with open_runtime(lib.settings) as rt:
        await rt.scan.scan_paths([tmp_path / "photos"])
        await rt.sync.sync()
        summary = await rt.analyze.analyze()
        after = {m.asset_id for m in await rt.analysis.remote_members_of([motion.id])}
        report = await analysis_report(rt.analysis)
    assert not summary.regrouped_all  # the partial path
    assert after == set()
    assert motion.id not in grouped_ids(report)
    # the upload and the archived clip it was grouped with stay grouped
    assert {lib.upload.id, lib.archived.id} <= grouped_ids(report)
    state.hard_delete(still.id)  # the still goes: the video is one of its own again
    async with open_runtime(lib.settings) as rt:
        await rt.sync.sync(full=True)  # (a full sync sees an asset deleted for good)
        summary = await rt.analyze.analyze()
        again = {m.asset_id for m in await rt.analysis.remote_members_of([motion.id])}
        report = await analysis_report(rt.analysis)
    assert not summary.regrouped_all
    assert again == {motion.id}
    assert motion.id in grouped_ids(report)


def grouped_ids(report: dict[str, Any]) -> set[str]:
    return {
        m["asset_id"]
        for g in [*report["duplicate_groups"], *report.get("pairs", [])]
        for m in g["members"]
        if m.get("asset_id")
    }
