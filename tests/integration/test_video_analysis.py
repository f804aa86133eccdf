"""Local videos through the analysis, with real clips: fingerprinted by the photo workers, one
clip in several encodings a near group, a trim a variant pair, a damaged file reported, a
live photo's motion part left out, partial runs that keep and find video results."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from sidecar.engine.services.analyze.fingerprints import Fingerprinter
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.helpers.analysis import analyse, names
from tests.helpers.executors import CountingThreads
from tests.helpers.killer import DecoderKiller
from tests.helpers.videos import make_clip, still_image

CLIP = {"seconds": 6.0, "size": (320, 240), "fps": 30}


def clips(folder: Path) -> Path:
    """A clip, its re-encode smaller at a lower bitrate, a 24 fps version, a trim, another pan
    of the same scene, a photo and a damaged video."""
    make_clip(folder / "clip.mp4", **CLIP, bitrate=1_000_000)  # type: ignore[arg-type]
    make_clip(folder / "small.mp4", seconds=6.0, size=(160, 120), fps=30, bitrate=150_000)
    make_clip(folder / "slow.mp4", seconds=6.0, size=(320, 240), fps=24)
    make_clip(folder / "trim.mp4", **CLIP, start=1.5, length=3.0)  # type: ignore[arg-type]
    make_clip(folder / "back.mp4", **CLIP, reverse=True)  # type: ignore[arg-type]
    still_image(folder / "still.jpg")
    whole = (folder / "clip.mp4").read_bytes()
    (folder / "damaged.mp4").write_bytes(whole[: len(whole) // 3])
    return folder


def by_kind(result: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    near = [g for g in result["duplicate_groups"] if g["tier"] == "near"]
    variants = [p for p in result["pairs"] if p["kind"] == "variant"]
    return near, variants


async def test_encodings_group_a_trim_pairs_and_a_damaged_video_is_named(
    tmp_path: Path, settings: Settings
) -> None:
    folder = clips(tmp_path / "media")
    result = await analyse(settings, folder)
    summary = result["summary"]
    assert summary["videos"] == {"fingerprinted": 6, "failed": 1}
    assert summary["fingerprinted"] == 7  # and the photo
    assert summary["fingerprint_failures"] == 1
    assert [f["path"] for f in summary["failures"]] == [str(folder / "damaged.mp4")]
    assert result["pairs"]
    assert all(p["kind"] == "variant" for p in result["pairs"])
    near, variants = by_kind(result)
    assert [names(g) for g in near] == [{"clip.mp4", "small.mp4", "slow.mp4"}]
    assert not [g for g in result["duplicate_groups"] if g["tier"] != "near"]
    group = near[0]
    assert group["keeper"] == str(folder / "clip.mp4")
    assert group["reasons"][0].startswith("the same clip in another encoding: 0:06.0")
    assert (
        "its frames sampled at the same moments alike (half or more within" in group["reasons"][0]
    )
    for member in group["members"]:
        assert member["codec"] == "h264"
        assert abs(member["duration_ms"] - 6000) <= 100
    [pair] = variants
    assert names(pair) == {"clip.mp4", "trim.mp4"}
    assert pair["primary"] == str(folder / "clip.mp4")
    assert pair["reasons"][0].startswith("a trimmed copy: 0:03.0 of clip.mp4's 0:06.0, from ")
    async with open_runtime(settings) as rt:
        # a video is never a photo fingerprint, nor at the end of a photo edge
        rows = await rt.db.fetchall("SELECT count(*) FROM fingerprints")
        assert rows[0][0] == 1
        sides = await rt.db.fetchall("SELECT DISTINCT side FROM near_edges")
        assert {r[0] for r in sides} <= {"video", "video-trim"}
        assert await rt.analysis.video_failures() == [
            (str(folder / "damaged.mp4"), "not a recognised video, or a damaged one")
        ]
    again = await analyse(settings, folder)
    assert again["summary"]["fingerprinted"] == 0  # nothing twice, the failure neither
    assert by_kind(again) == (near, variants)


async def test_a_live_photos_motion_part_is_never_a_member(
    tmp_path: Path, settings: Settings
) -> None:
    """IMG_1.MOV (2 s) beside IMG_1.JPG is a live photo's motion part: its copy elsewhere
    makes no group with it; a longer clip of the same stem is a video in its own right."""
    folder = tmp_path / "media"
    for sub in ("live", "long", "other"):
        (folder / sub).mkdir(parents=True)
    still_image(folder / "live/IMG_1.JPG")
    make_clip(folder / "live/IMG_1.MOV", seconds=2.0)
    shutil.copy(folder / "live/IMG_1.MOV", folder / "other/IMG_7.MOV")
    still_image(folder / "long/IMG_2.JPG")
    make_clip(folder / "long/IMG_2.MOV", seconds=6.0)
    shutil.copy(folder / "long/IMG_2.MOV", folder / "other/IMG_8.MOV")
    result = await analyse(settings, folder)
    groups = [names(g) for g in result["duplicate_groups"]]
    videos = [g for g in groups if any(n.endswith(".MOV") for n in g)]
    assert videos == [{"IMG_2.MOV", "IMG_8.MOV"}]  # (the two stills are one content)
    assert result["summary"]["videos"]["fingerprinted"] == 2  # by content: both contents


async def test_partial_runs_keep_video_results_and_find_new_ones(
    tmp_path: Path, settings: Settings
) -> None:
    folder = tmp_path / "media"
    make_clip(folder / "clip.mp4", **CLIP, bitrate=1_000_000)  # type: ignore[arg-type]
    make_clip(folder / "small.mp4", seconds=6.0, size=(160, 120), fps=30, bitrate=150_000)
    make_clip(folder / "trim.mp4", **CLIP, start=1.5, length=3.0)  # type: ignore[arg-type]
    first = await analyse(settings, folder)
    near, variants = by_kind(first)
    assert [names(g) for g in near] == [{"clip.mp4", "small.mp4"}]
    assert [names(p) for p in variants] == [{"clip.mp4", "trim.mp4"}]
    # an unrelated photo beside them: a partial run, the video results stand
    still_image(folder / "still.jpg")
    second = await analyse(settings, folder)
    assert second["summary"]["regrouped"]["full"] is False
    assert by_kind(second) == by_kind(first)
    # a new encoding and a new trim: found by a partial run; the trim pairs with the keeper
    make_clip(folder / "slow.mp4", seconds=6.0, size=(320, 240), fps=24)
    make_clip(folder / "end.mp4", **CLIP, start=3.0, length=2.5)  # type: ignore[arg-type]
    third = await analyse(settings, folder)
    assert third["summary"]["regrouped"]["full"] is False
    near, variants = by_kind(third)
    assert [names(g) for g in near] == [{"clip.mp4", "small.mp4", "slow.mp4"}]
    assert sorted(sorted(names(p)) for p in variants) == [
        ["clip.mp4", "end.mp4"],
        ["clip.mp4", "trim.mp4"],
    ]
    assert {p["primary"] for p in variants} == {str(folder / "clip.mp4")}


async def test_videos_on_an_executor_passed_in(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "media"
    make_clip(folder / "a.mp4", seconds=3.0)
    make_clip(folder / "b.mp4", seconds=3.0, reverse=True)
    pool = CountingThreads()
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([folder])
        fingerprinter = Fingerprinter(rt.analysis, 1, 8, "sha1", executor=pool, videos=rt.analysis)
        seen: list[tuple[int, int]] = []
        done, failed, fresh = await fingerprinter.run(lambda n, total: seen.append((n, total)))
        assert (done, failed, fresh) == (2, 0, [])
        assert len(fingerprinter.fresh_videos) == 2
        assert fingerprinter._pool is None
        assert pool.calls == 1
        assert seen[-1] == (2, 2)
        assert await rt.analysis.unprinted_videos() == []
    pool.shutdown()


async def test_a_store_from_before_videos_gets_them_though_nothing_changed(
    tmp_path: Path, settings: Settings
) -> None:
    """Results made when videos were not fingerprinted (no prints, no video edges) do not
    stand as unchanged: the next run fingerprints the videos and groups them."""
    folder = tmp_path / "media"
    make_clip(folder / "clip.mp4", **CLIP, bitrate=1_000_000)  # type: ignore[arg-type]
    make_clip(folder / "small.mp4", seconds=6.0, size=(160, 120), fps=30, bitrate=150_000)
    await analyse(settings, folder)
    async with open_runtime(settings) as rt, rt.db.transaction() as conn:
        await conn.execute("DELETE FROM video_prints")
        await conn.execute("DELETE FROM near_edges")
        await conn.execute("DELETE FROM meta WHERE key = 'analysis.video_edges'")
    again = await analyse(settings, folder)
    assert again["summary"]["unchanged_since"] is None
    assert again["summary"]["videos"]["fingerprinted"] == 2
    assert [names(g) for g in by_kind(again)[0]] == [{"clip.mp4", "small.mp4"}]
    quiet = await analyse(settings, folder)
    assert quiet["summary"]["unchanged_since"] is not None


def test_scan_analyze_report_on_the_command_line(cli: Any, tmp_path: Path) -> None:
    folder = clips(tmp_path / "media")
    env = {"IMMICH_SIDECAR_STATE_DIR": str(tmp_path / "state")}
    assert cli("scan", str(folder), "--no-analyze", env=env).code == 0
    run = cli("analyze", env=env)
    assert run.code == 0
    assert "of them 6 videos (1 could not be decoded)" in run.out
    damaged = [line for line in run.out.splitlines() if "damaged.mp4" in line]
    assert damaged == [
        f"  not fingerprinted: {folder}/damaged.mp4: not a recognised video, or a damaged one"
    ]
    assert "0 exact and 1 near duplicate groups" in run.out
    assert "pairs: 0 raw+jpeg, 1 variant, 0 burst" in run.out
    report = cli("report", env=env).out
    assert report.count("[near]") == 1
    assert report.count("[variant]") == 1
    assert "a trimmed copy: 0:03.0 of clip.mp4's 0:06.0" in report
    assert report.splitlines()[-1] == (
        f"Video not fingerprinted: {folder}/damaged.mp4: not a recognised video, or a damaged one"
    )


async def test_a_video_whose_codec_has_no_decoder_is_a_failure_and_the_run_goes_on(
    tmp_path: Path, settings: Settings
) -> None:
    folder = tmp_path / "media"
    make_clip(folder / "fine.mp4", seconds=2.0, size=(160, 120))
    data = make_clip(tmp_path / "source.mp4", seconds=2.0, size=(160, 120)).read_bytes()
    (folder / "odd_codec.mp4").write_bytes(data.replace(b"avc1", b"zzzz"))
    result = await analyse(settings, folder)
    summary = result["summary"]
    assert summary["videos"] == {"fingerprinted": 2, "failed": 1}  # (fingerprinted: tried)
    [failure] = summary["failures"]
    assert failure["path"] == str(folder / "odd_codec.mp4")


async def test_a_video_that_kills_the_decoder_is_recorded_and_the_run_goes_on(
    tmp_path: Path, settings: Settings
) -> None:
    folder = tmp_path / "media"
    make_clip(folder / "a.mp4", seconds=3.0)
    make_clip(folder / "b.mp4", seconds=3.0, reverse=True)
    killer = make_clip(folder / "killer.mp4", seconds=12.0, size=(640, 480))
    watcher = DecoderKiller(killer)
    task = asyncio.create_task(watcher.run())
    try:
        result = await analyse(settings, folder)
    finally:
        task.cancel()
    assert watcher.kills >= 2  # the pool's worker, then the one-file retry
    assert result["summary"]["videos"] == {"fingerprinted": 3, "failed": 1}
    assert result["summary"]["failures"] == [
        {"path": str(killer), "reason": "the video decoder crashed on this file"}
    ]
    again = await analyse(settings, folder)
    assert again["summary"]["fingerprinted"] == 0  # recorded: never retried forever


async def test_a_persons_choice_of_a_trims_primary_and_a_rejection_stand(
    tmp_path: Path, settings: Settings
) -> None:
    folder = tmp_path / "media"
    make_clip(folder / "clip.mp4", **CLIP)  # type: ignore[arg-type]
    make_clip(folder / "trim.mp4", **CLIP, start=1.5, length=3.0)  # type: ignore[arg-type]
    await analyse(settings, folder)
    trim = str(folder / "trim.mp4")
    async with open_runtime(settings) as rt:
        [pair] = await rt.review.pairs(0, 10)
        await rt.review.choose_primary(pair, trim)
    chosen = await analyse(settings, folder)
    [pair_json] = chosen["pairs"]
    assert pair_json["primary"] == trim
    assert pair_json["reasons"][0] == "primary chosen in the review"
    still_image(folder / "still.jpg")  # an unrelated change: a partial run keeps it
    later = await analyse(settings, folder)
    assert later["summary"]["regrouped"]["full"] is False
    assert [p["primary"] for p in later["pairs"]] == [trim]
    async with open_runtime(settings) as rt:
        [pair] = await rt.review.pairs(0, 10)
        await rt.review.reject_pair(pair)
    rejected = await analyse(settings, folder)
    assert rejected["pairs"] == []
    assert rejected["duplicate_groups"] == []
