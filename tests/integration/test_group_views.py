"""Views of the duplicate groups as the groups list reads them (filtered and counted in the
store, a page at a time) and the bulk accept's preview of such a view, on the sample tree
imported into the test Immich's external library. The groups: exact 1 (astronaut + its
backup), exact 2 (coffee + a renamed copy), near 3 (a burst frame + coffee), near 4
(astronaut + a small export), near 5 (chelsea + a png export)."""

from __future__ import annotations

from pathlib import Path

from sidecar.engine.services.review import Shown
from sidecar.runtime import open_runtime
from tests.fake_immich import FakeImmich
from tests.helpers import LIB
from tests.helpers.writeback import library, prepare, settings_for


async def test_filtered_views_count_and_page_in_the_store(
    immich: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich, photos)
    settings = settings_for(immich, key, photos, state_dir, stacks=[], review_album=False)
    await prepare(settings)
    backup = assets["Backup/2019/Summer/astronaut.jpg"].id
    async with open_runtime(settings) as rt:
        review = rt.review
        every = await review.group_query()
        assert await review.group_total(every) == 5
        assert await review.pair_total() == sum((await rt.analysis.pair_counts()).values())
        exact = await review.group_query(tier="exact")
        assert await review.group_total(exact) == 2
        for text in ("exports", "EXPORTS", " Exports/ "):  # any case, spaces around dropped
            view = await review.group_query(text=text)
            assert await review.group_total(view) == 2
            groups = await review.group_page(view, 0, 10)
            assert all(any("Exports/" in (m.path or "") for m in g.members) for g in groups)
        assert await review.group_total(await review.group_query(text="%")) == 0  # literal
        assert await review.group_total(await review.group_query(text="o_o")) == 0  # not "oto"

        # decided: exact 1 by the trash queue, one near group by "not duplicates"
        await rt.writeback.decide_trash([backup], "a person")
        near = [g for g in await review.group_page(every, 0, 10) if g.tier == "near"]
        await review.not_duplicates(near[0])
        with_backup = next(
            g.id
            for g in await review.group_page(exact, 0, 10)
            if backup in {m.asset_id for m in g.members}
        )
        assert await review.decided_groups() == {with_backup, near[0].id}
        undecided = await review.group_query(shown=Shown.UNDECIDED)
        decided = await review.group_query(shown=Shown.DECIDED)
        assert await review.group_total(undecided) == 3
        assert await review.group_total(decided) == 2
        pages = [g.id for n in range(3) for g in await review.group_page(undecided, n, 1)]
        assert len(set(pages)) == 3
        assert not set(pages) & {with_backup, near[0].id}
        assert set(await review.group_ids(decided)) == {with_backup, near[0].id}
        exact_undecided = await review.group_query(tier="exact", shown=Shown.UNDECIDED)
        assert await review.group_total(exact_undecided) == 1
        # the view is as it was made: a decision made since leaves its pages alone
        await review.undo_decision(near[0])
        assert await review.group_total(undecided) == 3
        assert await review.group_total(await review.group_query(shown=Shown.UNDECIDED)) == 4

        # the bulk accept's preview of a view: nothing recorded, every external library named
        ids = await review.group_ids(await review.group_query(text="exports"))
        preview = await rt.keepers.preview_keepers(only=ids)
        assert (preview.groups, preview.queued) == (2, 2)
        assert preview.bytes > 0
        assert [(e.assets, [f for f, _ in e.folders]) for e in preview.external] == [
            (2, [f"{LIB}/Exports"])
        ]
        assert set(await review.journal.trash_decided()) == {backup}
        everything = await rt.keepers.preview_keepers()
        assert everything.skipped == {"a person already decided": 1}
        result = await rt.keepers.accept_keepers(only=ids)
        assert (result.groups, len(result.queued)) == (preview.groups, preview.queued)
        assert await rt.keepers.last_batch() == result.batch
        await rt.keepers.undo_keepers(result.batch or 0)
        assert await rt.keepers.last_batch() is None
