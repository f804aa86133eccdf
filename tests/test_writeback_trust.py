"""Write-back never undoes what a person did, and says honestly what it did: against the test
Immich (real HTTP, spec-validated)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sidecar.runtime import open_runtime
from tests.fake_immich import FakeImmich
from tests.test_writeback import (
    LIB,
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
        await rt.reconciler.scan_paths([])
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
