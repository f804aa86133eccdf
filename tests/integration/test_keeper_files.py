"""The keeper on real files: what fingerprints read from them (editor, metadata time, JPEG
quality), and the keeper analysis picks among real copies, edits and re-encodes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from PIL import ExifTags, Image

from sidecar.engine.core.dedup import Candidate, choose_keeper
from sidecar.engine.core.models import PairDecision
from sidecar.settings import Settings
from tests.helpers.keeper import T, cand


def test_fingerprints_read_the_editor_and_when_the_metadata_was_written(tmp_path: Path) -> None:
    from sidecar.cli.corpus import CAMERA, _exif
    from sidecar.engine.imaging import Fingerprint, fingerprint_file

    tags = _exif(T, CAMERA)
    tags[ExifTags.Base.Software] = "GIMP 2.10.36"
    tags[ExifTags.Base.DateTime] = "2024:02:03 10:00:00"
    path = tmp_path / "x_edit.jpg"
    Image.new("RGB", (64, 48), "teal").save(path, exif=tags)
    fp = fingerprint_file(str(path))
    assert isinstance(fp, Fingerprint)
    assert (fp.software, fp.modified_at, fp.taken_at) == (
        "GIMP 2.10.36",
        "2024-02-03T10:00:00",
        "2022-05-01T09:00:00.00",
    )


async def test_local_files_keep_the_camera_original_over_an_edit_and_a_copy(
    tmp_path: Path, settings: Settings
) -> None:
    from sidecar.cli.corpus import GIMP, _rewrite_metadata, _save
    from sidecar.cli.samples import _data_dir
    from tests.helpers.analysis import analyse

    photos = tmp_path / "photos"
    with Image.open(_data_dir() / "chelsea.png") as src:
        img = src.convert("RGB")
    _save(img, photos / "IMG_0042.jpg", T, quality=90)
    _save(img, photos / "edits/IMG_0042_b.jpg", T, quality=97, software=GIMP)
    _rewrite_metadata(
        photos / "IMG_0042.jpg", photos / "x/IMG_0042.jpg", T, datetime(2024, 2, 3, 10, 0)
    )
    (photos / "Copy of IMG_0042.jpg").write_bytes((photos / "IMG_0042.jpg").read_bytes())
    result = await analyse(settings, photos)
    groups = {g["tier"]: g for g in result["duplicate_groups"]}
    assert groups["exact"]["keeper"] == str(photos / "IMG_0042.jpg")
    assert groups["exact"]["reasons"][1].startswith(
        "named like the original (IMG_0042.jpg); Copy of IMG_0042.jpg is a copy"
    )
    near = groups["near"]
    assert near["keeper"] == str(photos / "IMG_0042.jpg")
    assert near["reasons"][1:] == [
        "camera original: EXIF from Canon EOS 80D, no editing software (IMG_0042.jpg: metadata "
        "rewritten 2024-02-03 10:00)",
        "camera original: EXIF from Canon EOS 80D, no editing software (IMG_0042_b.jpg: "
        "Software 'GIMP 2.10.36')",
    ]


async def test_a_rejected_raw_jpeg_pair_is_not_stacked_and_still_no_duplicate(
    tmp_path: Path, state_dir: Path
) -> None:
    from sidecar.cli.dng import write_dng
    from sidecar.cli.samples import _data_dir
    from sidecar.runtime import open_runtime
    from tests.helpers.analysis import analyse
    from tests.helpers.settings import make_settings

    # a threshold loose enough for the RAW's rendering and its JPEG to look alike (6 bits)
    settings = make_settings(state_dir, analysis={"near_threshold": 8})

    photos = tmp_path / "photos"
    photos.mkdir()
    with Image.open(_data_dir() / "rocket.jpg") as img:
        dng = write_dng(img, photos / "IMG_7001.dng")
        img.save(photos / "IMG_7001.JPG", quality=92)
    first = await analyse(settings, photos)
    (pair,) = [p for p in first["pairs"] if p["kind"] == "raw+jpeg"]
    async with open_runtime(settings) as rt:
        keys = [m["path"] for m in pair["members"]]
        await rt.analysis.decide_pair(keys, PairDecision.REJECT, None)
    again = await analyse(settings, photos)
    assert [p for p in again["pairs"] if p["kind"] == "raw+jpeg"] == []  # not stacked
    for group in again["duplicate_groups"]:  # and not a duplicate of its JPEG either
        assert str(dng) not in {m["path"] for m in group["members"]}


async def test_files_immich_generates_are_never_members(tmp_path: Path, settings: Settings) -> None:
    from sidecar.cli.samples import _data_dir
    from tests.helpers.analysis import analyse

    user = "0f6b1d3e-5a47-4c2e-9b8a-2d4e6f8a0b1c"
    upload = tmp_path / "immich"
    original = upload / f"library/{user}/2022/IMG_0001.jpg"
    original.parent.mkdir(parents=True)
    with Image.open(_data_dir() / "chelsea.png") as src:
        img = src.convert("RGB")
    img.save(original, quality=92)
    for rel in (
        f"thumbs/{user}/ab/cd/asset-preview.jpeg",
        f"profile/{user}/me.jpg",
        f"encoded-video/{user}/ab/cd/asset-thumb.jpg",
    ):
        (upload / rel).parent.mkdir(parents=True, exist_ok=True)
        img.resize((img.width // 2, img.height // 2)).save(upload / rel, quality=80)
    result = await analyse(settings, upload)
    assert result["duplicate_groups"] == []
    assert result["summary"]["media"] == 1


def _jpegs(tmp_path: Path, qualities: dict[str, int]) -> dict[str, Candidate]:
    """Real JPEGs of one photo written by Pillow at the given qualities (same EXIF, same
    size), as candidates carrying the quality their fingerprint estimated."""
    from sidecar.cli.corpus import _save
    from sidecar.cli.samples import _data_dir
    from sidecar.engine.imaging import Fingerprint, fingerprint_file

    with Image.open(_data_dir() / "chelsea.png") as src:
        img = src.convert("RGB")
    out = {}
    for name, quality in qualities.items():
        path = tmp_path / name
        _save(img, path, T, quality=quality)
        fp = fingerprint_file(str(path))
        assert isinstance(fp, Fingerprint)
        out[name] = cand(f"/p/{name}", quality=fp.quality, width=fp.width, height=fp.height)
    return out


def test_jpeg_quality_is_estimated_from_the_header(tmp_path: Path) -> None:
    from sidecar.engine.imaging import Fingerprint, fingerprint_file

    written = {f"q{q}.jpg": q for q in (30, 60, 75, 85, 90, 95, 100)}
    estimated = {n: c.quality for n, c in _jpegs(tmp_path, written).items()}
    assert all(abs((estimated[n] or 0) - q) <= 1 for n, q in written.items()), estimated
    Image.new("RGB", (64, 48), "teal").save(tmp_path / "x.png")
    fp = fingerprint_file(str(tmp_path / "x.png"))
    assert isinstance(fp, Fingerprint)
    assert fp.quality is None


def test_a_reencoded_jpeg_loses_the_camera_original_rule_to_a_higher_quality(
    tmp_path: Path,
) -> None:
    c = _jpegs(tmp_path, {"Copy of IMG_1234.jpg": 95, "IMG_1234.jpg": 60, "IMG_1234_1.jpg": 89})
    # the plain name would win without the quality: the re-encode loses first
    assert choose_keeper([c["IMG_1234.jpg"], c["Copy of IMG_1234.jpg"]]) == (
        "/p/Copy of IMG_1234.jpg",
        ("camera original: quality ~95 (IMG_1234.jpg re-encoded at ~60)",),
    )
    # 6 points lower is no re-encode: the names decide
    assert choose_keeper([c["IMG_1234_1.jpg"], c["Copy of IMG_1234.jpg"]])[1] == (
        "named like the original (IMG_1234_1.jpg); Copy of IMG_1234.jpg is a copy (macOS, "
        "Google Drive), by the 'copy-of' name pattern",
    )
    # a camera that writes quality 60 is not penalised on its own, nor beside a PNG
    png = replace(c["IMG_1234.jpg"], key="/p/IMG_1234.png", path="/p/IMG_1234.png", format="png")
    alone = choose_keeper([c["IMG_1234.jpg"], png])
    assert alone[1] == ("in a camera's format (JPEG; IMG_1234.png is PNG)",)
    # nor beside a JPEG of another size (the rule compares equal pixels only)
    small = cand("/p/b/IMG_1234.jpg", quality=95, width=100, height=75)
    rules = ("camera-original", "shorter-path")
    assert choose_keeper([c["IMG_1234.jpg"], small], rules)[0] == "/p/IMG_1234.jpg"
    # an editor's export at a higher quality does not make the camera's file a re-encode
    edit = replace(c["Copy of IMG_1234.jpg"], software="GIMP 2.10.36")
    assert choose_keeper([edit, c["IMG_1234.jpg"]])[1] == (
        "camera original: EXIF from Canon EOS 80D, no editing software "
        "(Copy of IMG_1234.jpg: Software 'GIMP 2.10.36')",
    )


async def test_local_reencode_loses_and_older_fingerprints_are_not_made_again(
    tmp_path: Path, settings: Settings
) -> None:
    from sidecar.cli.corpus import _save
    from sidecar.cli.samples import _data_dir
    from sidecar.runtime import open_runtime
    from tests.helpers.analysis import analyse

    photos = tmp_path / "photos"
    with Image.open(_data_dir() / "chelsea.png") as src:
        img = src.convert("RGB")
    _save(img, photos / "Backup/IMG_0042.jpg", T, quality=95)
    _save(img, photos / "IMG_0042.jpg", T, quality=70)  # re-encoded, EXIF kept
    first = await analyse(settings, photos)
    (group,) = first["duplicate_groups"]
    assert group["keeper"] == str(photos / "Backup/IMG_0042.jpg")
    assert group["reasons"][1] == "camera original: quality ~95 (IMG_0042.jpg re-encoded at ~70)"
    async with open_runtime(settings) as rt:
        await rt.db.conn.execute("UPDATE fingerprints SET jpeg_quality = NULL")
        await rt.db.conn.commit()
        assert await rt.analysis.unfingerprinted() == []  # unknown quality: not made again
    again = await analyse(settings, photos)
    assert again["summary"]["fingerprinted"] == 0
    (group,) = again["duplicate_groups"]  # quality unknown: the larger file decides
    assert group["keeper"] == str(photos / "Backup/IMG_0042.jpg")
    assert group["reasons"][1].startswith("larger file at the same dimensions: ")
