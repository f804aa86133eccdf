"""With Immich configured, an analysis after a few changes still regroups only what they reach,
and stores exactly what a full regroup of the same inventory stores: rounds of random edits on
disk (files added, copied, made near copies of, removed, changed, moved), in the test Immich
(assets of a library not mounted here, videos, uploads with a local file's content, a mounted
file imported, trashed or gone offline) and decisions, each analysed in part and compared with
a full regroup of a copy of the inventory. The remote members (assets with no local file to
decode) are fingerprinted from Immich's thumbnails. Real files, real SQLite, the test Immich."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from sidecar.engine.services.analyze.service import AnalysisReport
from sidecar.runtime import Runtime, open_runtime
from sidecar.settings import Settings
from tests.fake_immich import FakeImmich
from tests.fake_immich.state import FakeLibrary, FakeUser
from tests.helpers import LIB
from tests.helpers.regroup import (
    TAG,
    build,
    copy_without_basis,
    edit_decisions,
    edit_files,
    figures,
    picture,
    results,
)
from tests.helpers.settings import make_settings

ANALYSIS = {"burst_gap_s": 2.0, "preferred_folders": []}
ARCHIVE = "/mnt/archive"  # a library of the test Immich not mounted here
EDITS = (
    *("archive", "burst", "tagged", "pair", "video", "upload"),  # assets not mounted here
    *("import", "trash", "gone"),  # of files mounted here too
    *("favourite", "album"),  # a person's marks (the keeper rules read them)
)


def jpeg(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()


def thumbnail_of(path: Path) -> bytes:
    with Image.open(path) as img:
        img.thumbnail((250, 250))
        return jpeg(img)


@dataclass
class Immich:
    """The test Immich's side of the library, edited at random."""

    fake: FakeImmich
    user: FakeUser
    key: str
    photos: Path
    rng: random.Random
    mounted: FakeLibrary = field(init=False)
    archive: FakeLibrary = field(init=False)
    imported: dict[Path, str] = field(default_factory=dict)  # local file -> its asset
    made: list[str] = field(default_factory=list)  # every asset made here
    album: str | None = None

    def __post_init__(self) -> None:
        self.mounted = self.fake.state.add_library(self.user, LIB)
        self.archive = self.fake.state.add_library(self.user, ARCHIVE, name="Archive")

    def settings(self, state: Path) -> Settings:
        return make_settings(
            state,
            immich={"url": self.fake.url, "api_key": self.key},
            libraries=[{"immich_path": LIB, "local_path": str(self.photos)}],
            analysis=ANALYSIS,
        )

    def jpegs(self) -> list[Path]:
        return sorted(p for p in self.photos.rglob("*.jpg") if "still" not in p.parts)

    def thumb(self, asset_id: str, data: bytes) -> str:
        """Immich made the asset's thumbnail (every asset here has one: none is pending)."""
        self.fake.state.thumbnails[asset_id] = data
        self.made.append(asset_id)
        return asset_id

    def import_local(self, path: Path) -> None:
        rel = path.relative_to(self.photos).as_posix()
        asset = self.fake.state.import_file(
            self.mounted, f"{LIB}/{rel}", file_size=path.stat().st_size
        )
        self.imported[path] = self.thumb(asset.id, thumbnail_of(path))

    def remote(self, path: str, taken: int | None = None, looks: bytes | None = None) -> None:
        """An asset of the library not mounted here, taken at that second (of 12:00)."""
        when = datetime(2023, 1, 1, 12, 0, taken, tzinfo=UTC) if taken is not None else None
        n = len(self.made)
        asset = self.fake.state.import_file(
            self.archive, path, taken=when, width=96, height=64, file_size=1000 + n
        )
        self.thumb(asset.id, looks or self.looks())

    def looks(self) -> bytes:
        """A thumbnail: of a local picture (an exact or near look-alike) or a new one."""
        jpegs = self.jpegs()
        if jpegs and self.rng.random() < 0.7:
            return thumbnail_of(self.rng.choice(jpegs))
        return jpeg(picture(self.rng))

    def edit(self) -> str:
        """One random change in Immich; says which."""
        state, rng = self.fake.state, self.rng
        n = rng.randrange(10**6)
        folder = f"{ARCHIVE}/{rng.choice('xy')}"
        choice = rng.choice(EDITS)
        jpegs = self.jpegs()
        if choice == "archive":
            self.remote(f"{folder}/R{n}.jpg")
        elif choice == "burst":  # frames a second apart (with those already there, a burst)
            for i in range(rng.randrange(1, 4)):
                self.remote(f"{folder}/F{n}_{i}.jpg", taken=rng.randrange(50, 56))
        elif choice == "tagged":  # a tagged burst spans folders, here and on disk
            self.remote(f"{folder}/IMG_{n}_{TAG}.jpg")
        elif choice == "pair":  # one shot in two formats
            second, looks = rng.randrange(50, 56), self.looks()
            for suffix in ("jpg", "heic"):
                self.remote(f"{folder}/P{n}.{suffix}", taken=second, looks=looks)
        elif choice == "video":
            asset = state.import_file(self.archive, f"{folder}/V{n}.mp4", type="VIDEO")
            self.thumb(asset.id, self.looks())
        elif choice == "upload" and jpegs:
            source = rng.choice(jpegs)  # the same content as a local file: one content key
            upload = state.add_upload(self.user, source.read_bytes(), file_name=f"U{n}.jpg")
            self.thumb(upload.id, thumbnail_of(source))
        elif choice == "import":
            new = [p for p in jpegs if p not in self.imported]
            if new:
                self.import_local(rng.choice(new))
        elif choice == "favourite" and self.made:
            asset = state.assets[rng.choice(self.made)]
            state.edit(asset.id, is_favorite=not asset.is_favorite)
        elif choice == "album" and self.made:
            if self.album is None:
                self.album = state.create_album(self.user.id, "Best").id
            state.add_to_album(self.album, rng.choice(self.made))
        elif choice == "trash" and self.made:
            state.trash(rng.choice(self.made))
        elif choice == "gone":
            missing = [p for p in self.imported if not p.exists()]
            if missing:
                path = rng.choice(missing)
                state.file_gone(f"{LIB}/{path.relative_to(self.photos).as_posix()}")
        return choice


def remote_members(rows: list[str]) -> int:
    """Stored groups or pairs holding an asset with no local file here (by its path)."""
    return sum(1 for row in rows if ARCHIVE in row or "/data/upload/" in row)


async def full_regroup(
    immich: Immich, db: Path, tmp: Path, n: int
) -> tuple[dict[str, Any], AnalysisReport]:
    state = tmp / f"full-{n}"
    copy_without_basis(db, state / db.name)
    async with open_runtime(immich.settings(state)) as rt:
        report = await rt.analyze.analyze()
    assert report.regrouped_all
    return results(state / db.name), report


async def refresh(rt: Runtime, photos: Path) -> AnalysisReport:
    await rt.scan.scan_paths([photos])
    await rt.sync.sync()
    return await rt.analyze.analyze()


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_with_immich_a_partial_regroup_stores_what_a_full_one_does(
    immich_v2: FakeImmich, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    photos, state = tmp_path / "photos", tmp_path / "state"
    build(photos, rng)
    user = immich_v2.state.add_user()
    immich = Immich(immich_v2, user, immich_v2.state.add_key(user), photos, rng)
    for path in immich.jpegs()[::2]:
        immich.import_local(path)
    for i in range(3):  # a burst of frames not mounted here, and a tagged one
        immich.remote(f"{ARCHIVE}/x/F_{i}.jpg", taken=50 + i)
    immich.remote(f"{ARCHIVE}/y/IMG_9_{TAG}.jpg")
    for _ in range(4):
        immich.edit()
    settings = immich.settings(state)
    db = settings.storage.db_path
    seen = paired = 0
    async with open_runtime(settings) as rt:
        first = await refresh(rt, photos)
        assert first.regrouped_all
        assert first.remote_pending == 0
        for n in range(4):
            done = [edit_files(photos, rng) for _ in range(rng.randrange(1, 3))]
            done += [immich.edit() for _ in range(rng.randrange(1, 3))]
            done.append(await edit_decisions(rt, rng))
            report = await refresh(rt, photos)
            assert (report.remote_pending, report.remote_error) == (0, None), done
            assert not report.regrouped_all, done
            assert report.as_json()["regrouped"] == {"scope": report.regrouped, "full": False}
            assert report.regrouped < report.media
            now = results(db)
            full, whole = await full_regroup(immich, db, tmp_path, n)
            assert figures(report) == figures(whole), (done, n)
            assert now["groups"] == full["groups"], (done, n)
            assert now["pairs"] == full["pairs"], (done, n)
            seen += remote_members(now["groups"])
            paired += remote_members(now["pairs"])
            counts = await rt.analyze.analyze()  # nothing changed since: the same figures
            assert counts.unchanged_since == report.op_id
    assert seen  # remote members were grouped
    assert paired  # and paired
