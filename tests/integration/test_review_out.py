"""A member taken out of a group ("not a duplicate of the others", `m`) stops counting in
what was decided about the group: queued for Immich's trash, it leaves the queue; the copy kept,
the others leave the queue too (else every copy of them would go); in a stack decided for the
group, the stack decision is taken back. Against the test Immich, on a real inventory."""

from __future__ import annotations

from pathlib import Path

from sidecar.engine.core.models import StoredGroup
from sidecar.runtime import open_runtime
from tests.fake_immich import FakeImmich
from tests.helpers.writeback import library, prepare, settings_for

BACKUP = "Backup/2019/Summer/astronaut.jpg"


async def test_a_member_taken_out_stops_counting_in_the_groups_decision(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    await prepare(settings)
    backup = assets[BACKUP].id
    async with open_runtime(settings) as rt:
        review, journal = rt.review, rt.writeback.journal

        async def the_group() -> StoredGroup:
            groups = await review.groups(0, 100, "reclaim", "exact")
            return next(g for g in groups if backup in {m.asset_id for m in g.members})

        group = await the_group()
        backup_key = next(m.key for m in group.members if m.asset_id == backup)
        original = next(m for m in group.members if m.asset_id != backup)

        # kept the backup: the original is queued; taken out, it leaves the queue
        await review.keep(group, backup_key)
        assert set(await journal.trash_decided()) == {original.asset_id}
        said = await review.not_this_one(group, original.key)
        assert said == "it left the trash queue"
        assert not await journal.trash_decided()
        await review.undo_decision(group)

        # kept the original (the others queued); the kept copy taken out: none stays queued
        await review.keep(group, original.key)
        assert set(await journal.trash_decided()) == {backup}
        said = await review.not_this_one(group, original.key)
        assert said.startswith("it was the copy kept, so the others left the trash queue")
        assert not await journal.trash_decided()
        await review.undo_decision(group)

        # stacked instead: a member taken out takes the stack decision back
        await review.stack_instead(group)
        assert (await review.group_verdict(group)).state == "stack"
        said = await review.not_this_one(group, backup_key)
        assert said.startswith("the stack decided for this group is taken back")
        assert (await review.group_verdict(group)).state == "not dup"  # two: one out is none
