"""Videos known through Immich (the test Immich, a real inventory, real clips made with PyAV):
a video with no file here gets a one-frame video print from Immich's thumbnail and its
duration; a video whose file is mounted here is a local member; the motion parts of live
photos are never members; a video is never fingerprinted as a photo nor grouped with one,
also after an upgrade from a version that did."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sidecar.engine.core.likeness import THUMB_EDGE
from sidecar.engine.core.video import IMMICH_SOURCE, LOCAL_SOURCE
from sidecar.engine.core.video_groups import VIDEO_ONE_FRAME
from sidecar.engine.services.analyze.remote_fingerprints import remote_key
from sidecar.engine.services.report import analysis_report
from sidecar.engine.store.assets import AssetStore
from sidecar.runtime import open_runtime
from tests.fake_immich import FakeImmich
from tests.fake_immich.state import FakeAsset
from tests.helpers import LIB
from tests.helpers.remote_videos import ARCHIVE, analyse, build, frame_jpeg
from tests.helpers.videos import make_clip


def mixed(report: dict[str, Any], videos: set[str]) -> list[Any]:
    """Groups and pairs holding both a video and a photo (by asset id)."""
    out = []
    for g in [*report["duplicate_groups"], *report.get("pairs", [])]:
        ids = {m.get("asset_id") for m in g["members"]}
        if ids & videos and ids - videos:
            out.append(g)
    return out


async def test_remote_videos_are_printed_from_the_thumbnail_and_mounted_ones_are_local(
    immich: FakeImmich, tmp_path: Path
) -> None:
    lib = build(immich, tmp_path)
    summary, report = await analyse(lib.settings)
    assert (summary.remote_error, summary.remote_pending) == (None, 0)
    up_key = remote_key_of(lib.upload, None)
    arch_key = f"asset:{lib.archived.id}"
    assert sorted(summary.fresh_videos) == sorted([up_key, arch_key])
    async with open_runtime(lib.settings) as rt:
        prints = await rt.analysis.video_prints([up_key, arch_key, f"asset:{lib.mounted.id}"])
        photo_prints = await rt.analysis.fingerprints_of(
            [up_key, arch_key, f"asset:{lib.mounted.id}", f"asset:{lib.motion.id}"]
        )
        members = {
            m.asset_id
            for m in await rt.analysis.remote_members_of(
                [
                    a.id
                    for a in (
                        lib.mounted,
                        lib.upload,
                        lib.archived,
                        lib.live,
                        lib.motion,
                        lib.hidden,
                        lib.look_alike,
                    )
                ]
            )
        }
        unprinted = await rt.analysis.unprinted_videos()
        pan = str(tmp_path / "photos/clips/pan.mp4")
        [pan_content] = [m.content_hash for m in await rt.analysis.media() if m.path == pan]
        assert pan_content is not None
        local = (await rt.analysis.video_prints([pan_content]))[pan_content]
    # the upload: one frame, Immich's duration, size and camera; the poster from the thumbnail
    up = prints[up_key]
    assert up.source == IMMICH_SOURCE
    assert (up.samples, up.times_ms, up.flat) == (1, (3000,), (False,))
    assert (up.facts.duration_ms, up.facts.width, up.facts.height) == (6000, 320, 240)
    assert (up.facts.make, up.facts.model, up.facts.codec) == ("Apple", "iPhone 12", None)
    assert up.facts.taken_at == "2024-05-01T10:00:00"
    assert len(up.poster) == THUMB_EDGE * THUMB_EDGE
    assert prints[arch_key].source == IMMICH_SOURCE
    assert photo_prints == {}  # never a photo fingerprint for a video
    # the mounted video is no remote member: its file is fingerprinted here, with PyAV
    assert f"asset:{lib.mounted.id}" not in prints
    assert members == {lib.upload.id, lib.archived.id, lib.live.id, lib.look_alike.id}
    # the analysis printed it from its file, with PyAV: every sampled frame, not one
    assert unprinted == []
    assert local.source == LOCAL_SOURCE
    assert local.samples > 1
    assert local.facts.duration_ms is not None
    assert abs(local.facts.duration_ms - 4000) <= 100
    # no video grouped with a photo (the upload's thumbnail is the photo's)
    videos = {lib.upload.id, lib.archived.id, lib.mounted.id, lib.motion.id, lib.hidden.id}
    assert mixed(report, videos) == []
    keyed = {m["asset_id"] for g in report["duplicate_groups"] for m in g["members"]}
    assert not keyed & {lib.motion.id, lib.hidden.id}
    # a second run fetches nothing again
    async with open_runtime(lib.settings) as rt:
        again = await rt.analyze.analyze()
    assert (again.fingerprinted, again.fresh_videos) == (0, [])


def remote_key_of(asset: FakeAsset, library_id: str | None) -> str:
    from sidecar.engine.core.models import AssetLink

    link = AssetLink(
        asset.id,
        asset.owner_id,
        library_id,
        asset.original_path,
        asset.checksum,
        "present",
        False,
        None,
        None,
        None,
        None,
    )
    return remote_key(link)


async def test_a_partial_regroup_decides_videos_and_motion_parts_alike(
    immich_v2: FakeImmich, tmp_path: Path
) -> None:
    lib = build(immich_v2, tmp_path)
    await analyse(lib.settings)
    state = immich_v2.state
    archive = next(x for x in state.libraries.values() if x.import_paths == [ARCHIVE])
    mounted_lib = next(x for x in state.libraries.values() if x.import_paths == [LIB])
    motion = state.import_file(archive, f"{ARCHIVE}/live/IMG_3.mov", type="VIDEO", duration_ms=900)
    live = state.import_file(archive, f"{ARCHIVE}/live/IMG_3.heic", live_photo_video_id=motion.id)
    clip = make_clip(tmp_path / "photos" / "clips" / "new.mp4", seconds=3.0, scene="coffee")
    mounted = state.import_file(
        mounted_lib,
        f"{LIB}/clips/new.mp4",
        type="VIDEO",
        duration_ms=3000,
        file_size=clip.stat().st_size,
    )
    far = state.import_file(archive, f"{ARCHIVE}/new/far.mp4", type="VIDEO", duration_ms=3000)
    for asset in (motion, live, mounted, far):
        state.thumbnails[asset.id] = frame_jpeg(clip)
    async with open_runtime(lib.settings) as rt:
        await rt.scan.scan_paths([tmp_path / "photos"])
        await rt.sync.sync()
        report = await rt.analyze.analyze()
        ids = [motion.id, live.id, mounted.id, far.id]
        members = {m.asset_id for m in await rt.analysis.remote_members_of(ids)}
        prints = await rt.analysis.video_prints([f"asset:{far.id}", f"asset:{mounted.id}"])
    assert not report.regrouped_all
    assert members == {live.id, far.id}
    assert list(prints) == [f"asset:{far.id}"]
    assert report.fresh_videos == [f"asset:{far.id}"]


async def test_after_an_upgrade_no_video_is_fingerprinted_or_grouped_as_a_photo(
    immich_v2: FakeImmich, tmp_path: Path
) -> None:
    lib = build(immich_v2, tmp_path)
    await analyse(lib.settings)
    up_key = remote_key_of(lib.upload, None)
    arch_key = f"asset:{lib.archived.id}"
    photo_key = f"asset:{lib.look_alike.id}"
    async with open_runtime(lib.settings) as rt:  # the inventory as an earlier version left it
        db = rt.db
        row = await db.fetchone("SELECT * FROM fingerprints WHERE content_hash = ?", (photo_key,))
        assert row is not None
        marks = ",".join("?" * len(row))
        async with db.transaction() as conn:
            for key in (up_key, arch_key):  # the videos fingerprinted as photos, and edged
                await conn.execute(f"INSERT INTO fingerprints VALUES ({marks})", (key, *row[1:]))
                await conn.execute(
                    "INSERT INTO near_edges (a, b, phash_distance, dhash_distance)"
                    " VALUES (?, ?, 0, 0)",
                    tuple(sorted((key, photo_key))),
                )
            await conn.execute("DELETE FROM video_prints")
            await conn.execute("UPDATE assets SET duration_ms = NULL")
            await conn.execute("DELETE FROM meta WHERE key LIKE 'sync.video_durations%'")
            await conn.execute("DROP INDEX assets_motion_parts")
            await conn.execute("DELETE FROM schema_migrations WHERE name = '0026_video_assets'")
    videos = {lib.upload.id, lib.archived.id}
    async with open_runtime(lib.settings) as rt:  # migration 0026
        assert await rt.analysis.fingerprints_of([arch_key]) == {}
        # its edge to the photo went; the one to the upload (a video edge: the same
        # thumbnail and length) is a video's and stays
        kept = await rt.db.fetchall(
            "SELECT a, b, side FROM near_edges WHERE a = ? OR b = ?", (arch_key, arch_key)
        )
        assert [(*sorted((r[0], r[1])), r[2]) for r in kept] == [
            (*sorted((up_key, arch_key)), VIDEO_ONE_FRAME)
        ]
        await rt.sync.sync()  # the videos' durations read once
        summary = await rt.analyze.analyze()
        after = await analysis_report(rt.analysis)
        left = await rt.analysis.fingerprints_of([up_key, arch_key])
        edges = await rt.db.scalar(  # to photos (the two videos' own edge is a video's)
            "SELECT count(*) FROM near_edges WHERE (a IN (?, ?) OR b IN (?, ?))"
            " AND coalesce(side, '') NOT LIKE 'video%'",
            (up_key, arch_key, up_key, arch_key),
        )
        durations = await AssetStore(rt.db).links_of([lib.upload.id])
        prints = await rt.analysis.video_prints([up_key, arch_key])
    assert summary.regrouped_all
    assert summary.unchanged_since is None
    assert left == {}
    assert edges == 0
    assert mixed(after, videos) == []
    assert durations[0].duration_ms == 6000
    assert prints[up_key].facts.duration_ms == 6000


async def test_a_video_whose_thumbnail_is_not_made_yet_waits(
    immich_v2: FakeImmich, tmp_path: Path
) -> None:
    lib = build(immich_v2, tmp_path)
    looks = immich_v2.state.thumbnails.pop(lib.archived.id)  # an import in progress
    summary, _ = await analyse(lib.settings)
    key = f"asset:{lib.archived.id}"
    assert summary.remote_pending == 1
    assert [a.id for a in summary.waiting] == [lib.archived.id]
    assert key not in summary.fresh_videos
    immich_v2.state.thumbnails[lib.archived.id] = looks  # Immich made it
    async with open_runtime(lib.settings) as rt:
        again = await rt.analyze.analyze()
        prints = await rt.analysis.video_prints([key])
    assert (again.remote_pending, again.fresh_videos, again.regrouped_all) == (0, [key], False)
    assert prints[key].facts.duration_ms == 6000


async def test_a_print_made_before_the_duration_was_known_is_made_again(
    immich_v2: FakeImmich, tmp_path: Path
) -> None:
    lib = build(immich_v2, tmp_path)
    async with open_runtime(lib.settings) as rt:
        await rt.scan.scan_paths([])
        await rt.sync.sync()
        async with rt.db.transaction() as conn:  # mirrored by an earlier version
            await conn.execute("UPDATE assets SET duration_ms = NULL")
            await conn.execute("DELETE FROM meta WHERE key LIKE 'sync.video_durations%'")
        await rt.analyze.analyze()
        key = f"asset:{lib.archived.id}"
        assert (await rt.analysis.video_prints([key]))[key].facts.duration_ms is None
        await rt.sync.sync()  # the durations, read once: a change to the analysis inputs
        again = await rt.analyze.analyze()
        made = (await rt.analysis.video_prints([key]))[key]
    assert again.unchanged_since is None
    assert key in again.fresh_videos
    assert (made.facts.duration_ms, made.times_ms) == (6000, (3000,))
