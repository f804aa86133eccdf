"""HEIC fingerprints from real HEIC files written with pillow-heif: the embedded thumbnail when
it is large enough (the source recorded says so), else Immich's thumbnail of the same file,
else the full image; corrupt files skipped."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from sidecar.cli.samples import _data_dir
from sidecar.engine.imaging import (
    HEIF_THUMBNAIL_EDGE,
    Fingerprint,
    FingerprintFailure,
    fingerprint_file,
)
from sidecar.engine.preview import pixel_grid
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.fake_immich import FakeImmich
from tests.fake_immich.serve import import_photos
from tests.helpers import LIB
from tests.helpers.analysis import analyse, mapped_settings

TAKEN = "2024:03:02 11:12:13"


def bits(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


@pytest.fixture(scope="module")
def heics(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One photograph (800x600, EXIF capture time) as HEIC with a 320-pixel thumbnail, with
    none, and with a thumbnail too small for the hashes; and two broken HEICs."""
    folder = tmp_path_factory.mktemp("heic")
    with Image.open(_data_dir() / "chelsea.png") as src:
        img = src.convert("RGB").resize((800, 600), Image.Resampling.BILINEAR)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = TAKEN
    for name, boxes in (("thumb", [320]), ("plain", []), ("tiny", [HEIF_THUMBNAIL_EDGE // 2])):
        img.save(folder / f"{name}.heic", quality=80, thumbnails=boxes, exif=exif.tobytes())
    data = (folder / "thumb.heic").read_bytes()
    (folder / "cut.heic").write_bytes(data[: len(data) // 2])
    (folder / "junk.heic").write_bytes(data[:24] + bytes(4000))
    return folder


def test_a_large_enough_thumbnail_is_hashed_and_close_to_the_full_image(heics: Path) -> None:
    thumb = fingerprint_file(str(heics / "thumb.heic"))
    full = fingerprint_file(str(heics / "plain.heic"))
    assert isinstance(thumb, Fingerprint)
    assert isinstance(full, Fingerprint)
    assert (thumb.source, full.source) == ("heif-thumbnail", "heif-full")
    assert (thumb.width, thumb.height) == (full.width, full.height) == (800, 600)
    assert thumb.taken_at == full.taken_at == TAKEN.replace(":", "-", 2).replace(" ", "T")
    rules = Settings().analysis
    assert bits(thumb.phash, full.phash) <= rules.near_threshold
    assert bits(thumb.dhash, full.dhash) <= rules.near_dhash_threshold
    for mine, theirs in zip(thumb.zoomed[::2], full.zoomed[::2], strict=True):
        assert bits(mine, theirs) <= rules.near_threshold


def test_a_thumbnail_below_the_minimum_is_not_used(heics: Path) -> None:
    tiny = fingerprint_file(str(heics / "tiny.heic"))
    assert isinstance(tiny, Fingerprint)
    assert tiny.source == "heif-full"
    assert (tiny.width, tiny.height) == (800, 600)


def test_corrupt_heics_are_skipped_with_a_reason(heics: Path) -> None:
    assert fingerprint_file(str(heics / "cut.heic")) == FingerprintFailure("truncated image")
    junk = fingerprint_file(str(heics / "junk.heic"))
    assert isinstance(junk, FingerprintFailure)
    assert "not a recognised image" in junk.reason
    assert pixel_grid(str(heics / "cut.heic"), 20, 10) is None


def test_a_pixel_grid_preview_of_a_heic(heics: Path) -> None:
    for name in ("thumb", "plain"):
        grid = pixel_grid(str(heics / f"{name}.heic"), 40, 15)
        assert grid is not None
        assert (len(grid[0]), len(grid)) == (40, 30)


async def test_analysis_records_the_thumbnail_as_the_source(
    heics: Path, tmp_path: Path, settings: Settings
) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("thumb", "tiny", "cut"):
        (photos / f"{name}.heic").write_bytes((heics / f"{name}.heic").read_bytes())
    summary = (await analyse(settings, photos))["summary"]
    assert (summary["fingerprinted"], summary["fingerprint_failures"]) == (3, 1)
    async with open_runtime(settings) as rt:
        rows = await rt.db.fetchall(
            "SELECT f.name, p.source, p.error FROM fingerprints p JOIN files f"
            " ON f.content_hash = p.content_hash ORDER BY f.name"
        )
    assert [tuple(r) for r in rows] == [
        ("cut.heic", "local-file", "truncated image"),
        ("thumb.heic", "heif-thumbnail", None),
        ("tiny.heic", "heif-full", None),
    ]


def heic_library(heics: Path, tmp_path: Path, fake: FakeImmich) -> Settings:
    """The three HEICs in an external library of the test Immich, mounted here; tiny.heic
    changed since Immich read it (so Immich's thumbnail is not of this file)."""
    photos, state = tmp_path / "photos", tmp_path / "state"
    photos.mkdir()
    for name in ("thumb", "plain", "tiny"):
        (photos / f"{name}.heic").write_bytes((heics / f"{name}.heic").read_bytes())
    user = fake.state.add_user()
    key = fake.state.add_key(user)
    import_photos(fake, fake.state.add_library(user, LIB), LIB, photos)
    (photos / "tiny.heic").write_bytes((heics / "tiny.heic").read_bytes() + bytes(10))
    return mapped_settings(fake.url, key, photos, state)


async def sources(settings: Settings, stop: FakeImmich | None = None) -> dict[str, tuple]:
    """Scan, sync and analyse (Immich stopped after the sync when `stop`): per file name
    (source, width, height, taken_at, phash)."""
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([])
        await rt.sync.sync()
        if stop is not None:
            stop.stop()
        await rt.analyze.analyze()
        rows = await rt.db.fetchall(
            "SELECT f.name, p.source, p.width, p.height, p.taken_at, p.phash FROM fingerprints p"
            " JOIN files f ON f.content_hash = p.content_hash ORDER BY f.name"
        )
    return {r[0]: tuple(r[1:]) for r in rows}


async def test_without_a_thumbnail_immichs_thumbnail_of_the_same_file_is_hashed(
    heics: Path, tmp_path: Path, immich_v2: FakeImmich
) -> None:
    found = await sources(heic_library(heics, tmp_path, immich_v2))
    taken = TAKEN.replace(":", "-", 2).replace(" ", "T")
    assert found["plain.heic"][:4] == ("immich-thumbnail", 800, 600, taken)
    assert found["thumb.heic"][:4] == ("heif-thumbnail", 800, 600, taken)
    assert found["tiny.heic"][:4] == ("heif-full", 800, 600, taken)  # changed: decoded here
    near = Settings().analysis.near_threshold
    assert bits(found["plain.heic"][4], found["tiny.heic"][4]) <= near


async def test_with_immich_unreachable_a_heic_without_a_thumbnail_is_decoded_here(
    heics: Path, tmp_path: Path, immich_v2: FakeImmich
) -> None:
    found = await sources(heic_library(heics, tmp_path, immich_v2), stop=immich_v2)
    assert {name: row[0] for name, row in found.items()} == {
        "plain.heic": "heif-full",
        "thumb.heic": "heif-thumbnail",
        "tiny.heic": "heif-full",
    }


async def test_a_heic_uploaded_to_immich_is_hashed_from_the_thumbnail_of_that_upload(
    heics: Path, tmp_path: Path, immich_v2: FakeImmich
) -> None:
    """A local HEIC with no thumbnail, in no library Immich reads, that was also uploaded:
    the upload of the same content (its SHA-1) gives its thumbnail; looked up by checksum."""
    photos = tmp_path / "photos"
    photos.mkdir()
    data = (heics / "plain.heic").read_bytes()
    (photos / "plain.heic").write_bytes(data)
    user = immich_v2.state.add_user()
    key = immich_v2.state.add_key(user)
    upload = immich_v2.state.add_upload(user, data, file_name="IMG_0001.HEIC")
    out = io.BytesIO()
    with Image.open(heics / "plain.heic") as img:
        img.resize((400, 300)).save(out, format="JPEG", quality=85)
    immich_v2.state.thumbnails[upload.id] = out.getvalue()
    settings = mapped_settings(immich_v2.url, key, tmp_path / "elsewhere", tmp_path / "state")
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([photos])
        await rt.sync.sync()
        await rt.analyze.analyze()
        rows = await rt.db.fetchall("SELECT source, width, height FROM fingerprints")
    assert [tuple(r) for r in rows] == [("immich-thumbnail", 800, 600)]
