"""The keeper a person would choose: copy-like names, camera originals, marks, reasons (the rules
alone; on real files in tests/integration/test_keeper_files.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from sidecar.engine.core.copynames import COPY_NAMES, CopyName, classify, copy_verdicts
from sidecar.engine.core.dedup import choose_keeper
from tests.helpers.keeper import cand


@pytest.mark.parametrize("row", COPY_NAMES, ids=lambda r: r.name)
def test_every_copy_name_matches_its_example_and_loses_to_the_plain_name(row: CopyName) -> None:
    verdict = classify(row.example)
    assert verdict is not None
    assert verdict.row is row
    plain = "IMG_1234" if verdict.base is None else verdict.base.upper()
    members = [cand(f"/p/{row.example}.jpg"), cand(f"/p/{plain}.jpg")]
    key, reasons = choose_keeper(members)
    assert key == f"/p/{plain}.jpg"
    assert reasons == (
        f"named like the original ({plain}.jpg); {row.example}.jpg is "
        f"{row.means}, by the '{row.name}' name pattern",
    )


@pytest.mark.parametrize(
    "stem",
    [
        "IMG_1234",
        "DSC_0001",
        "PXL_20231005_123456789",
        "20230101_120000_001",
        "Holiday 2019",
        "IMG_1234.MP",
    ],
)
def test_plain_names_are_not_copies(stem: str) -> None:
    assert classify(stem) is None


def test_underscore_number_is_a_copy_only_beside_its_plain_twin() -> None:
    with_twin = copy_verdicts(["/a/DSC_0001.jpg", "/a/DSC_0001_1.jpg"])
    assert with_twin["/a/DSC_0001.jpg"] is None
    assert with_twin["/a/DSC_0001_1.jpg"] is not None
    alone = copy_verdicts(["/a/DSC_0001_1.jpg", "/b/other.jpg"])
    assert alone["/a/DSC_0001_1.jpg"] is None
    # the named forms are copies even without a twin
    assert copy_verdicts(["/a/Copy of x.jpg"])["/a/Copy of x.jpg"] is not None


def test_equal_members_keep_the_shorter_then_the_first_path_and_say_so() -> None:
    a, b = cand("/photos/b/x.jpg"), cand("/photos/a/x.jpg")
    key, reasons = choose_keeper([a, b])
    assert key == "/photos/a/x.jpg"
    assert reasons == (
        "equal by every rule to /photos/b/x.jpg; kept /photos/a/x.jpg, the first path",
    )
    short, long_ = cand("/p/x.jpg"), cand("/p/xx.jpg")
    assert choose_keeper([long_, short])[0] == "/p/x.jpg"


def test_camera_original_beats_an_edit_and_a_metadata_rewrite_at_equal_pixels() -> None:
    original = cand("/p/IMG_1.jpg", size=3_000_000)
    edit = cand("/p/IMG_1_b.jpg", size=3_004_000, software="GIMP 2.10.36")
    meta = cand("/p/IMG_1_m.jpg", size=3_010_000, edited_at=datetime(2024, 2, 3, 10, 0))
    stripped = cand("/p/IMG_1_s.jpg", size=3_020_000, captured_at=None, camera="")
    firmware = cand("/p/IMG_1_f.jpg", size=3_030_000, software="Ver.1.0.0")
    key, reasons = choose_keeper([edit, meta, stripped, original])
    assert key == "/p/IMG_1.jpg"
    assert reasons == (  # the runner-up first
        "camera original: EXIF from Canon EOS 80D, no editing software (IMG_1_m.jpg: metadata "
        "rewritten 2024-02-03 10:00)",
        "camera original: EXIF from Canon EOS 80D, no editing software (IMG_1_s.jpg: no "
        "capture data in its EXIF)",
        "camera original: EXIF from Canon EOS 80D, no editing software (IMG_1_b.jpg: "
        "Software 'GIMP 2.10.36')",
    )
    # camera firmware in Software is no editor: the larger file decides between those two
    assert choose_keeper([original, firmware])[0] == "/p/IMG_1_f.jpg"


def test_marks_a_person_made_come_first_and_say_what_they_are() -> None:
    big = cand("/p/IMG_1.jpg")
    small = cand("/p/IMG_1_edit.jpg", width=2000, height=1500, software="GIMP")
    assert choose_keeper([big, cand("/p/IMG_1_edit.jpg", albums=("Holidays 2019",))]) == (
        "/p/IMG_1_edit.jpg",
        ("in album 'Holidays 2019' (IMG_1.jpg in none)",),
    )
    assert choose_keeper([big, cand("/p/e.jpg", favorite=True)])[1] == (
        "a favourite (IMG_1.jpg is not)",
    )
    assert choose_keeper([big, cand("/p/e.jpg", rating=4)])[1] == ("rated 4 stars (IMG_1.jpg: 0)",)
    assert choose_keeper([big, cand("/p/e.jpg", description="Grandma's 90th")])[1] == (
        "has a description ('Grandma's 90th'; IMG_1.jpg has none)",
    )
    tagged = cand("/p/IMG_1_edit.jpg", tags=("Family",), preferred=False)
    assert choose_keeper([big, tagged, cand("/p/x.jpg", preferred=True)]) == (
        "/p/IMG_1_edit.jpg",
        (
            "tagged 'Family' in Immich (x.jpg has no tag)",
            "tagged 'Family' in Immich (IMG_1.jpg has no tag)",
        ),
    )
    # a description comes before a tag, a tag before a preferred folder
    described = cand("/p/d.jpg", description="Grandma's 90th")
    assert choose_keeper([tagged, described])[0] == "/p/d.jpg"
    # without marks the picture decides
    assert choose_keeper([small, big]) == (
        "/p/IMG_1.jpg",
        ("more pixels: 4000x3000 against 2000x1500 (IMG_1_edit.jpg)",),
    )
