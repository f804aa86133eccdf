"""Write-back never undoes what a person did, and says honestly what it did: against the test
Immich (real HTTP, spec-validated)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from sidecar.immich_client import ImmichClient
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.fake_immich import FakeImmich
from tests.helpers import LIB
from tests.helpers.writeback import (
    apply,
    immich_state,
    library,
    plan,
    prepare,
    settings_for,
    undo,
)


def _jpeg_and_raw(immich: FakeImmich) -> tuple[str, str, str]:
    ((stack_id, (primary, members)),) = immich.state.stacks.items()
    (other,) = [m for m in members if m != primary]
    return stack_id, primary, other


@pytest.mark.parametrize("change", ["primary", "member removed", "member added", "unstacked"])
async def test_undo_leaves_a_stack_a_person_changed_and_does_not_count_it(
    immich: FakeImmich, photos: Path, state_dir: Path, change: str
) -> None:
    key, assets = library(immich, photos)
    settings = settings_for(immich, key, photos, state_dir, review_album=False)
    await prepare(settings)
    applied = await apply(settings)
    assert applied["applied"] == 1
    stack_id, jpg, raw = _jpeg_and_raw(immich)
    if change == "primary":
        immich.state.set_stack_primary(stack_id, raw)
    elif change == "member removed":
        immich.state.remove_from_stack(stack_id, raw)
    elif change == "member added":
        rocket = assets["2020/Trip/rocket.jpg"].id
        immich.state.create_stack(immich.state.assets[jpg].owner_id, [jpg, raw, rocket])
    else:
        immich.state.delete_stack(stack_id)
    before = immich_state(immich)
    undone = await undo(settings, applied["run_id"])
    assert (undone["reverted"], undone["left"], undone["failed"]) == (0, 1, 0)
    (message,) = undone["messages"]
    expected = {
        "primary": "another primary",
        "member removed": "stack members",
        "member added": "no longer in Immich",
        "unstacked": "no longer in Immich",
    }
    assert expected[change] in message
    assert immich_state(immich) == before  # nothing touched
    again = await plan(settings)  # and the sidecar does not make it again either
    assert again["actions"] == []


async def test_undo_counts_only_what_it_reverted(
    immich: FakeImmich, photos: Path, state_dir: Path
) -> None:
    """Album entries a person already removed and an album already deleted are not counted
    as reverted; the stack that stands as made is."""
    key, assets = library(immich, photos)
    settings = settings_for(immich, key, photos, state_dir)
    await prepare(settings)
    applied = await apply(settings)
    assert applied["applied"] == 3
    (album,) = immich.state.albums.values()
    immich.state.remove_from_album(album.id, assets["Exports/chelsea.png"].id)
    undone = await undo(settings, applied["run_id"])
    assert (undone["reverted"], undone["left"], undone["failed"]) == (3, 0, 0)
    removed = "1 of 8 album entries were removed in Immich already"
    assert any(removed in m for m in undone["messages"])
    assert immich.state.stacks == {}
    assert immich.state.albums == {}
    again = await undo(settings, applied["run_id"])  # nothing left to undo: nothing counted
    assert (again["reverted"], again["left"]) == (0, 0)


async def test_a_reimported_external_asset_gets_no_tags_or_description_unless_allowed(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    """Tags and a description make Immich write an .xmp file beside the original, inside
    the library folder, which undo cannot remove: opt-in; albums and favourite are carried."""
    key, assets = library(immich_v2, photos)
    old = assets["2021/Sky/hubble.jpg"]
    trip = immich_v2.state.create_album(old.owner_id, "Trip 2021", [old.id])
    tag = immich_v2.state.upsert_tag(old.owner_id, "Places/Sky")
    tag.asset_ids.add(old.id)
    immich_v2.state.edit(old.id, is_favorite=True, description="the deep field")
    settings = settings_for(
        immich_v2, key, photos, state_dir, stacks=[], review_album=False, repair_moves=True
    )
    await prepare(settings)
    (photos / "Space").mkdir()
    (photos / "2021/Sky/hubble.jpg").rename(photos / "Space/hubble.jpg")
    lib = immich_v2.state.libraries[old.library_id or ""]
    _, new = immich_v2.state.file_renamed(
        lib, f"{LIB}/2021/Sky/hubble.jpg", f"{LIB}/Space/hubble.jpg"
    )
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([])
    planned = await plan(settings)
    (action,) = planned["actions"]
    assert action["carry"] == {"albums": [trip.id], "favorite": True}
    (note,) = [n for n in planned["notes"] if "repair_external" in n]
    assert note.startswith("1 re-imported external-library asset(s) not given their tags")
    assert "undo cannot remove it" in note
    assert (await apply(settings))["applied"] == 1
    assert new.id in trip.asset_ids
    assert (new.is_favorite, new.description, new.id in tag.asset_ids) == (True, "", False)
    writes = [
        e.request
        for e in immich_v2.record.exchanges
        if e.method == "PUT" and e.path in ("/assets", f"/tags/{tag.id}/assets")
    ]
    assert writes == [{"ids": [new.id], "isFavorite": True}]
    again = await plan(settings)  # still spared, still said; nothing else to do
    assert again["actions"] == []
    assert any("repair_external" in n for n in again["notes"])


async def test_the_fake_reproduces_the_asset_update_and_tag_race(immich: FakeImmich) -> None:
    """Real 2.7.5 and 3.1.0: tags written after `PUT /assets` on the same assets can be gone
    once Immich's queued metadata write runs; tags written before it are kept."""
    user = immich.state.add_user()
    key = immich.state.add_key(user)
    lib = immich.state.add_library(user, LIB)
    a, b = (immich.state.import_file(lib, f"{LIB}/{n}.jpg") for n in ("a", "b"))
    immich.sidecar_writes.race(after_requests=3)
    async with ImmichClient.connect(immich.url, key) as client:
        before, after = await client.upsert_tags(["before", "after"])
        await client.tag_assets(before.id, [a.id, b.id])
        await client.update_assets([a.id, b.id], duplicateId=str(uuid.uuid4()))
        await client.tag_assets(after.id, [a.id, b.id])
        await client.tags()  # the queued writes run now
        assert await client.tag_asset_ids(before.id) == {a.id, b.id}
        assert await client.tag_asset_ids(after.id) == set()
    assert sorted(immich.sidecar_writes.dropped) == sorted([(after.id, a.id), (after.id, b.id)])


def _publish_and_tag(immich: FakeImmich, photos: Path, state_dir: Path, **extra: Any) -> Settings:
    key, _ = library(immich, photos)
    options: dict[str, Any] = {"stacks": [], "review_album": False, "publish_duplicates": True}
    options.update(tags=True, tag_external=True, **extra)
    return settings_for(immich, key, photos, state_dir, **options)


async def test_tags_immich_drops_are_made_again_in_the_same_run_and_reported(
    immich: FakeImmich, photos: Path, state_dir: Path
) -> None:
    settings = _publish_and_tag(immich, photos, state_dir, settle_seconds=0)
    await prepare(settings)
    planned = await plan(settings)
    kinds = [a["kind"] for a in planned["actions"]]
    assert kinds.index("publish_duplicates") < kinds.index("tag_assets")
    assert set(kinds[kinds.index("create_tag") :]) == {"create_tag", "tag_assets"}  # tags last
    immich.sidecar_writes.race(after_requests=12)  # runs after some tags were written
    applied = await apply(settings)
    assert applied["failed"] == 0
    dropped = len(immich.sidecar_writes.dropped)
    assert dropped > 0  # Immich dropped tags the run wrote ...
    assert applied["remade"] == dropped  # ... the run wrote them again, and says so
    assert (
        f"re-made {dropped} tag entries Immich dropped after they were written"
        in (applied["messages"])
    )
    again = await plan(settings)  # all there: nothing to do, nothing taken for a rejection
    assert again["actions"] == []
    assert again["summary"]["rejected_before"] == 0


async def test_a_pause_after_asset_updates_keeps_tags_from_being_dropped(
    immich: FakeImmich, photos: Path, state_dir: Path
) -> None:
    settings = _publish_and_tag(immich, photos, state_dir, settle_seconds=0.3)
    await prepare(settings)
    immich.sidecar_writes.race(after_seconds=0.05)  # Immich's queue runs within 50 ms
    applied = await apply(settings)
    assert (applied["failed"], applied["remade"]) == (0, 0)
    assert immich.sidecar_writes.dropped == []
    assert immich.sidecar_writes.queued == []  # every queued write ran, none took a tag
    assert (await plan(settings))["actions"] == []


async def test_an_entry_gone_before_it_was_verified_is_made_again_not_rejected(
    immich: FakeImmich, photos: Path, state_dir: Path
) -> None:
    """Only what a run read back after writing it, and is gone later, was removed by a
    person; an entry never verified (here: reading back failed) is made again."""
    settings = _publish_and_tag(
        immich, photos, state_dir, settle_seconds=0, publish_duplicates=False
    )
    await prepare(settings)
    async with open_runtime(settings) as rt:
        planned = await rt.writeback.plan()
        immich.fault("/search/metadata", method="POST", status=500, times=-1)
        report = await rt.writeback.apply(planned)
    immich.faults.clear()
    assert any("could not read back what the run made" in m for m in report.messages)
    tags = {t.value: t for t in immich.state.tags.values()}
    exact = tags["immich-sidecar/duplicate/exact"]
    lost = sorted(exact.asset_ids)[0]
    exact.asset_ids.discard(lost)  # gone, by Immich or a person: the run cannot know
    immich.state.revision += 1
    again = await plan(settings)
    assert [(a["kind"], a["asset_ids"]) for a in again["actions"]] == [("tag_assets", [lost])]
    assert again["summary"]["rejected_before"] == 0
    assert any("made again, not taken for a person's removal" in n for n in again["notes"])
    remade = await apply(settings)  # this run reads it back: verified
    assert (remade["applied"], remade["remade"]) == (1, 0)
    exact.asset_ids.discard(lost)  # now a person removes it: never put back
    immich.state.revision += 1
    final = await plan(settings)
    assert (final["actions"], final["summary"]["rejected_before"]) == ([], 1)


async def test_undo_after_a_person_deleted_the_tags_counts_nothing_as_reverted(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    settings = _publish_and_tag(immich_v2, photos, state_dir, publish_duplicates=False)
    await prepare(settings)
    applied = await apply(settings)
    assert (applied["applied"], applied["failed"]) == (10, 0)
    root = next(t for t in immich_v2.state.tags.values() if t.value == "immich-sidecar")
    immich_v2.state.delete_tag(root.id)  # a person deletes the whole tree in Immich
    undone = await undo(settings, applied["run_id"])
    assert (undone["reverted"], undone["left"], undone["failed"]) == (0, 10, 0)
    assert immich_v2.state.tags == {}
