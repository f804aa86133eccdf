"""Write-back against the test Immich (real HTTP, spec-validated): plan, apply, idempotence,
undo to the exact prior state, rejections, people's own stacks, interrupted runs, stale ids,
missing permissions and server errors."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import pytest

from sidecar.engine.support.errors import WritebackRefusedError
from sidecar.runtime import open_runtime
from tests.fake_immich import FakeImmich
from tests.fake_immich.state import FakeAsset
from tests.helpers import LIB
from tests.helpers.settings import make_settings
from tests.helpers.writeback import (
    MEDIA,
    NO_STACK_CREATE,
    apply,
    immich_state,
    library,
    plan,
    prepare,
    settings_for,
    undo,
)

REVIEWED = {  # members of the sample library's exact and near groups
    "2019/Summer/astronaut.jpg",
    "Backup/2019/Summer/astronaut.jpg",
    "Exports/astronaut-small.jpg",
    "2019/Summer/coffee.jpg",
    "Odd names/café au lait (1).jpg",
    "2019/Summer/Burst/IMG_2042.JPG",
    "2019/Summer/chelsea.jpg",
    "Exports/chelsea.png",
}


def by_id(assets: dict[str, FakeAsset]) -> dict[str, str]:
    return {a.id: rel for rel, a in assets.items()}


async def test_plan_apply_again_empty_then_undo_restores_the_exact_prior_state(
    immich: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich, photos)
    settings = settings_for(immich, key, photos, state_dir)
    await prepare(settings)
    before = immich_state(immich)

    planned = await plan(settings)
    assert immich_state(immich) == before  # a plan writes nothing
    kinds = [a["kind"] for a in planned["actions"]]
    assert kinds == ["create_stack", "create_album", "add_to_album"]
    stack = planned["actions"][0]
    names = by_id(assets)
    assert [names[i] for i in stack["asset_ids"]] == [
        "2020/Trip/IMG_3001.JPG",
        "2020/Trip/IMG_3001.dng",
    ]
    assert stack["reason"].startswith("raw+jpeg pair")
    assert {names[i] for i in planned["actions"][2]["asset_ids"]} == REVIEWED
    assert planned["summary"]["create_stack"] == 1

    applied = await apply(settings)
    assert (applied["applied"], applied["failed"], applied["skipped"]) == (3, 0, 0)
    ((primary, members),) = immich.state.stacks.values()
    assert primary == assets["2020/Trip/IMG_3001.JPG"].id
    assert set(members) == {
        assets["2020/Trip/IMG_3001.JPG"].id,
        assets["2020/Trip/IMG_3001.dng"].id,
    }
    (album,) = immich.state.albums.values()
    assert album.name == "Duplicates to review"
    assert {names[i] for i in album.asset_ids} == REVIEWED

    again = await plan(settings)
    assert again["actions"] == []
    assert again["summary"]["already_done"] == 1 + len(REVIEWED)

    undone = await undo(settings, applied["run_id"])
    assert (undone["reverted"], undone["failed"]) == (3, 0)
    assert immich_state(immich) == before
    after = await plan(settings)  # undone things are not made again
    assert after["actions"] == []
    assert after["summary"]["rejected_before"] >= 1


async def test_undo_with_allow_remake_lets_the_next_apply_make_it_again(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, review_album=False)
    await prepare(settings)
    first = await apply(settings)
    await undo(settings, first["run_id"], allow_remake=True)
    assert immich_v2.state.stacks == {}
    assert [a["kind"] for a in (await plan(settings))["actions"]] == ["create_stack"]


async def test_a_stack_unstacked_in_immich_is_never_made_again(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, review_album=False)
    await prepare(settings)
    await apply(settings)
    (stack_id,) = immich_v2.state.stacks
    immich_v2.state.delete_stack(stack_id)  # a person unstacks it in the web app
    again = await plan(settings)
    assert again["actions"] == []
    assert again["summary"]["rejected_before"] == 1


async def test_an_entry_removed_from_the_review_album_is_not_added_again(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, stacks=[])
    await prepare(settings)
    await apply(settings)
    (album,) = immich_v2.state.albums.values()
    immich_v2.state.remove_from_album(album.id, assets["Exports/chelsea.png"].id)
    again = await plan(settings)
    assert again["actions"] == []
    assert again["summary"]["rejected_before"] == 1


async def test_a_stack_a_person_made_is_never_touched(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich_v2, photos)
    jpg, other = assets["2020/Trip/IMG_3001.JPG"].id, assets["2020/Trip/rocket.jpg"].id
    user_id = immich_v2.state.assets[jpg].owner_id
    theirs = immich_v2.state.create_stack(user_id, [other, jpg])  # the JPEG is a member
    settings = settings_for(immich_v2, key, photos, state_dir, review_album=False)
    await prepare(settings)
    planned = await plan(settings)
    assert planned["actions"] == []
    assert any("already stacked by you" in n for n in planned["notes"])
    assert (await apply(settings))["run_id"] is None
    assert immich_v2.state.stacks == {theirs: (other, [other, jpg])}


async def test_interrupted_apply_is_settled_and_resumed_without_duplicates(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    """The process dies while Immich handles the album call: the next plan records what
    Immich shows was made, marks the run interrupted, and plans nothing twice."""
    key, assets = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    await prepare(settings)
    immich_v2.fault("/albums/", method="PUT", delay_s=1.0)  # handled after the delay
    async with open_runtime(settings) as rt:
        planned = await rt.writeback.plan()
        task = asyncio.create_task(rt.writeback.apply(planned))
        while not immich_v2.record.count("POST", "/albums"):
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)  # the PUT is in flight
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await asyncio.sleep(1.0)  # the server finishes the call the dead process made
    resumed = await plan(settings)
    assert resumed["actions"] == []
    async with open_runtime(settings) as rt:
        runs = await rt.writeback.runs()
    assert runs[0]["status"] == "interrupted"
    assert runs[0]["by_status"] == {"done": 3}
    assert len(immich_v2.state.stacks) == 1
    (album,) = immich_v2.state.albums.values()
    assert len(album.asset_ids) == len(REVIEWED)
    assert (await undo(settings, runs[0]["run_id"]))["reverted"] == 3  # the settled run undoes
    assert immich_v2.state.stacks == {}
    assert immich_v2.state.albums == {}
    del assets


async def test_stale_ids_are_dropped_with_a_note(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    await prepare(settings)
    async with open_runtime(settings) as rt:
        planned = await rt.writeback.plan()
        # between plan and apply, two assets vanish from Immich
        immich_v2.state.hard_delete(
            assets["Exports/chelsea.png"].id, assets["2020/Trip/IMG_3001.dng"].id
        )
        report = (await rt.writeback.apply(planned)).as_json()
    assert (report["applied"], report["failed"], report["skipped"]) == (2, 0, 1)
    assert any("an asset is gone" in m for m in report["messages"])
    assert any(assets["Exports/chelsea.png"].id in m for m in report["messages"])
    (album,) = immich_v2.state.albums.values()
    assert len(album.asset_ids) == len(REVIEWED) - 1


async def test_a_key_without_stack_create_fails_clearly_and_the_rest_goes_on(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, _ = library(immich_v2, photos, permissions=NO_STACK_CREATE)
    settings = settings_for(immich_v2, key, photos, state_dir)
    await prepare(settings)
    report = await apply(settings)
    assert (report["applied"], report["failed"]) == (2, 1)
    (message,) = [m for m in report["messages"] if "stack failed" in m]
    assert "stack.create" in message
    assert immich_v2.state.stacks == {}
    assert len(immich_v2.state.albums) == 1


async def test_a_server_error_fails_one_action_and_the_next_plan_retries_it(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    await prepare(settings)
    immich_v2.fault("/stacks", method="POST", status=500)
    report = await apply(settings)
    assert (report["applied"], report["failed"]) == (2, 1)
    assert immich_v2.state.stacks == {}
    assert [a["kind"] for a in (await plan(settings))["actions"]] == ["create_stack"]


def test_cli_plan_apply_runs_undo(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, cli: Any, tmp_path: Path
) -> None:
    import json

    key, assets = library(immich_v2, photos)
    config = tmp_path / "sidecar.toml"
    config.write_text(
        f'[immich]\nurl = "{immich_v2.url}"\napi_key = "{key}"\n'
        f'[storage]\nstate_dir = "{state_dir}"\n'
        f'[[libraries]]\nimmich_path = "{LIB}"\nlocal_path = "{photos}"\n'
        "[analysis]\nimmich_duplicates = false\n"
    )
    env = {"IMMICH_SIDECAR_CONFIG": str(config)}
    assert cli("scan", env=env).code == 0
    text = cli("plan", env=env)
    assert text.code == 0, text.err
    assert "Plan: 1 stack, 1 new album, 8 assets added to albums" in text.out
    assert "— primary, with IMG_3001.dng (raw+jpeg)" in text.out
    refused = cli("apply", env=env)  # no terminal, no --yes: nothing happens
    assert refused.code == 2
    assert "--yes" in refused.err
    assert immich_v2.state.stacks == {}
    done = cli("apply", "--yes", "--json", env=env)
    assert done.code == 0, done.err
    result = json.loads(done.out)
    assert set(result) >= {"run_id", "applied", "failed", "skipped"}
    runs = json.loads(cli("runs", "--json", env=env).out)["runs"]
    assert runs[0]["run_id"] == result["run_id"]
    reverted = json.loads(cli("undo", str(result["run_id"]), "--json", env=env).out)
    assert set(reverted) >= {"run_id", "reverted", "failed"}
    assert reverted["reverted"] == 3
    missing = cli("undo", "99", env=env)
    assert missing.code == 1
    assert "no write-back run #99" in missing.err
    backup = assets["Backup/2019/Summer/astronaut.jpg"].id
    assert cli("decide", "trash", str(photos / "x.jpg"), env=env).code == 2  # ids only
    decided = cli("decide", "trash", backup, "--note", "a backup", env=env)
    assert decided.code == 0, decided.err
    shown = cli("plan", "--trash-decided", env=env)
    assert "To Immich's trash (1;" in shown.out
    assert f"  {LIB}/Backup/2019/Summer/astronaut.jpg (external library" in shown.out
    assert "WARNING" in shown.out
    assert cli("decide", "keep", backup, env=env).code == 0
    assert "trash" not in cli("plan", "--trash-decided", "--json", env=env).out


@pytest.mark.parametrize("kind", ["variant", "burst"])
async def test_other_pair_kinds_are_opt_in(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, kind: str
) -> None:
    key, _ = library(immich_v2, photos)
    settings = settings_for(
        immich_v2, key, photos, state_dir, review_album=False, stacks=["raw+jpeg", kind]
    )
    await prepare(settings)
    planned = await plan(settings)
    assert sorted(a["category"] for a in planned["actions"]) == sorted(["raw+jpeg", kind])


async def test_duplicate_groups_published_to_immichs_review_page_and_undone(
    immich: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich, photos)
    immich_own = "0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"  # Immich's own group: never disturbed
    for rel in ("2019/Summer/chelsea.jpg", "2020/Trip/rocket.jpg"):
        immich.state.edit(assets[rel].id, duplicate_id=immich_own)
    settings = make_settings(
        state_dir,
        immich={"url": immich.url, "api_key": key},
        libraries=[{"immich_path": LIB, "local_path": str(photos)}],
        writeback={"stacks": [], "review_album": False, "publish_duplicates": True},
    )
    await prepare(settings)
    before = immich_state(immich)
    planned = await plan(settings)
    # exact {astronaut, its backup} + near {astronaut, small} are one group in Immich (one
    # duplicateId per asset), likewise the coffee groups; chelsea is in Immich's own group
    assert [a["kind"] for a in planned["actions"]] == ["publish_duplicates"] * 2
    assert any("already in a duplicate group in Immich" in n for n in planned["notes"])
    applied = await apply(settings)
    assert applied["applied"] == 2
    groups: dict[str, set[str]] = {}
    for a in immich.state.assets.values():
        if a.duplicate_id:
            groups.setdefault(a.duplicate_id, set()).add(by_id(assets)[a.id])
    assert len(groups) == 3  # ours, and Immich's own untouched
    assert groups[immich_own] == {"2019/Summer/chelsea.jpg", "2020/Trip/rocket.jpg"}
    assert {
        "2019/Summer/coffee.jpg",
        "Odd names/café au lait (1).jpg",
        "2019/Summer/Burst/IMG_2042.JPG",
    } in groups.values()
    # the next analysis does not take our published groups for Immich's own detection
    async with open_runtime(settings) as rt:
        summary = await rt.analyze.analyze()
    assert summary.semantic_groups == 1
    assert (await plan(settings))["actions"] == []
    # a person dismisses one of ours in Immich: never published again
    dismissed = next(d for d, members in groups.items() if "2019/Summer/coffee.jpg" in members)
    for a in immich.state.assets.values():
        if a.duplicate_id == dismissed:
            immich.state.edit(a.id, duplicate_id=None)
    again = await plan(settings)
    assert (again["actions"], again["summary"]["rejected_before"]) == ([], 1)
    await undo(settings, applied["run_id"])
    assert immich_state(immich) == before


async def test_tags_spare_external_libraries_unless_allowed_and_undo_removes_them(
    immich: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich, photos)
    sections = {"stacks": [], "review_album": False, "tags": True}
    settings = settings_for(immich, key, photos, state_dir, **sections)
    await prepare(settings)
    spared = await plan(settings)
    assert spared["actions"] == []
    assert any(".xmp file beside each original" in n for n in spared["notes"])

    settings = settings_for(immich, key, photos, state_dir, **sections, tag_external=True)
    before = immich_state(immich)
    planned = await plan(settings)
    tags = [a["tag"] for a in planned["actions"] if a["kind"] == "create_tag"]
    assert tags == [
        "immich-sidecar/burst",
        "immich-sidecar/duplicate/exact",
        "immich-sidecar/duplicate/near",
        "immich-sidecar/raw+jpeg",
        "immich-sidecar/variant",
    ]
    applied = await apply(settings)
    assert (applied["applied"], applied["failed"]) == (10, 0)
    values = {t.value: t for t in immich.state.tags.values()}
    assert set(values) == {*tags, "immich-sidecar", "immich-sidecar/duplicate"}
    raw = values["immich-sidecar/raw+jpeg"]
    assert raw.asset_ids == {
        assets["2020/Trip/IMG_3001.JPG"].id,
        assets["2020/Trip/IMG_3001.dng"].id,
    }
    assert (await plan(settings))["actions"] == []
    # a person removes one tag from one asset: never put back
    raw.asset_ids.discard(assets["2020/Trip/IMG_3001.dng"].id)
    immich.state.revision += 1
    again = await plan(settings)
    assert (again["actions"], again["summary"]["rejected_before"]) == ([], 1)
    undone = await undo(settings, applied["run_id"])
    assert undone["failed"] == 0
    assert immich_state(immich) == before  # the tags it created are gone, parents included


async def test_trash_only_what_a_person_decided_never_forced_and_undo_restores(
    immich: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich, photos)
    settings = settings_for(immich, key, photos, state_dir, stacks=[], review_album=False)
    await prepare(settings)
    backup = assets["Backup/2019/Summer/astronaut.jpg"].id
    original = assets["2019/Summer/astronaut.jpg"].id
    async with open_runtime(settings) as rt:
        await rt.writeback.decide_trash([backup], "a backup copy")
        with pytest.raises(WritebackRefusedError, match="every copy"):  # never the last copy
            await rt.writeback.decide_trash([original], None)
        assert (await rt.writeback.plan()).plan.actions == []  # not without --trash-decided
        planned = await rt.writeback.plan(trash_decided=True)
        assert [a.kind.value for a in planned.plan.actions] == ["trash"]
        assert any("external library" in w for w in planned.plan.warnings)  # the disk warning
        assert not any("external library" in n for n in planned.plan.notes)  # not 'left out'
        report = await rt.writeback.apply(planned)
    assert report.applied == 1
    assert immich.state.assets[backup].is_trashed
    assert not immich.state.assets[original].is_trashed
    deletes = [
        e.request for e in immich.record.exchanges if e.method == "DELETE" and e.path == "/assets"
    ]
    assert deletes == [{"ids": [backup], "force": False}]
    async with open_runtime(settings) as rt:
        again = await rt.writeback.plan(trash_decided=True)
    assert again.plan.actions == []
    assert (await undo(settings, report.run_id or 0))["reverted"] == 1
    assert not immich.state.assets[backup].is_trashed
    async with open_runtime(settings) as rt:  # undone: the decision is taken back
        assert (await rt.writeback.plan(trash_decided=True)).plan.actions == []


async def test_an_asset_restored_in_immich_is_not_trashed_again(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir, stacks=[], review_album=False)
    await prepare(settings)
    backup = assets["Backup/2019/Summer/astronaut.jpg"].id
    async with open_runtime(settings) as rt:
        await rt.writeback.decide_trash([backup], None)
        await rt.writeback.apply(await rt.writeback.plan(trash_decided=True))
    immich_v2.state.restore(backup)  # a person restores it from Immich's trash
    async with open_runtime(settings) as rt:
        planned = await rt.writeback.plan(trash_decided=True)
    assert planned.plan.actions == []
    assert planned.plan.rejected == 1


async def test_a_reimported_move_gets_the_old_assets_albums_tags_favourite_and_description(
    immich: FakeImmich, photos: Path, state_dir: Path
) -> None:
    key, assets = library(immich, photos)
    old = assets["2021/Sky/hubble.jpg"]
    owner = old.owner_id
    trip = immich.state.create_album(owner, "Trip 2021", [old.id])
    tag = immich.state.upsert_tag(owner, "Places/Sky")
    tag.asset_ids.add(old.id)
    immich.state.edit(old.id, is_favorite=True, description="the deep field")
    settings = settings_for(
        immich,
        key,
        photos,
        state_dir,
        stacks=[],
        review_album=False,
        repair_moves=True,
        repair_external=True,
    )
    await prepare(settings)
    assert (await plan(settings))["actions"] == []
    # the user reorganises the folder; Immich re-imports the file as a new asset
    (photos / "Space").mkdir()
    (photos / "2021/Sky/hubble.jpg").rename(photos / "Space/hubble.jpg")
    lib = immich.state.libraries[old.library_id or ""]
    _, new = immich.state.file_renamed(lib, f"{LIB}/2021/Sky/hubble.jpg", f"{LIB}/Space/hubble.jpg")
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([])
    before = immich_state(immich)
    planned = await plan(settings)
    (action,) = planned["actions"]
    assert action["kind"] == "repair_move"
    assert action["asset_ids"] == [old.id, new.id]
    assert action["carry"] == {
        "albums": [trip.id],
        "tags": [tag.id],
        "favorite": True,
        "description": "the deep field",
    }
    applied = await apply(settings)
    assert applied["applied"] == 1
    assert new.id in trip.asset_ids
    assert new.id in tag.asset_ids
    assert (new.is_favorite, new.description) == (True, "the deep field")
    assert (await plan(settings))["actions"] == []
    await undo(settings, applied["run_id"], allow_remake=True)
    assert immich_state(immich) == before
    assert (new.is_favorite, new.description) == (False, "")


def test_sigkill_mid_apply_then_resume(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, tmp_path: Path
) -> None:
    """The real process is killed (SIGKILL) while Immich handles its album call; the next
    apply settles the run from Immich's state and makes nothing twice."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.helpers.process import run_process

    key, _ = library(immich_v2, photos)
    config = tmp_path / "sidecar.toml"
    config.write_text(
        f'[immich]\nurl = "{immich_v2.url}"\napi_key = "{key}"\n'
        f'[storage]\nstate_dir = "{state_dir}"\n'
        f'[[libraries]]\nimmich_path = "{LIB}"\nlocal_path = "{photos}"\n'
        "[analysis]\nimmich_duplicates = false\n"
    )
    assert run_process(["--config", str(config), "scan"]).returncode == 0
    immich_v2.fault("/albums/", method="PUT", delay_s=1.5)
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sidecar", "--config", str(config), "apply", "--yes"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
        e.method == "POST" and e.path == "/albums" for e in immich_v2.record.exchanges
    ):
        time.sleep(0.05)
    time.sleep(0.5)  # the album PUT is in flight
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    time.sleep(1.5)  # Immich finishes the call the dead process made
    again = run_process(["--config", str(config), "apply", "--yes", "--json"])
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["run_id"] is None  # nothing left to do
    runs = json.loads(run_process(["--config", str(config), "runs", "--json"]).stdout)["runs"]
    assert [r["status"] for r in runs] == ["interrupted"]
    assert runs[0]["by_status"] == {"done": 3}
    assert len(immich_v2.state.stacks) == 1
    (album,) = immich_v2.state.albums.values()
    assert len(album.asset_ids) == len(REVIEWED)


async def test_each_owner_is_written_with_its_own_key(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, tmp_path: Path
) -> None:
    import shutil

    key_a, assets_a = library(immich_v2, photos)
    other = tmp_path / "other"
    shutil.copytree(photos / "2020", other / "2020")
    user_b = immich_v2.state.add_user("Bea", is_admin=False)
    key_b = immich_v2.state.add_key(user_b)
    lib_b = immich_v2.state.add_library(user_b, "/mnt/photos/bea")
    assets_b = {
        str(p.relative_to(other)): immich_v2.state.import_file(
            lib_b, f"/mnt/photos/bea/{p.relative_to(other)}"
        )
        for p in sorted(other.rglob("*"))
        if p.suffix.lower() in MEDIA
    }
    settings = make_settings(
        state_dir,
        immich={
            "url": immich_v2.url,
            "api_key": key_a,
            "users": [{"name": "bea", "api_key": key_b}],
        },
        libraries=[
            {"immich_path": LIB, "local_path": str(photos)},
            {"immich_path": "/mnt/photos/bea", "local_path": str(other)},
        ],
        analysis={"immich_duplicates": False},
        writeback={"review_album": False},
    )
    await prepare(settings)
    planned = await plan(settings)
    keys = sorted((a["owner"], a["api_key"]) for a in planned["actions"])
    assert keys == sorted(
        [(assets_a["2020/Trip/IMG_3001.JPG"].owner_id, "default"), (user_b.id, "bea")]
    )
    assert (await apply(settings))["applied"] == 2
    owners = {immich_v2.state.assets[p].owner_id for p, _ in immich_v2.state.stacks.values()}
    assert owners == {user_b.id, assets_a["2020/Trip/IMG_3001.JPG"].owner_id}
    assert assets_b["2020/Trip/IMG_3001.JPG"].stack_id is not None
