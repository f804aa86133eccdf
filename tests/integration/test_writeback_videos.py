"""Write-back treats videos like photos, against the test Immich: a group of video duplicates
goes to the review album and Immich's duplicate review, a trimmed clip (a variant pair) is
stacked where variant stacks are enabled, trash moves only what a person decided; undo
restores the exact prior state. Immich takes videos in stacks, albums and duplicate groups
(stack.service and duplicate resolution check access, not the asset type)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sidecar.engine.core.models import Member
from sidecar.runtime import open_runtime
from tests.fake_immich import FakeImmich
from tests.fake_immich.state import FakeAsset
from tests.helpers import LIB
from tests.helpers.videos import make_clip
from tests.helpers.writeback import immich_state, settings_for, undo

CLIPS = {  # name -> (seconds shown, start, size)
    "clip.mp4": (4.0, 0.0, (320, 240)),
    "clip_small.mp4": (4.0, 0.0, (160, 120)),
    "clip_trim.mp4": (2.0, 1.0, (320, 240)),
}


def video_library(fake: FakeImmich, root: Path) -> tuple[str, str, dict[str, FakeAsset]]:
    """Three real clips imported as VIDEO assets of one user's external library."""
    user = fake.state.add_user()
    key = fake.state.add_key(user)
    lib = fake.state.add_library(user, LIB)
    assets = {}
    for name, (length, start, size) in CLIPS.items():
        make_clip(root / name, seconds=4.0, start=start, length=length, size=size)
        assets[name] = fake.state.import_file(
            lib,
            f"{LIB}/{name}",
            type="VIDEO",
            width=size[0],
            height=size[1],
            file_size=(root / name).stat().st_size,
            make=None,
            model=None,
        )
    return user.id, key, assets


def member(root: Path, asset: FakeAsset, name: str) -> Member:
    length, _, (w, h) = CLIPS[name]
    path = root / name
    return Member(
        asset.id, str(path), asset.id, path.stat().st_size, w, h, None, int(length * 1000), "h264"
    )


async def store_results(settings: Any, owner: str, root: Path, a: dict[str, FakeAsset]) -> None:
    """What the analysis makes of the clips: the two encodings as a near group (the larger
    kept), the trim as a variant pair of the original."""
    m = {name: member(root, asset, name) for name, asset in a.items()}
    reasons = ["more pixels: 320x240 against 160x120 (clip_small.mp4)"]
    group = (
        "near",
        owner,
        a["clip.mp4"].id,
        reasons,
        2,
        m["clip_small.mp4"].size or 0,
        [m["clip.mp4"], m["clip_small.mp4"]],
    )
    pair = (
        "variant",
        owner,
        a["clip.mp4"].id,
        ["a trim: 2.0 s of it from 1.0 s"],
        [m["clip.mp4"], m["clip_trim.mp4"]],
    )
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([])
        await rt.sync.sync()
        await rt.analysis.replace_results(1, [group], [pair])


async def plan(settings: Any) -> dict[str, Any]:
    """The plan on the stored groups and pairs, the mirror read again first (not analysed
    again: the analysis that makes video groups is not what this tests)."""
    async with open_runtime(settings) as rt:
        await rt.sync.sync()
        return (await rt.writeback.plan(refresh=False)).as_json()


async def apply(settings: Any) -> dict[str, Any]:
    async with open_runtime(settings) as rt:
        await rt.sync.sync()
        return (await rt.writeback.apply(await rt.writeback.plan(refresh=False))).as_json()


async def test_video_groups_and_trims_are_written_back_like_photos_and_undone(
    immich: FakeImmich, tmp_path: Path, state_dir: Path
) -> None:
    root = tmp_path / "clips"
    owner, key, a = video_library(immich, root)
    settings = settings_for(
        immich,
        key,
        root,
        state_dir,
        stacks=["raw+jpeg", "variant"],
        publish_duplicates=True,
        settle_seconds=0,
    )
    await store_results(settings, owner, root, a)
    before = immich_state(immich)

    planned = await plan(settings)
    assert immich_state(immich) == before  # a plan writes nothing
    kinds = sorted(x["kind"] for x in planned["actions"])
    assert "create_stack" in kinds, planned
    assert "add_to_album" in kinds
    (stack,) = [x for x in planned["actions"] if x["kind"] == "create_stack"]
    assert stack["asset_ids"] == [a["clip.mp4"].id, a["clip_trim.mp4"].id]  # primary first
    assert not any(x["kind"] == "trash" for x in planned["actions"])  # nobody decided

    applied = await apply(settings)
    assert applied["failed"] == 0
    ((primary, members),) = immich.state.stacks.values()
    assert primary == a["clip.mp4"].id
    assert set(members) == {a["clip.mp4"].id, a["clip_trim.mp4"].id}
    (album,) = immich.state.albums.values()
    assert set(album.asset_ids) == {a["clip.mp4"].id, a["clip_small.mp4"].id}
    dup = immich.state.assets[a["clip.mp4"].id].duplicate_id
    assert dup is not None
    assert immich.state.assets[a["clip_small.mp4"].id].duplicate_id == dup
    assert not any(x.is_trashed for x in immich.state.assets.values())
    assert (await plan(settings))["actions"] == []  # done: nothing more to do

    undone = await undo(settings, applied["run_id"])
    assert undone["failed"] == 0, undone
    assert immich_state(immich) == before


async def test_a_duplicate_video_goes_to_the_trash_only_when_a_person_decided(
    immich: FakeImmich, tmp_path: Path, state_dir: Path
) -> None:
    root = tmp_path / "clips"
    owner, key, a = video_library(immich, root)
    settings = settings_for(immich, key, root, state_dir, review_album=False, stacks=[])
    await store_results(settings, owner, root, a)
    small = a["clip_small.mp4"].id
    async with open_runtime(settings) as rt:
        assert (await rt.writeback.plan(refresh=False, trash_decided=True)).plan.actions == []
        (group,) = await rt.review.groups(0, 10)
        assert await rt.review.keep(group, a["clip.mp4"].id) == [small]
        planned = await rt.writeback.plan(refresh=False, trash_decided=True)
        assert [(x.kind.value, x.asset_ids) for x in planned.plan.actions] == [("trash", (small,))]
        applied = await rt.writeback.apply(planned)
    assert immich.state.assets[small].is_trashed
    assert not immich.state.assets[a["clip.mp4"].id].is_trashed
    assert not immich.state.assets[a["clip_trim.mp4"].id].is_trashed
    async with open_runtime(settings) as rt:
        await rt.writeback.undo(applied.run_id)
    assert not immich.state.assets[small].is_trashed
