"""Reconciliation against real folders of real photographs and a real SQLite inventory."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from sidecar.engine.services.scan import ScanProgress, ScanReport
from sidecar.engine.support.errors import ScanBusyError
from sidecar.engine.support.locks import ExclusiveLock
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.helpers.scan import present, records, scan
from tests.helpers.settings import make_settings

MEDIA_IN_SAMPLES = 21  # 19 photos, a DNG and an .xmp sidecar; clutter is skipped


def sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


async def test_first_scan_records_every_media_file_with_its_content_hash(
    photos: Path, settings: Settings
) -> None:
    report = await scan(settings, photos)
    c = report.counts
    assert (c.scanned, c.added, c.hashed, c.errors) == (MEDIA_IN_SAMPLES,) * 3 + (0,)
    assert (c.changed, c.moved, c.removed, c.unchanged) == (0, 0, 0, 0)
    assert c.skipped == 3  # @eaDir, .DS_Store, notes.txt
    assert c.bytes_hashed == sum(
        p.stat().st_size
        for p in photos.rglob("*")
        if p.is_file() and "@eaDir" not in p.parts and p.name not in (".DS_Store", "notes.txt")
    )
    recs = await records(settings)
    assert len(recs) == MEDIA_IN_SAMPLES
    astronaut = photos / "2019/Summer/astronaut.jpg"
    rec = recs[str(astronaut)]
    assert rec.content_hash == sha1(astronaut)
    assert rec.size == astronaut.stat().st_size
    assert rec.mtime_ns == astronaut.stat().st_mtime_ns
    assert recs[str(photos / "2019/Summer/coffee.xmp")].kind == "sidecar"
    assert not any("@eaDir" in p or "DS_Store" in p for p in recs)
    # the byte-identical backup copy shares the content hash
    assert recs[str(photos / "Backup/2019/Summer/astronaut.jpg")].content_hash == rec.content_hash


async def test_unchanged_rescan_reads_no_file(photos: Path, settings: Settings) -> None:
    await scan(settings, photos)
    # Same size and mtime but different bytes: only a scan that reads content would notice.
    target = photos / "2019/Summer/chelsea.jpg"
    st = target.stat()
    data = bytearray(target.read_bytes())
    data[-3] ^= 0xFF
    target.write_bytes(bytes(data))
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    report = await scan(settings, photos)
    c = report.counts
    assert (c.hashed, c.bytes_hashed, c.added, c.changed, c.removed) == (0, 0, 0, 0, 0)
    assert c.unchanged == MEDIA_IN_SAMPLES


async def test_modified_file_is_rehashed(photos: Path, settings: Settings) -> None:
    await scan(settings, photos)
    before = await records(settings)
    target = photos / "2020/Trip/rocket.jpg"
    with target.open("ab") as fh:
        fh.write(b"\0" * 100)
    report = await scan(settings, photos)
    assert (report.counts.changed, report.counts.hashed, report.counts.added) == (1, 1, 0)
    after = await records(settings)
    assert after[str(target)].id == before[str(target)].id
    assert after[str(target)].content_hash == sha1(target)
    assert after[str(target)].content_hash != before[str(target)].content_hash


async def test_deleted_file_is_marked_removed_not_forgotten(
    photos: Path, settings: Settings
) -> None:
    await scan(settings, photos)
    (photos / "2021/Sky/hubble.jpg").unlink()
    report = await scan(settings, photos)
    assert (report.counts.removed, report.counts.scanned) == (1, MEDIA_IN_SAMPLES - 1)
    rec = (await records(settings))[str(photos / "2021/Sky/hubble.jpg")]
    assert rec.state == "removed"
    again = await scan(settings, photos)
    assert again.counts.removed == 0  # counted once


async def test_moves_keep_the_record_identity_and_history(photos: Path, settings: Settings) -> None:
    await scan(settings, photos)
    before = await records(settings)
    old_a = photos / "2019/Summer/astronaut.jpg"  # has a byte-identical twin in Backup/
    new_a = photos / "Sorted/People/astronaut.jpg"
    new_a.parent.mkdir(parents=True)
    old_a.rename(new_a)
    old_r = photos / "2020/Trip/rocket.jpg"
    new_r = photos / "2020/Trip/rocket launch.jpg"
    old_r.rename(new_r)
    shutil.move(photos / "2021/Sky", photos / "Sky")  # a whole folder
    report = await scan(settings, photos)
    c = report.counts
    assert (c.moved, c.added, c.removed, c.hashed) == (3, 0, 0, 3)
    after = present(await records(settings))
    assert after[str(new_a)].id == before[str(old_a)].id
    assert after[str(new_r)].id == before[str(old_r)].id
    hubble = before[str(photos / "2021/Sky/hubble.jpg")]
    assert after[str(photos / "Sky/hubble.jpg")].id == hubble.id
    twin = str(photos / "Backup/2019/Summer/astronaut.jpg")
    assert after[twin].id == before[twin].id  # the copy is untouched
    assert len(after) == MEDIA_IN_SAMPLES
    async with open_runtime(settings) as rt:
        assert await rt.files.moves_of(after[str(new_a)].id) == [(str(old_a), str(new_a))]


async def test_move_between_two_roots(photos: Path, tmp_path: Path, settings: Settings) -> None:
    other = tmp_path / "other-root"
    other.mkdir()
    await scan(settings, photos, other)
    shutil.move(photos / "2021/Textures/brick.jpg", other / "brick.jpg")
    report = await scan(settings, photos, other)
    assert (report.counts.moved, report.counts.added, report.counts.removed) == (1, 0, 0)


async def test_copy_is_an_addition_not_a_move(photos: Path, settings: Settings) -> None:
    await scan(settings, photos)
    shutil.copy2(photos / "2021/Textures/grass.jpg", photos / "grass-copy.jpg")
    report = await scan(settings, photos)
    assert (report.counts.added, report.counts.moved, report.counts.removed) == (1, 0, 0)


async def test_vanishing_file_is_an_error_and_the_scan_goes_on(
    photos: Path, settings: Settings
) -> None:
    doomed = photos / "2021/Textures/grass.jpg"

    def on_progress(p: ScanProgress) -> None:
        # the folder has been listed; its files are about to be hashed
        if p.event == "listed" and p.path == str(doomed.parent) and doomed.exists():
            doomed.unlink()

    report = await scan(settings, photos, progress=on_progress)
    assert report.counts.errors == 1
    assert report.error_details == [(str(doomed), "vanished during the scan")]
    assert report.counts.added == MEDIA_IN_SAMPLES - 1
    assert str(doomed) not in await records(settings)
    clean = await scan(settings, photos)
    assert (clean.counts.errors, clean.counts.hashed, clean.counts.removed) == (0, 0, 0)


async def test_symlinks_are_not_followed_and_loops_do_not_hang(
    photos: Path, tmp_path: Path, settings: Settings
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy2(photos / "2019/Summer/chelsea.jpg", outside / "secret.jpg")
    (photos / "loop").symlink_to(photos)
    (photos / "2019/Summer/self").symlink_to(".")
    (photos / "escape").symlink_to(outside)
    (photos / "link.jpg").symlink_to(photos / "2019/Summer/chelsea.jpg")
    (photos / "dangling.jpg").symlink_to(photos / "nowhere.jpg")
    report = await asyncio.wait_for(scan(settings, photos), timeout=60)
    assert report.counts.scanned == MEDIA_IN_SAMPLES
    assert report.counts.errors == 0
    assert report.counts.skipped == 3 + 5
    assert not any("secret" in p or "loop" in p for p in await records(settings))


async def test_odd_file_names(photos: Path, settings: Settings) -> None:
    odd = photos / "Odd names"
    names = [
        "  leading and trailing  .jpg",
        "new\nline.jpg",
        "tab\there.jpg",
        "e\u0301cole NFD.jpg",
        "école NFC.jpg",
        "日本語の写真.jpg",
        "emoji 📷.jpg",
        "100% 'quoted' [x] *.jpg",
        "semi;colon.jpg",
    ]
    source = (photos / "2021/Textures/brick.jpg").read_bytes()
    for i, name in enumerate(names):
        (odd / name).write_bytes(source + bytes([i]))
    bad = os.fsencode(odd) + b"/latin1-\xe9t\xe9.jpg"
    with open(bad, "wb") as fh:
        fh.write(source)
    report = await scan(settings, photos)
    assert report.counts.added == MEDIA_IN_SAMPLES + len(names)
    assert report.counts.errors == 1
    path, reason = report.error_details[0]
    assert reason == "file name is not valid UTF-8; rename it"
    assert path.endswith("latin1-\\xe9t\\xe9.jpg")
    recs = await records(settings)
    for name in names:
        assert str(odd / name) in recs, name
    again = await scan(settings, photos)
    assert (again.counts.hashed, again.counts.removed) == (0, 0)


async def test_cancelled_scan_leaves_a_consistent_inventory_and_the_next_finishes(
    photos: Path, settings: Settings
) -> None:
    task: asyncio.Task[ScanReport] | None = None

    def on_progress(p: ScanProgress) -> None:
        # cancel right after the first batch of hashed files was committed
        if p.event == "committed" and task is not None and not task.cancelling():
            task.cancel()

    task = asyncio.create_task(scan(settings, photos, progress=on_progress))
    with pytest.raises(asyncio.CancelledError):
        await task
    committed = await records(settings)
    assert 0 < len(committed) < MEDIA_IN_SAMPLES
    for path, rec in committed.items():
        assert rec.content_hash == sha1(Path(path))  # only whole, correct rows
    async with open_runtime(settings) as rt:
        ops = await rt.status.report()
    assert ops.operations[0].status == "interrupted"
    assert ops.operations[0].counts["added"] == len(committed)  # what the inventory holds

    report = await scan(settings, photos)
    c = report.counts
    assert c.added == MEDIA_IN_SAMPLES - len(committed)
    assert c.hashed == MEDIA_IN_SAMPLES - len(committed)
    assert c.unchanged == len(committed)
    assert (c.removed, c.errors) == (0, 0)
    assert len(await records(settings)) == MEDIA_IN_SAMPLES


async def test_empty_or_missing_root_never_marks_files_removed(
    photos: Path, tmp_path: Path, settings: Settings
) -> None:
    await scan(settings, photos)
    parked = tmp_path / "parked"
    photos.rename(parked)
    missing = await scan(settings, photos)
    assert missing.counts.removed == 0
    assert "folder not found (is the volume mounted?)" in missing.error_details[0][1]
    photos.mkdir()  # an empty mount point
    empty = await scan(settings, photos)
    assert empty.counts.removed == 0
    assert "is the volume mounted?" in empty.error_details[0][1]
    assert len(present(await records(settings))) == MEDIA_IN_SAMPLES
    photos.rmdir()
    parked.rename(photos)
    back = await scan(settings, photos)
    assert (back.counts.unchanged, back.counts.errors, back.counts.removed) == (
        MEDIA_IN_SAMPLES,
        0,
        0,
    )


async def test_scanning_a_subfolder_only_settles_that_subfolder(
    photos: Path, settings: Settings
) -> None:
    await scan(settings, photos)
    (photos / "2021/Sky/hubble.jpg").unlink()
    (photos / "2020/Trip/rocket.jpg").unlink()
    part = await scan(settings, photos / "2021")
    assert part.scopes == [str(photos / "2021")]
    assert (part.counts.removed, part.counts.scanned) == (1, 3)
    recs = await records(settings)
    assert recs[str(photos / "2020/Trip/rocket.jpg")].state == "present"
    async with open_runtime(settings) as rt:
        assert [r.path for r in await rt.files.roots()] == [str(photos)]  # no second root
    full = await scan(settings, photos)
    assert full.counts.removed == 1


async def test_changing_the_hash_algorithm_rehashes(photos: Path, state_dir: Path) -> None:
    await scan(make_settings(state_dir), photos)
    report = await scan(make_settings(state_dir, scan={"hash_algorithm": "sha256"}), photos)
    assert (report.counts.changed, report.counts.hashed) == (MEDIA_IN_SAMPLES,) * 2
    hubble = photos / "2021/Sky/hubble.jpg"
    rec = (await records(make_settings(state_dir)))[str(hubble)]
    assert rec.content_hash == hashlib.sha256(hubble.read_bytes()).hexdigest()


async def test_a_second_scan_at_the_same_time_is_refused(
    photos: Path, settings: Settings, state_dir: Path
) -> None:
    with ExclusiveLock(state_dir / "scan.lock") as held:
        assert held
        with pytest.raises(ScanBusyError, match="another scan is running"):
            await scan(settings, photos)
    assert (await scan(settings, photos)).counts.added == MEDIA_IN_SAMPLES


async def test_immich_upload_location_scans_only_originals(
    photos: Path, tmp_path: Path, state_dir: Path
) -> None:
    upload = tmp_path / "upload-location"
    shutil.copytree(photos / "2019", upload / "library" / "admin" / "2019")
    shutil.copytree(photos / "2020", upload / "upload" / "u1" / "ab")
    shutil.copytree(photos / "2021", upload / "thumbs" / "u1")  # Immich's own renditions
    (upload / "encoded-video").mkdir()
    settings = make_settings(
        state_dir,
        libraries=[
            {"local_path": str(upload), "immich_upload": True, "immich_path": "/usr/src/app/upload"}
        ],
    )
    report = await scan(settings)
    assert report.scopes == [str(upload / "library"), str(upload / "upload")]
    assert not any("/thumbs/" in p for p in await records(settings))
    assert report.counts.added == 8 + 5  # 2019: 7 photos and a sidecar; 2020: 4 photos, a DNG


async def test_a_move_an_interrupted_scan_half_saw_is_a_move_next_time(
    tmp_path: Path, state_dir: Path
) -> None:
    # folders are walked in sorted order: the new path (a_new/) is recorded, then the scan
    # stops before it settles; the old folder (z_old/) keeps another, unchanged file
    settings = make_settings(state_dir, scan={"batch_size": 1, "concurrency": 1})
    lib = tmp_path / "lib"
    for rel, data in (("z_old/x.jpg", b"x"), ("z_old/keep.jpg", b"k"), ("b/y.jpg", b"y")):
        (lib / rel).parent.mkdir(parents=True, exist_ok=True)
        (lib / rel).write_bytes(data)
    await scan(settings, lib)
    before = await records(settings)
    (lib / "a_new").mkdir()
    (lib / "z_old/x.jpg").rename(lib / "a_new/x.jpg")
    task: asyncio.Task[ScanReport] | None = None

    def on_progress(p: ScanProgress) -> None:
        if p.event == "committed" and task is not None and not task.cancelling():
            task.cancel()

    task = asyncio.create_task(scan(settings, lib, progress=on_progress))
    with pytest.raises(asyncio.CancelledError):
        await task
    assert str(lib / "a_new/x.jpg") in await records(settings)  # recorded, not settled
    report = await scan(settings, lib)
    assert (report.counts.moved, report.counts.added, report.counts.removed) == (1, 0, 0)
    after = present(await records(settings))
    assert after[str(lib / "a_new/x.jpg")].id == before[str(lib / "z_old/x.jpg")].id
    assert set(after) == {str(lib / p) for p in ("a_new/x.jpg", "z_old/keep.jpg", "b/y.jpg")}
    again = await scan(settings, lib)
    assert (again.counts.unchanged, again.counts.moved, again.counts.removed) == (3, 0, 0)
