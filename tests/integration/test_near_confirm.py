"""Near duplicates the strict hashes miss or nearly miss, confirmed by the second look (small
thumbnails), on real photographs edited in the test; and look-alikes that must stay apart."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageEnhance

from sidecar.cli.corpus_variants import camera_size, crop_side
from sidecar.cli.samples import _data_dir
from sidecar.engine.imaging import SIDE_VIEWS
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.helpers.analysis import analyse, names


def photo(name: str) -> Image.Image:
    with Image.open(_data_dir() / name) as src:
        return src.convert("RGB")


async def test_an_edit_a_messenger_copy_and_a_side_crop_group_and_a_burst_does_not(
    tmp_path: Path, settings: Settings
) -> None:
    root = tmp_path / "photos"
    root.mkdir()
    original = camera_size(photo("chelsea.png"), 1600)
    original.save(root / "chelsea.jpg", quality=95)
    ImageEnhance.Brightness(original).enhance(0.78).save(root / "darker.jpg", quality=85)
    small = original.resize((320, round(320 * original.height / original.width)))
    small.save(root / "chelsea-320.jpg", quality=75)
    crop_side(original, "top", 0.06).save(root / "chelsea-top.jpg", quality=90)
    # two frames of a burst (the subject moves 6% of the frame), without capture times: only
    # the images can keep them apart; and two views of one scene (a stereo pair)
    coffee = camera_size(photo("coffee.png"), 1600)
    step, width = round(coffee.width * 0.06), round(coffee.width * 0.7)
    for n in range(2):
        frame = coffee.crop((n * step, 0, n * step + width, coffee.height))
        frame.save(root / f"IMG_{900 + n}.JPG", quality=90)
    for side in ("left", "right"):
        photo(f"motorcycle_{side}.png").save(root / f"motorcycle_{side}.jpg", quality=90)

    result = await analyse(settings, root)
    near = [g for g in result["duplicate_groups"] if g["tier"] == "near"]
    assert [names(g) for g in near] == [
        {"chelsea.jpg", "darker.jpg", "chelsea-320.jpg", "chelsea-top.jpg"}
    ]
    # a crop arriving later: its frame is looked up among the stored views of the others
    crop_side(original, "left", 0.08).save(root / "chelsea-left.jpg", quality=90)
    (root / "chelsea-top.jpg").unlink()
    result = await analyse(settings, root)
    assert result["summary"]["fingerprinted"] == 1
    near = [g for g in result["duplicate_groups"] if g["tier"] == "near"]
    assert [names(g) for g in near] == [
        {"chelsea.jpg", "darker.jpg", "chelsea-320.jpg", "chelsea-left.jpg"}
    ]
    (group,) = near
    assert group["keeper"].endswith("/chelsea.jpg")
    assert any(
        r.startswith("some look alike once the larger is cut by about ")
        and " on the left (confirmed by small thumbnails, " in r
        for r in group["reasons"]
    ), group["reasons"]
    assert not result["pairs"]  # no capture times: not a burst either


async def test_fingerprints_made_before_side_views_are_made_again_once(
    photos: Path, settings: Settings
) -> None:
    first = await analyse(settings, photos)
    made = first["summary"]["fingerprinted"]
    async with open_runtime(settings) as rt, rt.db.transaction() as conn:
        await conn.execute("UPDATE fingerprints SET sided = NULL, thumb = NULL")
    assert (await analyse(settings, photos))["summary"]["fingerprinted"] == made
    assert (await analyse(settings, photos))["summary"]["fingerprinted"] == 0
    async with open_runtime(settings) as rt:
        row = await rt.db.fetchone(
            "SELECT count(*), sum(length(sided)), sum(length(thumb)) FROM fingerprints"
            " WHERE error IS NULL"
        )
    assert row is not None
    assert row[1] == row[0] * len(SIDE_VIEWS) * 2 * 8  # (pHash, dHash) a view, 8 bytes each
    assert row[2] == row[0] * 32 * 32
