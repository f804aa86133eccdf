"""One definition of what a full scan covers, shared by the scan, the daemon's watcher and the
clean-up: Immich's thumbs/ or an ignored folder never stay in the inventory."""

from __future__ import annotations

import shutil
from pathlib import Path

from sidecar.engine.support.scopes import ScanArea, ScanScope
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.helpers.scan import present, records, scan
from tests.helpers.settings import make_settings


def upload_location(photos: Path, tmp_path: Path) -> Path:
    upload = tmp_path / "upload-location"
    shutil.copytree(photos / "2019", upload / "library" / "admin" / "2019")
    shutil.copytree(photos / "2020", upload / "upload" / "u1" / "ab")
    shutil.copytree(photos / "2021", upload / "thumbs" / "u1")  # Immich's own renditions
    return upload


def upload_settings(state_dir: Path, upload: Path, immich_upload: bool = True) -> Settings:
    return make_settings(
        state_dir,
        libraries=[
            {"local_path": str(upload), "immich_upload": immich_upload, "immich_path": "/data"},
        ],
    )


def test_the_area_is_the_scan_scopes_without_ignored_names(
    photos: Path, tmp_path: Path, state_dir: Path
) -> None:
    upload = upload_location(photos, tmp_path)
    area = ScanArea(upload_settings(state_dir, upload))
    root = str(upload)
    assert area.folders() == [upload / "library", upload / "upload"]
    assert area.scope_of(upload / "upload" / "u1" / "ab") == ScanScope(root, "upload/u1/ab")
    assert area.scope_of(upload / "library") == ScanScope(root, "library")
    assert area.scope_of(upload / "thumbs" / "u1") is None
    assert area.scope_of(upload) is None  # the location itself holds no originals
    assert area.scope_of(upload / "upload" / "@eaDir" / "x") is None  # an ignored name
    assert area.scope_of(tmp_path / "elsewhere") is None
    assert area.covers(root, "upload/u1")
    assert not area.covers(root, "thumbs/u1")


async def test_a_full_scan_marks_records_outside_its_area_removed(
    photos: Path, tmp_path: Path, state_dir: Path
) -> None:
    """Thumbnails that entered the inventory (an older config, a watcher that strayed) are
    marked removed by the next full scan; the files on disk are untouched."""
    upload = upload_location(photos, tmp_path)
    await scan(upload_settings(state_dir, upload, immich_upload=False))
    thumbs = [
        p for p in present(await records(upload_settings(state_dir, upload))) if "/thumbs/" in p
    ]
    assert thumbs
    on_disk = sorted(p for p in (upload / "thumbs").rglob("*") if p.is_file())

    report = await scan(upload_settings(state_dir, upload))
    recs = await records(upload_settings(state_dir, upload))
    assert report.counts.removed == len(thumbs)
    assert not [p for p in present(recs) if "/thumbs/" in p]
    assert all(recs[p].state == "removed" for p in thumbs)  # kept, never forgotten
    assert sorted(p for p in (upload / "thumbs").rglob("*") if p.is_file()) == on_disk
    assert any("/upload/u1/" in p for p in present(recs))


async def test_rescans_of_changed_folders_keep_to_the_area(
    photos: Path, tmp_path: Path, state_dir: Path
) -> None:
    upload = upload_location(photos, tmp_path)
    settings = upload_settings(state_dir, upload)
    (upload / "upload" / "@eaDir").mkdir()
    shutil.copy(photos / "2020/Trip/rocket.jpg", upload / "upload" / "@eaDir" / "r.jpg")
    async with open_runtime(settings) as rt:
        assert await rt.scan.scan_changed([upload / "thumbs" / "u1"]) is None
        assert await rt.scan.scan_changed([upload / "upload" / "@eaDir"]) is None
        report = await rt.scan.scan_changed(
            [upload / "upload" / "u1" / "ab", upload / "thumbs" / "u1"]
        )
    assert report is not None
    assert report.scopes == [str(upload / "upload" / "u1" / "ab")]
    paths = present(await records(settings))
    assert paths
    assert all("/upload/u1/ab/" in p for p in paths)
