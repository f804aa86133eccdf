"""Write-back from the command line as a user meets it: warnings are warnings, a plan that
could not be made says why (also in JSON), rejections can be lifted, a killed run is shown as
interrupted."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from sidecar.runtime import open_runtime
from tests.fake_immich import FakeImmich
from tests.helpers import LIB
from tests.helpers.writeback import cli_config, library, settings_for


def test_the_external_library_trash_warning_is_a_warning(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, cli: Any, tmp_path: Path
) -> None:
    key, assets = library(immich_v2, photos)
    env = cli_config(tmp_path, immich_v2.url, key, state_dir, photos)
    assert cli("scan", env=env).code == 0
    assert cli("plan", env=env).code == 0  # sync and analysis: the groups trash is decided in
    backup = assets["Backup/2019/Summer/astronaut.jpg"].id
    decided = cli("decide", "trash", backup, env=env)
    assert decided.code == 0, decided.err
    res = cli("apply", "--trash-decided", "--yes", env=env)
    assert res.code == 0, res.out + res.err
    lines = res.out.splitlines()
    warning = [line for line in lines if "belongs to an external library" in line]
    assert len(warning) == 1
    assert lines.index(warning[0]) == 2  # first, under its heading, before what is written
    assert lines[1] == "WARNING — Before you apply:"
    assert warning[0].startswith("  1 asset to trash belongs to an external")
    assert not any(line.startswith("Left out") for line in lines)
    assert immich_v2.state.assets[backup].is_trashed


def test_apply_json_says_why_nothing_was_applied(
    photos: Path, state_dir: Path, cli: Any, tmp_path: Path
) -> None:
    env = cli_config(tmp_path, "http://127.0.0.1:9", "k", state_dir, photos)
    res = cli("apply", "--yes", "--json", env=env)
    assert res.code == 1
    data = json.loads(res.out)
    assert data["run_id"] is None
    assert len(data["errors"]) == 1
    assert "is unavailable: cannot connect" in data["errors"][0]
    text = cli("apply", "--yes", env=env)
    assert "Nothing applied: the plan could not be made" in text.out


def test_undone_things_can_be_made_again_by_run_or_by_asset(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, cli: Any, tmp_path: Path
) -> None:
    key, _ = library(immich_v2, photos)
    env = cli_config(tmp_path, immich_v2.url, key, state_dir, photos)
    assert cli("scan", env=env).code == 0
    run = json.loads(cli("apply", "--yes", "--json", env=env).out)["run_id"]
    assert json.loads(cli("undo", str(run), "--json", env=env).out)["reverted"] == 3
    rejected = json.loads(cli("rejections", "--json", env=env).out)["rejections"]
    assert len(rejected) >= 3
    assert json.loads(cli("plan", "--json", env=env).out)["actions"] == []  # held back
    again = json.loads(cli("undo", str(run), "--allow-remake", "--json", env=env).out)
    assert (again["reverted"], again["lifted"]) == (0, len(rejected))
    assert "lifted" in again["messages"][0]
    assert cli("rejections", env=env).out.startswith("No rejections")
    run2 = json.loads(cli("apply", "--yes", "--json", env=env).out)["run_id"]
    assert json.loads(cli("undo", str(run2), "--json", env=env).out)["reverted"] == 3
    listed = json.loads(cli("rejections", "--json", env=env).out)["rejections"]
    stack = next(r for r in listed if r["kind"] == "stack")
    asset = stack["key"].split(",")[0]
    lifted = json.loads(cli("rejections", "--lift-asset", asset, "--json", env=env).out)
    assert lifted["lifted"] >= 1
    kinds = [a["kind"] for a in json.loads(cli("plan", "--json", env=env).out)["actions"]]
    assert "create_stack" in kinds
    assert cli("rejections", "--lift-run", "99", env=env).code == 2


async def test_a_killed_run_is_shown_as_interrupted(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, tmp_path: Path
) -> None:
    key, _ = library(immich_v2, photos)
    settings = settings_for(immich_v2, key, photos, state_dir)
    dead = await asyncio.to_thread(lambda: subprocess.Popen(["true"]))
    await asyncio.to_thread(dead.wait)
    action = [("create_album", "u", "default", {})]
    async with open_runtime(settings) as rt:
        killed = await rt.writeback.journal.start_run(action, pid=dead.pid)
        running = await rt.writeback.journal.start_run(action, pid=os.getpid())
        runs = {r["run_id"]: r["status"] for r in await rt.writeback.runs()}
    assert runs == {killed: "interrupted", running: "running"}


def test_refusals_are_one_line_with_the_same_exit_codes(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, cli: Any, tmp_path: Path
) -> None:
    """Write-back's own refusals (not Immich's errors) reach the person as one line."""
    key, assets = library(immich_v2, photos)
    env = cli_config(tmp_path, immich_v2.url, key, state_dir, photos)
    assert cli("scan", env=env).code == 0
    assert cli("plan", env=env).code == 0  # sync and analysis: the duplicate group
    unknown = cli("decide", "trash", "no-such-asset", env=env)
    assert (unknown.code, unknown.err.strip()) == (
        1,
        "immich-sidecar: not assets the mirror knows (run 'immich-sidecar sync'): no-such-asset",
    )
    assert cli("decide", "trash", assets["Backup/2019/Summer/astronaut.jpg"].id, env=env).code == 0
    last = cli("decide", "trash", assets["2019/Summer/astronaut.jpg"].id, env=env)
    assert last.code == 1
    assert last.err.startswith("immich-sidecar: refused: that would put every copy in exact group")
    assert len(last.err.strip().splitlines()) == 1
    no_run = "immich-sidecar: there is no write-back run #99 (see 'immich-sidecar runs')"
    undo = cli("undo", "99", env=env)
    assert (undo.code, undo.err.strip()) == (1, no_run)
    lift = cli("rejections", "--lift-run", "99", env=env)
    assert (lift.code, lift.err.strip()) == (2, no_run)


def test_undo_names_an_api_key_no_longer_configured(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, cli: Any, tmp_path: Path
) -> None:
    key, _ = library(immich_v2, photos)
    config = tmp_path / "sidecar.toml"
    env = {"IMMICH_SIDECAR_CONFIG": str(config)}

    def write(label: str) -> None:
        config.write_text(
            f'[immich]\nurl = "{immich_v2.url}"\nretries = 1\nread_retry_s = 1\n'
            f'[[immich.users]]\nname = "{label}"\napi_key = "{key}"\n'
            f'[storage]\nstate_dir = "{state_dir}"\n'
            f'[[libraries]]\nimmich_path = "{LIB}"\nlocal_path = "{photos}"\n'
            "[analysis]\nimmich_duplicates = false\n",
            encoding="utf-8",
        )

    write("alice")
    assert cli("scan", env=env).code == 0
    applied = cli("apply", "--yes", "--json", env=env)
    assert applied.code == 0, applied.err
    run = json.loads(applied.out)["run_id"]
    write("bob")
    undone = cli("undo", str(run), "--json", env=env)
    assert undone.code == 1
    report = json.loads(undone.out)
    assert report["failed"] > 0
    assert any(
        m.endswith("no API key named 'alice' is configured any more") for m in report["messages"]
    )
