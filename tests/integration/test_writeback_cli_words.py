"""Write-back in words on the command line: `plan` names assets by their paths in Immich,
grouped by kind (ids stay in `--json` for scripts), `apply` says what was done per kind,
`rejections` names what is held back by path, and no JSON key or dict reaches a person."""

from __future__ import annotations

import itertools
import json
import posixpath
import re
from pathlib import Path
from typing import Any

import pytest

from tests.fake_immich import FakeImmich, state
from tests.helpers import LIB
from tests.helpers.writeback import cli_config, library

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
KEYS = re.compile(r"[{}]|\b(op_id|bytes_hashed|asset_ids|run_id|by_status|create_stack)\b")


def test_plan_apply_and_rejections_name_assets_by_path(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, cli: Any, tmp_path: Path
) -> None:
    key, assets = library(immich_v2, photos)
    env = cli_config(tmp_path, immich_v2.url, key, state_dir, photos)
    assert cli("scan", env=env).code == 0
    assert cli("plan", env=env).code == 0  # sync and analysis: the group's trash is decided in
    backup = assets["Backup/2019/Summer/astronaut.jpg"].id
    assert cli("decide", "trash", backup, env=env).code == 0
    plan = cli("plan", "--trash-decided", env=env)
    assert plan.code == 0, plan.err
    assert not UUID.search(plan.out)
    assert not KEYS.search(plan.out)
    lines = plan.out.splitlines()
    assert lines[0].startswith("Plan: 1 stack, 1 new album, ")
    assert "1 asset to Immich's trash" in lines[0]
    assert lines[1] == "WARNING — Before you apply:"  # the external-library warning first
    assert "belongs to an external library" in lines[2]
    stacks = lines.index("Stacks (1):")
    assert lines[stacks + 1].startswith(f"  {LIB}/")
    assert " — primary, with " in lines[stacks + 1]
    trash = next(n for n, line in enumerate(lines) if line.startswith("To Immich's trash (1;"))
    assert lines[trash + 1] == (
        f"  {LIB}/Backup/2019/Summer/astronaut.jpg "
        "(external library: emptying Immich's trash deletes the file)"
    )
    album = next(line for line in lines if line.startswith("Album '"))
    assert "(new) + " in album
    data = json.loads(cli("plan", "--trash-decided", "--json", env=env).out)
    assert [backup] in [a["asset_ids"] for a in data["actions"]]  # scripts keep the ids

    applied = cli("apply", "--trash-decided", "--yes", env=env)
    assert applied.code == 0, applied.err
    after = applied.out.split("Run #1:", 1)[1]
    assert not UUID.search(after)
    assert not KEYS.search(after)
    assert "1 stack made" in after
    assert "1 asset trashed" in after
    assert "undo with: immich-sidecar undo 1" in after

    assert cli("undo", "1", env=env).code == 0
    held = cli("rejections", env=env)
    assert held.out.startswith("Held back")
    assert f"{LIB}/Backup/2019/Summer/astronaut.jpg to Immich's trash" in held.out
    assert f"stack of {LIB}/" in held.out
    assert " in album '" in held.out
    assert not UUID.search(held.out)
    assert not KEYS.search(held.out)
    listed = json.loads(cli("rejections", "--json", env=env).out)["rejections"]
    assert backup in {r["key"] for r in listed}  # ids in JSON
    runs = cli("runs", env=env)
    assert runs.out.startswith("#1 undone ")
    assert "_" not in runs.out


def test_a_rejected_stack_is_named_as_it_was_made_primary_first(
    immich_v2: FakeImmich,
    photos: Path,
    state_dir: Path,
    cli: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rejection's key is the members' ids sorted; the listing names the stack as the run
    made it (its primary then first), not by whichever id sorts first."""
    countdown = itertools.count(0xFFFFFFFFFFFF, -1)  # later assets get lower ids
    monkeypatch.setattr(state, "new_id", lambda: f"00000000-0000-4000-8000-{next(countdown):012x}")
    key, assets = library(immich_v2, photos)
    env = cli_config(tmp_path, immich_v2.url, key, state_dir, photos)
    assert cli("scan", env=env).code == 0
    data = json.loads(cli("plan", "--json", env=env).out)
    (stack,) = [a["asset_ids"] for a in data["actions"] if a["kind"] == "create_stack"]
    primary, *others = stack
    assert primary != min(stack)  # so naming by the first sorted id would be wrong
    assert cli("apply", "--yes", env=env).code == 0
    assert cli("undo", "1", env=env).code == 0
    path = {a.id: a.original_path for a in assets.values()}
    held = cli("rejections", env=env).out
    line = next(line for line in held.splitlines() if "stack of " in line)
    assert f"stack of {path[primary]} with " in line
    for other in others:
        assert posixpath.basename(path[other]) in line
