"""Videos in the analysis's pure part: video members, live photos' motion parts, video edges
into near groups with a video's reasons, trims into variant pairs (values in memory)."""

from __future__ import annotations

from sidecar.engine.core.candidates import hidden_assets, library, live_motion_parts
from sidecar.engine.core.dedup import Decisions
from sidecar.engine.core.drift import AssetView
from sidecar.engine.core.grouping import GroupingRules, find_groups
from sidecar.engine.core.keeper import DEFAULT_KEEPER_RULES
from sidecar.engine.core.models import AssetLink, MediaItem, NearEdge, PairDecision
from sidecar.engine.core.pairing import PairingRules, PairKind
from sidecar.engine.core.video import LOCAL_SOURCE, SAMPLES, VideoFacts, VideoPrint
from sidecar.engine.core.video_groups import (
    TRIM_SIDE,
    VIDEO_ONE_FRAME,
    VIDEO_SIDE,
    clock,
)
from sidecar.engine.core.video_match import FRAME_SLACK_BITS, Relation, VideoRules, compare

RULES = GroupingRules(DEFAULT_KEEPER_RULES, near_threshold=6, pairing=PairingRules())


def video(path: str, content: str, ms: int = 31_200, *, width: int = 1920) -> MediaItem:
    return MediaItem(
        path,
        "video",
        5_000_000,
        content,
        1,
        2,
        width,
        width * 9 // 16,
        "2024-05-01T10:00:00",
        "Apple",
        "iPhone 13",
        duration_ms=ms,
        fps=30.0,
        codec="h264",
        bitrate=8_000_000,
        encoder=None,
        print_source="pyav",
    )


def photo(path: str, content: str) -> MediaItem:
    return MediaItem(path, "image", 1_000, content, 1, 2, 400, 300, None, None, None)


def test_a_video_is_a_member_with_its_facts_and_never_a_shot() -> None:
    lib = library([video("/m/a.mov", "c1"), photo("/m/a.jpg", "c2")], [], [], {})
    cand = next(c for c in lib.candidates if c.video)
    assert (cand.duration_ms, cand.codec, cand.fps, cand.bitrate) == (31_200, "h264", 30.0, 8e6)
    assert (cand.width, cand.format, cand.camera) == (1920, "mov", "Apple iPhone 13")
    assert cand.captured_at is not None
    assert [s.key for s in lib.shots] == ["/m/a.jpg"]
    member = lib.members["/m/a.mov"]
    assert (member.duration_ms, member.codec) == (31_200, "h264")
    assert lib.members["/m/a.jpg"].duration_ms is None


def test_live_photo_motion_parts() -> None:
    media = [
        photo("/m/IMG_1.HEIC", "h"),
        video("/m/IMG_1.MOV", "v1", 2_900),  # the motion part
        video("/m/IMG_2.MOV", "v2", 2_900),  # no still beside it
        photo("/m/IMG_3.JPG", "j"),
        video("/m/IMG_3.MP4", "v3", 60_000),  # too long for one
        video("/n/IMG_1.MOV", "v4", 2_900),  # another folder
    ]
    assert live_motion_parts(media) == {"/m/IMG_1.MOV"}
    lib = library(media, [], [], {})
    assert "/m/IMG_1.MOV" not in lib.members
    assert len(lib.members) == 5


def test_immich_hides_motion_parts_also_when_their_file_is_local() -> None:
    hidden = AssetLink("m", "al", None, "/i/x.mov", "c", "present", False, 1, None, None, None)
    hidden = AssetLink(**{**_fields(hidden), "visibility": "hidden"})  # type: ignore[arg-type]
    assert hidden_assets([hidden]) == {"m"}
    views = [AssetView("m", "al", "/m/x.mov", "c", True, False, False)]
    lib = library([video("/m/x.mov", "c1")], views, [], {}, (), hidden_assets([hidden]))
    assert lib.members == {}


def _fields(link: AssetLink) -> dict[str, object]:
    return {name: getattr(link, name) for name in link.__dataclass_fields__}


def test_encodings_group_with_a_videos_reasons() -> None:
    lib = library(
        [video("/m/a.mov", "c1"), video("/m/b.mp4", "c2", 31_000, width=1280)], [], [], {}
    )
    found = find_groups(lib, [NearEdge("c1", "c2", 3, 4, 0, VIDEO_SIDE)], Decisions(), {}, RULES)
    [group] = found.near
    assert group.keeper == "/m/a.mov"
    assert group.reasons[0] == (
        "the same clip in another encoding: 0:31.2 and 0:31.0 long, its frames sampled at"
        f" the same moments alike (half or more within 3 bits, none beyond {6 + FRAME_SLACK_BITS})"
    )
    one = find_groups(lib, [NearEdge("c1", "c2", 2, 2, 0, VIDEO_ONE_FRAME)], Decisions(), {}, RULES)
    assert "one frame: a weaker test" in one.near[0].reasons[0]
    apart = Decisions(frozenset({frozenset(("/m/a.mov", "/m/b.mp4"))}))
    edge = NearEdge("c1", "c2", 3, 4, 0, VIDEO_SIDE)
    assert find_groups(lib, [edge], apart, {}, RULES).near == []


def test_a_video_never_groups_with_a_photo_nor_through_a_photo_edge() -> None:
    lib = library([video("/m/a.mov", "c1"), photo("/m/a.jpg", "c2")], [], [], {})
    for side in ("", VIDEO_SIDE):  # an older store's edges
        assert (
            find_groups(lib, [NearEdge("c1", "c2", 0, 0, 0, side)], Decisions(), {}, RULES).near
            == []
        )
    two = library([video("/m/a.mov", "c1"), video("/m/b.mov", "c2")], [], [], {})
    assert find_groups(two, [NearEdge("c1", "c2", 0, 0)], Decisions(), {}, RULES).near == []


def test_a_trim_is_a_variant_of_the_longer_and_of_a_groups_keeper_only() -> None:
    lib = library(
        [
            video("/m/a.mov", "c1"),
            video("/m/b.mp4", "c2", 31_000, width=1280),
            video("/m/t.mov", "c3", 12_000),
        ],
        [],
        [],
        {},
    )
    edges = [
        NearEdge("c1", "c2", 3, 4, 0, VIDEO_SIDE),
        NearEdge("c1", "c3", 4, 5, 5_100, TRIM_SIDE),
        NearEdge("c2", "c3", 4, 5, 5_000, TRIM_SIDE),
    ]
    found = find_groups(lib, edges, Decisions(), {}, RULES)
    assert [g.members for g in found.near] == [("/m/a.mov", "/m/b.mp4")]
    [pair] = found.pairs
    assert pair.kind is PairKind.VARIANT
    assert pair.members == ("/m/a.mov", "/m/t.mov")
    assert pair.primary == "/m/a.mov"
    assert pair.reasons[0] == "a trimmed copy: 0:12.0 of a.mov's 0:31.2, from 0:05.1"
    assert found.pair_counts()["variant"] == 1
    members = frozenset(pair.members)
    chosen = find_groups(lib, edges, Decisions(), {members: (None, "/m/t.mov")}, RULES)  # type: ignore[dict-item]
    assert chosen.pairs[0].primary == "/m/t.mov"
    rejected = find_groups(lib, edges, Decisions(), {members: (PairDecision.REJECT, None)}, RULES)
    assert rejected.pairs == []


def test_clock() -> None:
    assert [clock(31_200), clock(5_049), clock(3_723_000), clock(None)] == [
        "0:31.2",
        "0:05.0",
        "1:02:03.0",
        "?",
    ]


def test_a_trim_of_an_exact_copy_pairs_with_the_near_groups_keeper() -> None:
    lib = library(
        [
            video("/m/a.mov", "c1"),
            video("/m/backup/a.mov", "c1"),  # an exact copy
            video("/m/big.mov", "c2", 31_000, width=3840),  # the near group's keeper
            video("/m/t.mov", "c3", 12_000),
        ],
        [],
        [],
        {},
    )
    edges = [
        NearEdge("c1", "c2", 3, 4, 0, VIDEO_SIDE),
        NearEdge("c1", "c3", 4, 5, 5_100, TRIM_SIDE),
    ]
    found = find_groups(lib, edges, Decisions(), {}, RULES)
    assert [g.keeper for g in found.near] == ["/m/big.mov"]
    assert [p.members for p in found.pairs] == [("/m/big.mov", "/m/t.mov")]


def test_a_decision_on_a_trim_pair_stands_when_a_better_copy_becomes_the_keeper() -> None:
    a, t = video("/m/a.mov", "c1"), video("/m/t.mov", "c3", 12_000)
    big = video("/m/big.mov", "c2", 31_000, width=3840)
    trim = NearEdge("c1", "c3", 4, 5, 5_100, TRIM_SIDE)
    decided = frozenset(("/m/a.mov", "/m/t.mov"))
    before = library([a, t], [], [], {})
    after = library([a, big, t], [], [], {})
    edges = [trim, NearEdge("c1", "c2", 3, 4, 0, VIDEO_SIDE)]
    assert [g.keeper for g in find_groups(after, edges, Decisions(), {}, RULES).near] == [
        "/m/big.mov"
    ]
    # rejected on (a.mov, t.mov): still rejected once big.mov keeps a.mov's group
    rejected = {decided: (PairDecision.REJECT, None)}
    assert find_groups(before, [trim], Decisions(), rejected, RULES).pairs == []
    assert find_groups(after, edges, Decisions(), rejected, RULES).pairs == []
    # the trim chosen as primary: it stays the primary of the new pair
    chosen = {decided: (PairDecision.PRIMARY, "/m/t.mov")}
    [pair] = find_groups(after, edges, Decisions(), chosen, RULES).pairs
    assert (pair.members, pair.primary) == (("/m/big.mov", "/m/t.mov"), "/m/t.mov")
    assert pair.reasons[0] == "primary chosen in the review"
    # accepted with the longer clip on top: accepted, the new keeper on top
    accepted = {decided: (PairDecision.ACCEPT, "/m/a.mov")}
    [pair] = find_groups(after, edges, Decisions(), accepted, RULES).pairs
    assert pair.primary == "/m/big.mov"
    assert "accepted in the review" in pair.reasons
    # a decision on the new pair itself comes first
    both = {**rejected, frozenset(("/m/big.mov", "/m/t.mov")): (PairDecision.ACCEPT, None)}
    [pair] = find_groups(after, edges, Decisions(), both, RULES).pairs
    assert "accepted in the review" in pair.reasons


def _print(frames: list[int]) -> VideoPrint:
    """Eight picture frames with these pHashes (the dHashes alike)."""
    times = tuple(round(8_000 * f) for f in SAMPLES)
    flat = tuple(p for f in frames for p in (f, 0))
    return VideoPrint(VideoFacts(duration_ms=8_000), LOCAL_SOURCE, flat, times, (False,) * 8)


def test_a_video_groups_reason_says_what_its_frames_hold() -> None:
    """A duplicate's edge holds half of the frames to the threshold; the others may be up to
    FRAME_SLACK_BITS beyond it: the reason claims no more than that."""
    worst = RULES.near_threshold + FRAME_SLACK_BITS
    a = _print([0] * 8)
    b = _print([(1 << worst) - 1, 0, 0, 0, 0, 0, 0, 0])  # one frame `worst` bits away
    match = compare(a, b, VideoRules(phash=RULES.near_threshold, dhash=6))
    assert match is not None
    assert match.relation is Relation.DUPLICATE
    assert match.phash == 0
    lib = library([video("/m/a.mov", "c1"), video("/m/b.mov", "c2")], [], [], {})
    edge = NearEdge("c1", "c2", match.phash, match.dhash, 0, VIDEO_SIDE)
    [group] = find_groups(lib, [edge], Decisions(), {}, RULES).near
    reason = group.reasons[0]
    assert "all 8 sampled frames" not in reason
    assert f"half or more within 0 bits, none beyond {worst})" in reason
