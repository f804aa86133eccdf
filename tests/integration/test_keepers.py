"""`decide keepers`: the suggested keepers of many groups accepted at once, on the sample tree
imported into the test Immich (real inventory, real fake-Immich on loopback). The groups:
exact 1 (astronaut + its backup), exact 2 (coffee + a renamed copy), near 3 (a burst frame +
coffee), near 4 (astronaut + a small export), near 5 (chelsea + a png export)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sidecar.engine.core.models import Member
from sidecar.runtime import open_runtime
from tests.fake_immich import FakeImmich
from tests.helpers import LIB
from tests.helpers.writeback import cli_config, library, prepare, settings_for

DECIDED = "a person already decided"


async def test_keepers_accept_undecided_groups_once_and_undo_as_a_batch(
    immich: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich, photos)
    settings = settings_for(immich, key, photos, state_dir, stacks=[], review_album=False)
    await prepare(settings)
    ids = {rel: a.id for rel, a in assets.items()}
    copy = ids["Odd names/café au lait (1).jpg"]
    async with open_runtime(settings) as rt:
        groups = {g.id: g for g in await rt.analysis.groups()}
        assert {g.tier for g in groups.values()} == {"exact", "near"}
        await rt.writeback.decide_trash([copy], "a person")  # exact 2 is decided before
        exact = await rt.keepers.accept_keepers("exact")
        assert exact.batch == 1
        assert (exact.groups, exact.queued) == (1, [ids["Backup/2019/Summer/astronaut.jpg"]])
        assert exact.bytes == next(
            m.size for g in groups.values() for m in g.members if m.asset_id == exact.queued[0]
        )
        assert [r for _, r in exact.skipped] == [DECIDED]
        again = await rt.keepers.accept_keepers("exact")  # nothing twice
        assert (again.batch, again.groups, again.queued) == (None, 0, [])
        assert sorted(r for _, r in again.skipped) == [DECIDED, DECIDED]
        near = await rt.keepers.accept_keepers("near", str(photos / "Exports"))
        assert near.batch == 2
        assert sorted(near.queued) == sorted(
            [ids["Exports/astronaut-small.jpg"], ids["Exports/chelsea.png"]]
        )  # near 3 has no member under Exports
        planned = await rt.writeback.plan(trash_decided=True)
        trashed = {i for a in planned.plan.actions if a.kind.value == "trash" for i in a.asset_ids}
        assert trashed == {copy, *exact.queued, *near.queued}
        assert sorted(await rt.keepers.undo_keepers(2)) == sorted(near.queued)
        assert set(await rt.review.journal.trash_decided()) == {copy, *exact.queued}
        with pytest.raises(ValueError, match="batch 2"):
            await rt.keepers.undo_keepers(2)
        third = await rt.keepers.accept_keepers()  # near 3, 4, 5 are undecided again
        assert (third.batch, third.groups) == (3, 3)
    assert not any(a.is_trashed for a in immich.state.assets.values())  # nothing written


def test_decide_keepers_from_the_command_line(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, cli: Any, tmp_path: Path
) -> None:
    key, _ = library(immich_v2, photos)
    env = cli_config(tmp_path, immich_v2.url, key, state_dir, photos)
    assert cli("scan", env=env).code == 0
    assert cli("plan", env=env).code == 0  # sync and analysis
    assert cli("decide", "keepers", "x", env=env).code == 2  # no members
    res = cli("decide", "keepers", "--tier", "exact", "--json", env=env)
    assert res.code == 0, res.err
    data = json.loads(res.out)
    assert set(data) == {"batch", "groups", "queued_for_trash", "bytes", "skipped"}
    assert (data["groups"], data["queued_for_trash"], data["skipped"]) == (2, 2, [])
    assert data["bytes"] > 0
    text = cli("decide", "keepers", env=env)
    assert text.code == 0, text.err
    assert "Groups accepted: " in text.out
    assert "Skipped: 2 group(s): a person already decided" in text.out
    shown = cli("plan", "--trash-decided", env=env)
    assert "to Immich's trash" in shown.out
    back = cli("decide", "keep", "--batch", "1", env=env)
    assert back.code == 0, back.err
    assert "keepers batch 1" in back.out
    assert cli("decide", "keep", "--batch", "1", env=env).code == 2  # nothing left of it


def test_decide_keepers_under_an_immich_path_or_a_path_of_no_group(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, cli: Any, tmp_path: Path
) -> None:
    key, _ = library(immich_v2, photos)
    env = cli_config(tmp_path, immich_v2.url, key, state_dir, photos)
    assert cli("scan", env=env).code == 0
    assert cli("plan", env=env).code == 0  # sync and analysis
    as_immich = cli("decide", "keepers", "--under", f"{LIB}/Exports", "--json", env=env)
    assert as_immich.code == 0, as_immich.err
    data = json.loads(as_immich.out)
    assert (data["groups"], data["queued_for_trash"]) == (2, 2)  # near 4 and near 5
    again = cli("decide", "keepers", "--under", str(photos / "Exports"), "--json", env=env)
    reasons = [d["reason"] for d in json.loads(again.out)["skipped"]]
    assert reasons == [DECIDED, DECIDED]  # the local path names the same groups, now decided
    nowhere = cli("decide", "keepers", "--under", f"{LIB}/Extra/set06", env=env)
    assert nowhere.code == 0, nowhere.err
    line = next(x for x in nowhere.out.splitlines() if x.startswith("No group"))
    assert f"{LIB}/Extra/set06" in line
    assert f"{photos} (Immich: {LIB})" in line
    assert "Groups accepted" not in nowhere.out


async def test_a_group_whose_keeper_another_group_queues_is_skipped(
    immich: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich, photos)
    settings = settings_for(immich, key, photos, state_dir)
    await prepare(settings)
    x, y, z = (assets[rel].id for rel in sorted(assets)[:3])
    async with open_runtime(settings) as rt:
        owner = immich.state.assets[x].owner_id

        def member(a: str) -> Member:
            return Member(a, None, a, 10)

        # group 1 keeps x and queues y; group 2 would keep y: nothing of it would stay
        await rt.analysis.replace_results(
            0,
            [
                ("exact", owner, x, [], 0, 10, [member(x), member(y)]),
                ("exact", owner, y, [], 0, 10, [member(y), member(z)]),
            ],
            [],
        )
        first, second = (g.id for g in await rt.analysis.groups(sort="id"))
        result = await rt.keepers.accept_keepers()
        assert (result.groups, result.queued) == (1, [y])
        assert result.skipped == [(second, "it would trash every copy")]
        assert first != second
