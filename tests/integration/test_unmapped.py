"""Immich paths no `[[libraries]] immich_path` maps are named by `check`, `sync` and `drift`
(Immich 2.x keeps uploads under /data; a config written for /usr/src/app/upload maps none of
them, and every file would otherwise just look "not in Immich")."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.fake_immich import FakeImmich


@pytest.fixture
def uploads(immich_v2: FakeImmich, photos: Path, tmp_path: Path) -> tuple[str, Path]:
    """Immich 2.x uploads under /data/library/admin, on disk in ./upload-location."""
    user = immich_v2.state.add_user()
    key = immich_v2.state.add_key(user)
    library = immich_v2.state.add_library(user, "/data/library/admin")
    local = tmp_path / "upload-location"
    shutil.copytree(photos / "2019", local / "library" / "admin" / "2019")
    shutil.copytree(photos / "2020", local / "library" / "admin" / "2020")
    for path in sorted(p for p in (local / "library").rglob("*") if p.suffix.lower() == ".jpg"):
        immich_v2.state.import_file(library, f"/data/{path.relative_to(local)}")
    return key, local


def config(tmp_path: Path, fake: FakeImmich, key: str, local: Path, immich_path: str) -> str:
    path = tmp_path / "sidecar.toml"
    path.write_text(
        f'[immich]\nurl = "{fake.url}"\napi_key = "{key}"\n'
        f'[storage]\nstate_dir = "{tmp_path / "state"}"\n'
        f'[[libraries]]\nimmich_path = "{immich_path}"\nlocal_path = "{local}"\n'
        "immich_upload = true\n",
        encoding="utf-8",
    )
    return str(path)


def test_check_sync_and_drift_name_the_unmapped_folder(
    immich_v2: FakeImmich, uploads: tuple[str, Path], cli: Any, tmp_path: Path
) -> None:
    key, local = uploads
    wrong = config(tmp_path, immich_v2, key, local, "/usr/src/app/upload")
    count = len(immich_v2.state.assets)
    expected = f"{count} asset(s) under /data/library/admin/… are mapped by no library"
    check = cli("--config", wrong, "check")
    assert check.code == 0, check.out + check.err
    assert expected in check.out
    assert 'Immich 2.x keeps uploads under "/data"' in check.out
    assert cli("--config", wrong, "scan").code == 0
    sync = cli("--config", wrong, "sync")
    assert expected in sync.out
    drift = cli("--config", wrong, "drift")
    assert drift.out.startswith(f"Warning: {expected}")
    data = json.loads(cli("--config", wrong, "drift", "--json").out)
    assert data["unmapped"] == [{"folder": "/data/library/admin", "assets": count}]

    right = config(tmp_path, immich_v2, key, local, "/data")
    for command in ("check", "sync", "drift"):
        res = cli("--config", right, command)
        assert "mapped by no library" not in res.out, command
    drift = json.loads(cli("--config", right, "drift", "--json").out)
    assert drift["unmapped"] == []
    assert all(not p.lower().endswith(".jpg") for p in drift["not_in_immich"])
