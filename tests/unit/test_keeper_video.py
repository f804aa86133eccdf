"""The keeper of a group of videos: marks, then resolution, bitrate (a re-encode counts at most
its source's), the camera original from the container's tags, the original name; photos keep
today's keepers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sidecar.engine.core.dedup import Candidate, choose_keeper
from sidecar.engine.core.keeper import DEFAULT_KEEPER_RULES, video_problems
from tests.helpers.keeper import T, cand

IPHONE = {
    "video": True,
    "width": 1920,
    "height": 1080,
    "format": "mov",
    "camera": "Apple iPhone 13",
    "captured_at": T,
    "software": "16.1",
    "encoder": None,
    "codec": "hevc",
    "duration_ms": 8_000,
    "bitrate": 16_100_000,
    "fps": 30.0,
    "exif_fields": 3,
}
LAVF = {"encoder": "Lavf60.3.100", "camera": "", "captured_at": None, "software": None}


def video(path: str, **kw: object) -> Candidate:
    return cand(path, **{**IPHONE, **kw})


def test_lower_resolution_loses_with_the_pixels_in_words() -> None:
    members = [video("/v/clip_480.mp4", width=854, height=480, **LAVF), video("/v/clip.mov")]
    key, reasons = choose_keeper(members)
    assert key == "/v/clip.mov"
    assert reasons == ("more pixels: 1920x1080 against 854x480 (clip_480.mp4)",)


def test_lower_bitrate_at_the_same_resolution_loses_with_the_rates_in_words() -> None:
    low = video("/v/clip_small.mp4", bitrate=2_300_000, **LAVF)
    key, reasons = choose_keeper([low, video("/v/clip.mov")])
    assert key == "/v/clip.mov"
    assert reasons == ("higher bitrate: 16.1 Mb/s against 2.3 Mb/s, both HEVC (clip_small.mp4)",)


def test_a_reencode_at_a_higher_bitrate_does_not_beat_the_camera_original() -> None:
    high = video("/v/clip_hq.mp4", bitrate=40_000_000, **LAVF)
    key, reasons = choose_keeper([high, video("/v/clip.mov")])
    assert key == "/v/clip.mov"
    assert reasons == (
        "the camera original: made by Apple iPhone 13, not re-encoded (clip_hq.mp4 encoded by "
        "Lavf60.3.100; no camera make, model or creation time; its 40.0 Mb/s adds nothing to "
        "the source's)",
    )


def test_an_upscaled_reencode_does_not_beat_the_camera_original() -> None:
    big = video("/v/clip_4k.mp4", width=3840, height=2160, bitrate=50_000_000, **LAVF)
    key, reasons = choose_keeper([big, video("/v/clip.mov")])
    assert key == "/v/clip.mov"
    assert reasons[0].startswith("the camera original: made by Apple iPhone 13, not re-encoded")
    assert reasons[0].endswith("its 3840x2160 and 50.0 Mb/s add nothing to the source's)")


def test_among_reencodes_the_higher_bitrate_wins_but_capped_at_the_source() -> None:
    members = [
        video("/v/a.mp4", bitrate=40_000_000, **LAVF),
        video("/v/b.mp4", bitrate=8_000_000, **LAVF),
        video("/v/clip.mov"),
    ]
    key, reasons = choose_keeper(members)
    assert key == "/v/clip.mov"
    assert "higher bitrate: 16.1 Mb/s against 8.0 Mb/s, both HEVC (b.mp4)" in reasons
    alone = choose_keeper(members[:2])
    assert alone == ("/v/a.mp4", ("higher bitrate: 40.0 Mb/s against 8.0 Mb/s, both HEVC (b.mp4)",))


def test_an_unknown_bitrate_silences_the_rule_and_the_original_decides() -> None:
    # a re-encode known only through Immich (no bitrate) beside a low-bitrate camera original
    remote = video("/v/clip_small.mp4", bitrate=None, **LAVF)
    original = video("/v/clip.mov", bitrate=2_000_000)
    key, reasons = choose_keeper([remote, original])
    assert key == "/v/clip.mov"
    assert reasons[0].startswith("the camera original")


@pytest.mark.parametrize(
    ("tags", "problem"),
    [
        ({"encoder": "Lavf58.76.100"}, "encoded by Lavf58.76.100"),
        ({"encoder": "HandBrake 1.6.1 2023012300"}, "encoded by HandBrake 1.6.1 2023012300"),
        ({"encoder": "x264 core 164"}, "encoded by x264 core 164"),
        ({"software": "Adobe Premiere Pro 2023"}, "software 'Adobe Premiere Pro 2023'"),
        ({"software": "CapCut"}, "software 'CapCut'"),
        ({"software": "InShot"}, "software 'InShot'"),
        ({"encoder": "WhatsApp"}, "encoded by WhatsApp"),
        ({"camera": "", "captured_at": None}, "no camera make, model or creation time"),
    ],
)
def test_transcoder_and_editor_tags_make_a_reencode(tags: dict[str, object], problem: str) -> None:
    assert problem in video_problems(video("/v/x.mp4", **tags))


@pytest.mark.parametrize(
    "tags",
    [
        {},  # Apple QuickTime make, model, iOS version
        {"camera": "samsung SM-G991B", "software": "13", "format": "mp4"},  # Android tags
        {"camera": "GoPro HERO9 Black", "encoder": "GoPro AVC encoder"},  # camera firmware
        {"camera": "", "captured_at": T},  # a creation time alone
    ],
)
def test_camera_tags_make_an_original(tags: dict[str, object]) -> None:
    assert video_problems(video("/v/x.mp4", **tags)) == []


def test_the_original_name_decides_between_equal_encodings() -> None:
    members = [video("/v/clip (1).mov"), video("/v/clip.mov")]
    key, reasons = choose_keeper(members)
    assert key == "/v/clip.mov"
    assert "by the '(n)' name pattern" in reasons[0]


def test_a_persons_mark_comes_before_resolution_and_bitrate() -> None:
    fav = video("/v/clip_480.mp4", width=854, height=480, favorite=True, **LAVF)
    key, reasons = choose_keeper([video("/v/clip.mov"), fav])
    assert key == "/v/clip_480.mp4"
    assert reasons == ("a favourite (clip.mov is not)",)


def test_bitrate_sits_between_pixels_and_the_camera_original_and_photos_ignore_it() -> None:
    rules = list(DEFAULT_KEEPER_RULES)
    assert rules.index("pixels") < rules.index("bitrate") < rules.index("camera-original")
    # photos carry no bitrate: the rule never decides, whatever a photo's other fields
    photos = [cand("/p/IMG_1.jpg", software="GIMP 2.10"), cand("/p/IMG_2.jpg")]
    with_rule = choose_keeper(photos)
    without = choose_keeper(photos, [r for r in DEFAULT_KEEPER_RULES if r != "bitrate"])
    assert (
        with_rule
        == without
        == (
            "/p/IMG_2.jpg",
            (
                "camera original: EXIF from Canon EOS 80D, no editing software "
                "(IMG_1.jpg: Software 'GIMP 2.10')",
            ),
        )
    )


def test_a_photo_is_never_capped_like_a_video() -> None:
    small = cand("/p/a.jpg", width=100, height=100)
    edited = cand("/p/b.jpg", width=4000, height=3000, software="GIMP")
    assert choose_keeper([small, edited])[0] == "/p/b.jpg"


def test_photo_keepers_and_reasons_are_as_without_the_video_rules() -> None:
    """Seeded random photo groups: the default rules (with `bitrate`) give every keeper and
    reason the rules without it give."""
    import random

    rng = random.Random(7)
    softwares = [None, "GIMP 2.10", "Adobe Photoshop", "Ver.1.0"]
    names = ["IMG_1.jpg", "IMG_1 (1).jpg", "Copy of IMG_1.jpg", "IMG_1_edit.png", "x/IMG_1.jpg"]
    without = [r for r in DEFAULT_KEEPER_RULES if r != "bitrate"]
    for _ in range(300):
        group = [
            cand(
                f"/p/{name}",
                width=rng.choice([4000, 2000]),
                height=rng.choice([3000, 1500]),
                size=rng.randrange(1, 5) * 1_000_000,
                format=name.rsplit(".", 1)[1].replace("jpg", "jpeg"),
                software=rng.choice(softwares),
                quality=rng.choice([None, 95, 80, 60]),
                favorite=rng.random() < 0.1,
                captured_at=rng.choice([T, None]),
            )
            for name in rng.sample(names, rng.randrange(2, 5))
        ]
        assert choose_keeper(group) == choose_keeper(group, without)


def test_an_untagged_camera_original_is_the_source_a_reencode_is_capped_at() -> None:
    """A camcorder, action camera or screen recorder writes no make, model or creation time:
    its file is still the source, and a Lavf re-encode at a higher bitrate (ffmpeg keeps the
    creation time) does not win on `bitrate`."""
    original = video("/v/MVI_0001.MOV", camera="", captured_at=None, software=None)
    reencode = video(
        "/v/MVI_0001_hq.mp4", camera="", software=None, encoder="Lavf60.3.100", bitrate=40_000_000
    )
    key, reasons = choose_keeper([reencode, original])
    assert key == "/v/MVI_0001.MOV"
    assert reasons[0].startswith("closer to the camera original")
    assert "MVI_0001_hq.mp4: encoded by Lavf60.3.100" in reasons[0]
    # and an upscale of it does not win on pixels either
    big = video("/v/MVI_0001_4k.mp4", width=3840, height=2160, **LAVF)
    assert choose_keeper([big, original])[0] == "/v/MVI_0001.MOV"


def test_a_tagged_original_caps_an_untagged_copy_without_a_tool_tag() -> None:
    """Where a member carries a camera's tags, a copy without them (tags stripped) is no
    source: its higher bitrate counts at most the original's."""
    stripped = video("/v/clip_copy.mov", camera="", captured_at=None, bitrate=30_000_000)
    key, reasons = choose_keeper([stripped, video("/v/clip.mov")])
    assert key == "/v/clip.mov"
    assert reasons[0].startswith("the camera original: made by Apple iPhone 13")


def test_a_video_known_only_through_immich_never_beats_a_tagged_original() -> None:
    """A remote member (Immich's thumbnail and facts: no bitrate, no encoder, perhaps
    Immich's capture time) is of unknown origin: a messenger's re-encode uploaded to Immich
    must not win over the local camera original on file size."""
    original = video("/v/IMG_0001.MOV", size=10_000_000)
    remote = video(
        "asset-xyz",
        camera="",
        software=None,
        bitrate=None,
        codec=None,
        size=12_000_000,
        format="mp4",
        tags_read=False,
    )
    key, reasons = choose_keeper([original, remote])
    assert key == "/v/IMG_0001.MOV"
    assert reasons == (
        "the camera original: made by Apple iPhone 13, not re-encoded (asset-xyz of unknown "
        "origin: its file's tags not read)",
    )
    # with Immich's make and model too
    assert choose_keeper([original, replace(remote, camera="Apple iPhone 13")])[0] == (
        "/v/IMG_0001.MOV"
    )


def test_a_video_of_unknown_origin_is_not_capped_and_beats_a_known_reencode() -> None:
    """Not known to be a re-encode: its pixels count in full (a 4K asset beside a 1080p
    export is more likely the original than an upscale), and it is closer to a camera's
    than a file a transcoder names itself in."""
    export = video("/v/clip_1080.mov")
    remote = video("asset-4k", width=3840, height=2160, bitrate=None, tags_read=False)
    assert choose_keeper([export, remote])[0] == "asset-4k"
    reencode = video("/v/clip.mp4", **LAVF)
    same = video("asset-1", bitrate=None, tags_read=False)
    key, reasons = choose_keeper([reencode, same])
    assert key == "asset-1"
    assert reasons[0].startswith("closer to the camera original (of unknown origin")


def test_bitrate_is_compared_only_between_members_of_one_codec() -> None:
    """An H.264 export of an HEVC original (tags kept) has the higher bitrate for the same
    picture: across codecs the rule is silent, and the camera original decides."""
    original = video("/v/IMG_0001.MOV")  # HEVC, 16.1 Mb/s
    export = video("/v/IMG_0001_compat.mov", codec="h264", bitrate=24_000_000, **LAVF)
    key, reasons = choose_keeper([original, export])
    assert key == "/v/IMG_0001.MOV"
    assert reasons[0].startswith("the camera original")
    tagged_export = video("/v/IMG_0001_compat.mov", codec="h264", bitrate=24_000_000)
    key, reasons = choose_keeper([tagged_export, original])
    assert "higher bitrate" not in reasons[0]


def test_a_copy_at_fewer_frames_per_second_is_not_kept_over_the_full_rate_clip() -> None:
    """Three re-encodes alike by their tags (none a camera's): the 30 fps one is kept over a
    24 fps copy of a slightly higher bitrate, and the reason says so in numbers a person reads."""
    full = Candidate(
        "a",
        "u",
        "/v/clip.mp4",
        "c1",
        video=True,
        width=640,
        height=360,
        bitrate=106_000,
        codec="h264",
        encoder="Lavf62.3.100",
        fps=30.0,
    )
    fewer = Candidate(
        "b",
        "u",
        "/v/clip 24fps.mp4",
        "c2",
        video=True,
        width=640,
        height=360,
        bitrate=130_000,
        codec="h264",
        encoder="Lavf62.3.100",
        fps=24.0,
    )
    key, reasons = choose_keeper([fewer, full])
    assert key == "a"
    assert reasons == ("more frames per second: 30 against 24 (clip 24fps.mp4)",)
