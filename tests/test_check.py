"""`immich-sidecar check` against the test Immich: version, key, permissions; writes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.fake_immich import FakeImmich


def test_check_with_a_full_key(immich_v2: FakeImmich, cli: Any, state_dir: Path) -> None:
    user = immich_v2.state.add_user("Admin")
    key = immich_v2.state.add_key(user, name="sidecar")
    env = {"IMMICH_URL": immich_v2.url, "IMMICH_API_KEY": key,
           "IMMICH_SIDECAR_STATE_DIR": str(state_dir)}  # fmt: skip
    res = cli("check", env=env)
    assert res.code == 0, res.out + res.err
    assert f"Immich {immich_v2.url}: version 2.7.5" in res.out
    assert "key for 'default': sidecar (user Admin)" in res.out
    assert "read-only use: ok" in res.out
    assert "write-back:    ok" in res.out
    assert {e.method for e in immich_v2.record.exchanges} == {"GET"}  # probes only


def test_check_names_missing_permissions(immich: FakeImmich, cli: Any, state_dir: Path) -> None:
    user = immich.state.add_user("Admin")
    key = immich.state.add_key(user, ["asset.read", "asset.view", "stack.read"], name="narrow")
    env = {"IMMICH_URL": immich.url, "IMMICH_API_KEY": key,
           "IMMICH_SIDECAR_STATE_DIR": str(state_dir)}  # fmt: skip
    res = cli("check", "--json", env=env)
    assert res.code == 1
    data = json.loads(res.out)
    assert data["version"] == immich.mode.value
    k = data["keys"][0]
    assert k["missing_read"] == ["album.read", "tag.read", "duplicate.read"]
    assert "stack.create" in k["missing_write"]
    assert "user.read" in k["missing_optional"]
    assert k["user_name"] is None  # /users/me is not called without user.read


def test_check_without_configuration(cli: Any, state_dir: Path) -> None:
    res = cli("check", env={"IMMICH_SIDECAR_STATE_DIR": str(state_dir)})
    assert res.code == 2
    assert res.err == ("immich-sidecar: no Immich server configured: set [immich] url or "
                       "IMMICH_URL\n")  # fmt: skip
