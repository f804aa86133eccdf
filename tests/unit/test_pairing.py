"""Pairing rules (pure): one test per name pattern, plus the confirmations that keep it precise."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sidecar.engine.core.naming import PATTERNS, Role, parse_stem
from sidecar.engine.core.pairing import PairingRules, PairKind, Shot, find_pairs

T0 = datetime(2024, 6, 1, 15, 30, 45, 420000)


def shot(
    name: str,
    folder: str = "/p/2024",
    owner: str = "u",
    *,
    at: datetime | None = T0,
    raw: bool | None = None,
    make: str | None = "Canon",
    model: str | None = "EOS R6",
    phash: int | None = None,
) -> Shot:
    is_raw = (
        raw
        if raw is not None
        else name.lower().endswith((".cr2", ".cr3", ".nef", ".dng", ".arw", ".raf"))
    )
    return Shot(f"{folder}/{name}", owner, folder, name, is_raw, at, make, model, phash)


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
def test_every_pattern_matches_its_example(pattern: object) -> None:
    assert pattern.regex.match(pattern.example)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("stem", "base", "role", "tag"),
    [
        ("IMG_1234", "img_1234", Role.ORIGINAL, None),
        ("IMG_1234_edited", "img_1234", Role.EDITED, None),
        ("IMG_1234-edited", "img_1234", Role.EDITED, None),
        ("IMG_1234 (1)", "img_1234", Role.COPY, None),
        ("IMG_1234 copy", "img_1234", Role.COPY, None),
        ("IMG_E1234", "img_1234", Role.EDITED, None),
        ("PXL_20231005_123456789.RAW-01.MP.COVER", "pxl_20231005_123456789", Role.ORIGINAL, None),
        ("PXL_20231005_123456789.RAW-02.ORIGINAL", "pxl_20231005_123456789", Role.ORIGINAL, None),
        ("20230101_120000_001", "20230101_120000_001", Role.BURST_FRAME, "20230101_120000"),
        (
            "IMG_0002_BURST20230101120000_COVER",
            "img_0002_burst20230101120000",
            Role.BURST_FRAME,
            "burst20230101120000",
        ),
        (
            "BURST20230101120000123",
            "burst20230101120000123",
            Role.BURST_FRAME,
            "burst20230101120000123",
        ),
        ("IMG_1234-1", "img_1234-1", Role.ORIGINAL, None),  # too loose to be a copy rule
    ],
)
def test_parse_stem(stem: str, base: str, role: Role, tag: str | None) -> None:
    parsed = parse_stem(stem)
    assert (parsed.base, parsed.role, parsed.burst_tag) == (base, role, tag)


def test_raw_and_jpeg_of_one_shot_pair_with_jpeg_primary() -> None:
    result = find_pairs(
        [shot("IMG_0001.CR3"), shot("IMG_0001.JPG", at=T0 + timedelta(seconds=0.4))]
    )
    assert len(result.pairs) == 1
    pair = result.pairs[0]
    assert pair.kind is PairKind.RAW_JPEG
    assert pair.primary == "/p/2024/IMG_0001.JPG"
    assert pair.reasons[1] == "captured 0.40 s apart, same camera (Canon EOS R6)"
    assert "primary JPEG by format preference (jpeg > heic > png > raw)" in pair.reasons[2]


def test_heic_and_png_preference_and_raw_first_when_configured() -> None:
    shots = [shot("IMG_0002.DNG"), shot("IMG_0002.HEIC")]
    assert find_pairs(shots).pairs[0].primary.endswith(".HEIC")
    rules = PairingRules(format_preference=("raw", "jpeg", "heic", "png"))
    assert find_pairs(shots, rules).pairs[0].primary.endswith(".DNG")


def test_pixel_raw_pair() -> None:
    result = find_pairs(
        [
            shot("PXL_20231005_123456789.RAW-01.MP.COVER.jpg"),
            shot("PXL_20231005_123456789.RAW-02.ORIGINAL.dng"),
        ]
    )
    assert [p.kind for p in result.pairs] == [PairKind.RAW_JPEG]


def test_decoys_are_not_paired() -> None:
    result = find_pairs(
        [
            shot("IMG_0003.CR3", folder="/p/a"),
            shot("IMG_0003.JPG", folder="/p/b"),  # folders
            shot("IMG_0004.CR3", owner="anna"),
            shot("IMG_0004.JPG", owner="bob"),  # owners
            shot("IMG_0005.CR3", at=T0 + timedelta(hours=1)),  # the camera's counter wrapped
            shot("IMG_0005.JPG", at=T0 + timedelta(days=400)),
            shot("IMG_0006.NEF", make="Nikon", model="Z6", at=T0 + timedelta(hours=2)),  # cameras
            shot("IMG_0006.JPG", at=T0 + timedelta(hours=2)),
            shot("IMG_0007.CR3", phash=0, at=T0 + timedelta(hours=3)),  # they do not look alike
            shot("IMG_0007.JPG", phash=(1 << 40) - 1, at=T0 + timedelta(hours=3)),
        ]
    )
    assert result.pairs == []
    reasons = sorted(r for _, r in result.rejected)
    assert len(reasons) == 3
    assert any("captured 34556400.0 s apart" in r for r in reasons)
    assert any("different cameras" in r for r in reasons)
    assert any("do not look alike (perceptual hashes differ in 40 bits)" in r for r in reasons)


def test_missing_capture_time_still_pairs_but_says_so() -> None:
    result = find_pairs([shot("IMG_0008.CR3", at=None), shot("IMG_0008.JPG")])
    assert result.pairs[0].reasons[1].startswith("no capture time on one side")


def test_edited_variants_and_copies() -> None:
    result = find_pairs(
        [
            shot("IMG_0010.JPG"),
            shot("IMG_0010_edited.JPG", at=T0 + timedelta(hours=3)),
            shot("IMG_0011.HEIC", at=T0 + timedelta(hours=1)),
            shot("IMG_E0011.HEIC", at=T0 + timedelta(hours=1)),
            shot("IMG_0012.JPG", at=T0 + timedelta(hours=2)),
            shot("IMG_0012 (1).JPG", at=T0 + timedelta(hours=2)),
        ]
    )
    kinds = {p.members: (p.kind, p.primary.rsplit("/", 1)[1]) for p in result.pairs}
    assert kinds == {
        ("/p/2024/IMG_0010.JPG", "/p/2024/IMG_0010_edited.JPG"): (
            PairKind.VARIANT,
            "IMG_0010_edited.JPG",
        ),
        ("/p/2024/IMG_0011.HEIC", "/p/2024/IMG_E0011.HEIC"): (PairKind.VARIANT, "IMG_E0011.HEIC"),
        ("/p/2024/IMG_0012 (1).JPG", "/p/2024/IMG_0012.JPG"): (PairKind.VARIANT, "IMG_0012.JPG"),
    }


def test_bursts_by_time_by_tag_and_not_by_accident() -> None:
    frames = [shot(f"IMG_{100 + i}.JPG", at=T0 + timedelta(milliseconds=250 * i)) for i in range(5)]
    slow = [shot(f"IMG_{200 + i}.JPG", at=T0 + timedelta(seconds=5 * i + 60)) for i in range(3)]
    two = [shot(f"IMG_{300 + i}.JPG", at=T0 + timedelta(seconds=0.3 * i + 120)) for i in range(2)]
    other_cam = [
        shot(f"DSC_{i}.JPG", at=T0 + timedelta(milliseconds=250 * i), make="Sony", model="A7")
        for i in range(3)
    ]
    tagged = [
        shot(f"IMG_{400 + i}_BURST20240601153045.JPG", at=None, make=None, model=None)
        for i in range(3)
    ]
    result = find_pairs([*frames, *slow, *two, *other_cam, *tagged])
    bursts = sorted((len(p.members), p.reasons[0][:30]) for p in result.pairs)
    assert bursts == [
        (3, "3 frames from Sony A7 within 0"),
        (3, "the names share the burst tag "),
        (5, "5 frames from Canon EOS R6 wit"),
    ]
    assert all(p.kind is PairKind.BURST for p in result.pairs)


def test_raw_jpeg_bursts_count_each_shot_once() -> None:
    shots = []
    for i in range(3):
        at = T0 + timedelta(milliseconds=300 * i)
        shots += [shot(f"IMG_{500 + i}.CR3", at=at), shot(f"IMG_{500 + i}.JPG", at=at)]
    result = find_pairs(shots)
    kinds = sorted(p.kind.value for p in result.pairs)
    assert kinds == ["burst", "raw+jpeg", "raw+jpeg", "raw+jpeg"]
    burst = next(p for p in result.pairs if p.kind is PairKind.BURST)
    assert all(m.endswith(".JPG") for m in burst.members)


def test_versions_with_one_capture_time_are_not_a_burst() -> None:
    """Exports and conversions keep the original's capture time: not frames of a burst."""
    exports = [shot(name) for name in ("a-small.jpg", "a-q60.jpg", "a.png", "a-bright.jpg")]
    assert find_pairs(exports).pairs == []


def test_variant_reasons_read_as_english() -> None:
    shots = [
        Shot("a", "u", "/p", "IMG_1.JPG", False, None, None, None, None),
        Shot("b", "u", "/p", "IMG_1-edited.JPG", False, None, None, None, None),
        Shot("c", "u", "/p", "IMG_2.JPG", False, None, None, None, None),
        Shot("d", "u", "/p", "IMG_2 (1).JPG", False, None, None, None, None),
    ]
    reasons = {p.members: p.reasons[0] for p in find_pairs(shots).pairs}
    assert reasons[("a", "b")] == (
        "'IMG_1-edited.JPG' is an edited version of 'IMG_1.JPG' (its name matches the "
        "edited-suffix pattern)"
    )
    assert reasons[("c", "d")].startswith("'IMG_2 (1).JPG' is a copy of 'IMG_2.JPG'")
