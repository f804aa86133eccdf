"""Drift between a real folder of photos, its inventory, and the test Immich (the rules alone are
in tests/unit/test_core_drift.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sidecar.engine.services.drift import drift_json
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.fake_immich import FakeImmich
from tests.helpers import LIB
from tests.helpers.settings import make_settings


def media(photos: Path) -> list[Path]:
    return sorted(
        p
        for p in photos.rglob("*")
        if p.is_file() and p.suffix.lower() in (".jpg", ".png", ".dng") and "@eaDir" not in p.parts
    )


async def scan_sync_drift(settings: Settings, photos: Path) -> dict[str, Any]:
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([])
        sync = await rt.sync.sync()
        assert sync.errors == []
        return drift_json(await rt.drift.report())


async def test_drift_end_to_end(immich_v2: FakeImmich, photos: Path, state_dir: Path) -> None:
    fake = immich_v2
    user = fake.state.add_user()
    key = fake.state.add_key(user)
    library = fake.state.add_library(user, LIB)
    files = media(photos)
    not_imported = photos / "Odd names" / "café au lait (1).jpg"
    for path in files:
        if path != not_imported:
            fake.state.import_file(
                library, f"{LIB}/{path.relative_to(photos)}", file_size=path.stat().st_size
            )
    ghost = fake.state.import_file(library, f"{LIB}/2019/Summer/deleted-long-ago.jpg")
    settings = make_settings(
        state_dir,
        immich={"url": fake.url, "api_key": key},
        libraries=[{"immich_path": LIB, "local_path": str(photos)}],
    )
    report = await scan_sync_drift(settings, photos)
    assert report["not_in_immich"] == [str(not_imported)]
    assert report["missing_on_disk"] == [
        {
            "asset_id": ghost.id,
            "path": str(photos / "2019/Summer/deleted-long-ago.jpg"),
            "reason": "no file at its path on disk",
        }
    ]
    shared = {tuple(m["paths"]): m for m in report["multi_path_content"]}
    pair = (
        str(photos / "2019/Summer/astronaut.jpg"),
        str(photos / "Backup/2019/Summer/astronaut.jpg"),
    )
    assert pair in shared
    assert len(shared[pair]["asset_ids"]) == 2
    assert report["reimported_moves"] == []

    # a user reorganises a folder; Immich's library rescan re-imports the file as a new asset
    old = photos / "2021/Sky/hubble.jpg"
    new = photos / "Space/hubble.jpg"
    new.parent.mkdir()
    old.rename(new)
    old_asset, new_asset = fake.state.file_renamed(
        library, f"{LIB}/2021/Sky/hubble.jpg", f"{LIB}/Space/hubble.jpg"
    )
    report = await scan_sync_drift(settings, photos)
    moves = report["reimported_moves"]
    assert len(moves) == 1
    assert moves[0]["old_asset_id"] == old_asset.id
    assert moves[0]["new_asset_id"] == new_asset.id
    assert (moves[0]["old_path"], moves[0]["new_path"]) == (str(old), str(new))
    assert moves[0]["evidence"] == "the disk scan saw this file move"
    assert {"asset_id": old_asset.id, "path": str(old), "reason": "Immich marks it offline"} in (
        report["missing_on_disk"]
    )
    assert report["in_immich_trash"] == []

    # a person trashes an asset in Immich: its file is in Immich's trash, not "not in Immich"
    trashed_path = photos / "2019/Summer/astronaut.jpg"
    trashed = fake.state.by_path(f"{LIB}/2019/Summer/astronaut.jpg")
    fake.state.trash(trashed.id)
    report = await scan_sync_drift(settings, photos)
    assert report["in_immich_trash"] == [{"path": str(trashed_path), "asset_ids": [trashed.id]}]
    assert str(trashed_path) not in report["not_in_immich"]
    assert report["counts"]["in_immich_trash"] == 1


def test_drift_cli_json(cli: Any, state_dir: Path) -> None:
    res = cli("drift", "--json", env={"IMMICH_SIDECAR_STATE_DIR": str(state_dir)})
    assert res.code == 0
    data = json.loads(res.out)
    for key in (
        "not_in_immich",
        "in_immich_trash",
        "missing_on_disk",
        "multi_path_content",
        "reimported_moves",
    ):
        assert data[key] == []
