"""Write-back never undoes what a person did, and says honestly what it did: against the test
Immich (real HTTP, spec-validated)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fake_immich import FakeImmich
from tests.test_writeback import apply, immich_state, library, plan, prepare, settings_for, undo


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
