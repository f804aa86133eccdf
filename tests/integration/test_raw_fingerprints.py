"""RAW files are hashed from their embedded preview the way cameras lay them out: turned as the
file says, with the file's own EXIF (not the stand-in libraw gives a preview without EXIF), a
preview too small for the hashes passed over for the half-size demosaic, and a file without
image data (cut off, or stripped) said to be so instead of hashed as a black frame."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from sidecar.cli.dng import write_dng
from sidecar.engine.imaging import Fingerprint, FingerprintFailure, fingerprint_file
from tests.helpers.pictures import picture
from tests.helpers.raw_files import write_dng_with_preview


def fingerprint(path: Path) -> Fingerprint:
    fp = fingerprint_file(str(path))
    assert isinstance(fp, Fingerprint), fp
    return fp


def distance(a: int, b: int) -> int:
    return bin((a ^ b) & (1 << 64) - 1).count("1")


def test_the_preview_with_the_files_own_exif(tmp_path: Path) -> None:
    dng = write_dng_with_preview(picture(640, 480), tmp_path / "IMG_0001.dng")
    fp = fingerprint(dng)
    assert fp.source == "raw-preview"
    assert (fp.width, fp.height) == (640, 480)
    # the file's tags: libraw's stand-in would say model "EOS 80D" and Software "dcraw ..."
    assert (fp.make, fp.model, fp.taken_at) == ("Canon", "Canon EOS 80D", "2019-07-14T10:00:00")
    assert fp.software == "Firmware Version 1.0.2"
    assert fp.quality is None


def test_a_portrait_raw_is_hashed_upright_like_its_jpeg(
    sample_library: Path, tmp_path: Path
) -> None:
    with Image.open(sample_library / "2019/Summer/astronaut.jpg") as img:
        upright = img.convert("RGB").resize((480, 640))
    sensor = upright.transpose(Image.Transpose.ROTATE_90)  # as stored: orientation 6
    dng = write_dng_with_preview(sensor, tmp_path / "IMG_0002.dng", orientation=6)
    upright.save(tmp_path / "IMG_0002.jpg", quality=92)
    raw, jpeg = fingerprint(dng), fingerprint(tmp_path / "IMG_0002.jpg")
    assert (raw.width, raw.height) == (480, 640)
    assert distance(raw.phash, jpeg.phash) <= 4
    assert distance(raw.dhash, jpeg.dhash) <= 6


def test_a_preview_too_small_for_the_hashes_gives_way_to_the_demosaic(tmp_path: Path) -> None:
    dng = write_dng_with_preview(picture(640, 480), tmp_path / "IMG_0003.dng", preview=(96, 72))
    assert fingerprint(dng).source == "raw-half"


def test_a_raw_without_image_data_is_said_to_be_so(tmp_path: Path) -> None:
    dng = write_dng(Image.new("RGB", (64, 48)), tmp_path / "IMG_0004.dng")  # an all-zero mosaic
    fp = fingerprint_file(str(dng))
    assert fp == FingerprintFailure("the RAW file holds no image data (cut off?)")


def test_a_raw_libraw_cannot_read_is_not_hashed_from_its_small_first_directory(
    tmp_path: Path,
) -> None:
    # a TIFF whose only picture is a 64x48 thumbnail, named as a RAW file
    picture(64, 48).save(tmp_path / "IMG_0005.nef", "TIFF")
    fp = fingerprint_file(str(tmp_path / "IMG_0005.nef"))
    assert isinstance(fp, FingerprintFailure)
    assert fp.reason.startswith("cannot decode this RAW file")
