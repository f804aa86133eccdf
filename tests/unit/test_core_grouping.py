"""Analysis's pure part: media files, asset views and Immich-only assets into candidates,
then pairs and duplicate groups with their reasons (values in memory; no files, no SQLite)."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from datetime import datetime

from sidecar.engine.core.candidates import (
    LOCAL_OWNER,
    Library,
    RemoteItem,
    capture_time,
    library,
    media_format,
    normal_path,
    to_unsigned64,
)
from sidecar.engine.core.dedup import Decisions, Tier
from sidecar.engine.core.drift import AssetView
from sidecar.engine.core.grouping import (
    Findings,
    GroupingRules,
    PairDecisions,
    decisions_from,
    explain_crops,
    find_groups,
    semantic_row,
)
from sidecar.engine.core.keeper import DEFAULT_KEEPER_RULES
from sidecar.engine.core.models import (
    AssetLink,
    GroupDecision,
    Marks,
    MediaItem,
    Member,
    NearEdge,
    PairDecision,
)
from sidecar.engine.core.pairing import PairingRules, PairKind
from sidecar.engine.core.video import IMMICH_SOURCE, VideoFacts, VideoPrint

RULES = GroupingRules(DEFAULT_KEEPER_RULES, near_threshold=6, pairing=PairingRules())
WHEN = "2024-05-01T10:00:00"
NO_DECISIONS = Decisions()


def item(path: str, content: str, *, kind: str = "image", phash: int | None = 1) -> MediaItem:
    return MediaItem(
        path, kind, 1_000, content, phash, 2, 4000, 3000, WHEN, "Canon", "Canon EOS 80D"
    )


def view(asset_id: str, path: str, *, trashed: bool = False) -> AssetView:
    return AssetView(asset_id, "alice", path, "c2hh", True, trashed, False)


def link(asset_id: str, path: str, **changes: object) -> AssetLink:
    values: dict[str, object] = {
        "id": asset_id,
        "owner_id": "alice",
        "library_id": None,
        "original_path": path,
        "checksum": "c2hh",
        "state": "present",
        "is_offline": False,
        "file_size": 5_000,
        "date_time_original": "2024-05-01T10:00:00+00:00",
        "make": None,
        "model": None,
    }
    values.update(changes)
    return AssetLink(**values)  # type: ignore[arg-type]


def grouped(
    lib: Library,
    edges: Sequence[NearEdge] = (),
    decisions: Decisions = NO_DECISIONS,
    pair_decisions: PairDecisions | None = None,
) -> Findings:
    return find_groups(lib, edges, decisions, pair_decisions or {}, RULES)


def test_a_file_the_mirror_knows_is_its_asset_and_an_unknown_one_is_local() -> None:
    lib = library(
        [item("/p/a.jpg", "h1"), item("/p/b.jpg", "h2"), item("/p/c.jpg", "h3")],
        [view("A", "/p/a.jpg"), view("C", "/p/c.jpg", trashed=True)],
        [],
        {},
    )
    assert [(c.key, c.owner) for c in lib.candidates] == [
        ("A", "alice"),
        ("/p/b.jpg", LOCAL_OWNER),
        ("/p/c.jpg", LOCAL_OWNER),  # a trashed asset no longer stands for its file
    ]
    assert lib.members["A"] == Member("A", "/p/a.jpg", "A", 1_000, 4000, 3000, WHEN)
    assert lib.members["/p/b.jpg"].asset_id is None


def test_files_immich_generated_are_never_candidates() -> None:
    thumb = "/upload/thumbs/0a1b2c3d-0000-4000-8000-0123456789ab/ab/cd/x-preview.jpeg"
    video = "/upload/encoded-video/0a1b2c3d-0000-4000-8000-0123456789ab/ab/cd/x.mp4"
    lib = library([item(thumb, "h1"), item(video, "h2"), item("/p/a.jpg", "h3")], [], [], {})
    assert [c.key for c in lib.candidates] == ["/p/a.jpg"]
    assert list(lib.members) == ["/p/a.jpg"]


def test_remote_assets_join_without_hidden_motion_parts_and_videos_are_not_paired() -> None:
    photo = RemoteItem(link("P", "/immich/p.jpg", type="IMAGE"), "/p/p.jpg", "k1", -1)
    clip = RemoteItem(link("V", "/immich/v.mp4", type="VIDEO"), "/immich/v.mp4", "k2", 3)
    motion = RemoteItem(link("M", "/immich/m.mov", visibility="hidden"), "/immich/m.mov", "k3")
    lib = library([], [], [photo, clip, motion], {"P": Marks(favorite=True)})
    assert [c.key for c in lib.candidates] == ["P", "V"]
    assert [s.key for s in lib.shots] == ["P"]  # a video has no RAW or JPEG to pair with
    first = lib.candidates[0]
    assert (first.path, first.content_hash, first.favorite) == ("/p/p.jpg", "k1", True)
    assert first.phash == (1 << 64) - 1  # stored signed, compared unsigned
    assert first.captured_at == datetime(2024, 5, 1, 10, 0)  # UTC, made naive
    assert lib.members["V"] == Member("V", "/immich/v.mp4", "V", 5_000, None, None, WHEN + "+00:00")


def test_a_remote_video_is_a_video_candidate_with_its_print_and_duration() -> None:
    facts = VideoFacts(duration_ms=6_000, width=320, height=240, make="Apple")
    made = VideoPrint(facts, IMMICH_SOURCE, (-2, 5), (3_000,), (False,), b"\x00" * 1024)
    clip = RemoteItem(
        link("V", "/immich/v.mov", type="VIDEO", width=320, height=240, duration_ms=6_000),
        "/immich/v.mov",
        "k2",
        None,
        made,
    )
    unprinted = RemoteItem(link("W", "/immich/w.mp4", type="VIDEO"), "/immich/w.mp4", "k3")
    lib = library([], [], [clip, unprinted], {})
    first, second = lib.candidates
    assert (first.video, first.duration_ms, first.codec, first.width) == (True, 6_000, None, 320)
    assert first.phash == (1 << 64) - 2  # the thumbnail's frame
    assert (second.video, second.duration_ms, second.phash) == (True, None, None)
    assert lib.shots == []
    assert lib.members["V"].duration_ms == 6_000
    assert lib.members["V"].codec is None  # Immich does not say
    photo = RemoteItem(link("P", "/immich/p.jpg"), "/p/p.jpg", "k1", -1)
    assert library([], [], [photo], {}).candidates[0].video is False


def test_marks_decide_the_keeper_of_an_exact_group_and_say_why() -> None:
    lib = library(
        [item("/p/a.jpg", "same"), item("/p/b.jpg", "same"), item("/p/c.jpg", "other")],
        [view("A", "/p/a.jpg"), view("B", "/p/b.jpg")],
        [],
        {"B": Marks(albums=("Holiday",))},
    )
    found = grouped(lib)
    assert [(g.tier, g.members, g.keeper) for g in found.exact] == [(Tier.EXACT, ("A", "B"), "B")]
    assert "album" in found.exact[0].reasons[1]
    ((tier, owner, keeper, _reasons, distance, reclaim, members),) = found.groups
    assert (tier, owner, keeper, distance, reclaim) == ("exact", "alice", "B", 0, 1_000)
    assert [m.key for m in members] == ["A", "B"]
    assert found.reclaimable_bytes == 1_000


def test_a_group_a_person_kept_or_split_is_not_reported_again() -> None:
    media = [item("/p/a.jpg", "same"), item("/p/b.jpg", "same")]
    lib = library(media, [], [], {})
    kept = decisions_from([(GroupDecision.KEEP_TOGETHER, ["/p/a.jpg", "/p/b.jpg"])])
    apart = decisions_from([(GroupDecision.NOT_DUPLICATES, ["/p/a.jpg", "/p/b.jpg"])])
    assert apart.separates("/p/a.jpg", "/p/b.jpg")
    assert grouped(lib, decisions=kept).exact == []
    assert grouped(lib, decisions=apart).exact == []


def raw_and_jpeg() -> Library:
    media = [item("/p/IMG_1.CR2", "raw", kind="raw"), item("/p/IMG_1.JPG", "jpg")]
    return library(media, [], [], {})


def test_a_raw_and_its_jpeg_pair_and_are_never_near_duplicates() -> None:
    edge = NearEdge("raw", "jpg", 2, 1)
    found = grouped(raw_and_jpeg(), [edge])
    ((pair),) = found.pairs
    assert (pair.kind, pair.primary) == (PairKind.RAW_JPEG, "/p/IMG_1.JPG")
    assert found.near == []
    ((kind, owner, primary, _, members),) = found.pair_rows
    assert (kind, owner, primary) == ("raw+jpeg", LOCAL_OWNER, "/p/IMG_1.JPG")
    assert [m.key for m in members] == ["/p/IMG_1.CR2", "/p/IMG_1.JPG"]
    assert found.pair_counts()["raw+jpeg"] == 1


def test_a_rejected_pair_is_dropped_and_still_not_grouped_as_near() -> None:
    members = frozenset(("/p/IMG_1.CR2", "/p/IMG_1.JPG"))
    edge = NearEdge("raw", "jpg", 2, 1)
    found = grouped(raw_and_jpeg(), [edge], pair_decisions={members: (PairDecision.REJECT, None)})
    assert found.pairs == []
    assert found.pair_rows == []
    assert found.near == []
    assert found.groups == []


def test_a_primary_chosen_in_the_review_is_kept_and_an_accepted_pair_says_so() -> None:
    members = frozenset(("/p/IMG_1.CR2", "/p/IMG_1.JPG"))
    found = grouped(raw_and_jpeg(), pair_decisions={members: (PairDecision.ACCEPT, "/p/IMG_1.CR2")})
    ((pair),) = found.pairs
    assert pair.primary == "/p/IMG_1.CR2"
    assert pair.reasons[:2] == ("accepted in the review", "primary chosen in the review")


def test_a_near_group_found_through_a_centre_view_says_the_copy_is_cropped() -> None:
    lib = library([item("/p/a.jpg", "h1"), item("/p/a-crop.jpg", "h2")], [], [], {})
    found = grouped(lib, [NearEdge("h1", "h2", 3, 2, zoom=25)])
    ((group),) = found.near
    assert group.tier is Tier.NEAR
    assert group.distance == 3
    assert group.reasons[1] == (
        "some look alike once the larger is cropped by about 2.5% on every side"
    )
    assert len(found.groups) == 1


def test_whole_frame_matches_carry_no_crop_explanation() -> None:
    lib = library([item("/p/a.jpg", "h1"), item("/p/b.jpg", "h2")], [], [], {})
    ((group),) = grouped(lib, [NearEdge("h1", "h2", 3, 2)]).near
    assert not any("cropped" in r for r in group.reasons)
    assert explain_crops(group, {"/p/x": {"/p/y": 50}, "/p/y": {"/p/x": 50}}) == group


def test_crop_explanations_look_only_at_each_group_s_own_members() -> None:
    """Many groups, some matched through centre views: each group names the cuts of its own
    cropped pairs (the same as checking every cropped pair against every group)."""
    items, edges = [], []
    for g in range(30):
        for m in range(3):
            items.append(item(f"/p/g{g}-{m}.jpg", f"h{g}-{m}"))
        edges.append(NearEdge(f"h{g}-0", f"h{g}-1", 2, 1, zoom=25 if g % 2 else 0))
        edges.append(NearEdge(f"h{g}-1", f"h{g}-2", 3, 1, zoom=50 if g % 3 == 0 else 0))
        edges.append(NearEdge(f"h{g}-0", f"h{g}-2", 3, 2))
    found = grouped(library(items, [], [], {}), edges)
    assert len(found.near) == 30
    assert all(len(group.members) == 3 for group in found.near)
    for group in found.near:
        g = int(group.members[0].split("/g")[1].split("-")[0])
        cuts = [c for c, on in (("2.5%", g % 2), ("5%", g % 3 == 0)) if on]
        crop = [r for r in group.reasons if "cropped" in r]
        if cuts:
            assert crop == [
                "some look alike once the larger is cropped by about "
                f"{' or '.join(cuts)} on every side"
            ]
        else:
            assert crop == []


def test_an_edge_beyond_the_threshold_groups_nothing() -> None:
    lib = library([item("/p/a.jpg", "h1"), item("/p/b.jpg", "h2")], [], [], {})
    assert grouped(lib, [NearEdge("h1", "h2", RULES.near_threshold + 1, 0)]).near == []


def test_small_helpers() -> None:
    assert media_format("/p/x.JPG", "image") == "jpeg"
    assert media_format("/p/x.dng", "raw") == "raw"
    assert media_format("/p/noext", "") == ""
    assert capture_time("2024-05-01T12:00:00+02:00") == datetime(2024, 5, 1, 10, 0)
    assert capture_time("not a time") is None
    assert capture_time(None) is None
    assert to_unsigned64(-1) == (1 << 64) - 1
    assert to_unsigned64(5) == 5


def test_preferred_folders_mark_their_files() -> None:
    media = [item("/keep/a.jpg", "same"), item("/keepsake/b.jpg", "same")]
    lib = library(media, [], [], {}, preferred_folders=("/keep/",))
    assert [c.preferred for c in lib.candidates] == [True, False]


def test_immichs_own_groups_are_a_review_only_tier() -> None:
    members = [Member("A", "/p/a.jpg", "A", 10), Member("B", "/p/b.jpg", "B", 7)]
    tier, owner, keeper, reasons, distance, reclaim, _ = semantic_row(
        members, "A", "alice", "a.jpg"
    )
    assert (tier, owner, keeper, distance, reclaim) == ("semantic", "alice", "A", 0, 7)
    assert reasons[1] == "Immich suggests keeping a.jpg"


def test_paths_are_normalised_as_posixpath_does() -> None:
    samples = [
        "",
        ".",
        "/",
        "//",
        "///",
        "//a/b",
        "/a//b/./c/",
        "a/../..",
        "../a",
        "/../a",
        "/a/b/../../..",
        "a/b/..",
        "./",
        "/p/x.jpg",
        "p/./q//r/../s",
    ]
    for path in samples:
        assert normal_path(path) == posixpath.normpath(path), path


def test_a_file_path_written_another_way_still_finds_its_asset() -> None:
    lib = library([item("/p//sub/../a.jpg", "h1")], [view("A", "/p/a.jpg")], [], {})
    assert [c.key for c in lib.candidates] == ["A"]


def test_a_confirmed_edge_beyond_the_threshold_groups_and_says_how() -> None:
    lib = library([item("/p/a.jpg", "h1"), item("/p/b.jpg", "h2")], [], [], {})
    beyond = RULES.near_threshold + 2
    ((group),) = grouped(lib, [NearEdge("h1", "h2", beyond, 7, likeness=991)]).near
    assert group.distance == beyond
    assert group.reasons[0] == (
        f"look alike: perceptual hashes differ in {beyond} bits (at most "
        f"{RULES.near_threshold} may, or {beyond} when small thumbnails confirm it)"
    )
    assert group.reasons[1] == (
        f"some differ by up to {beyond} bits, more than the hashes alone may: confirmed by "
        "small thumbnails (0.991 alike)"
    )
    too_far = NearEdge("h1", "h2", beyond + 1, 0, likeness=999)
    assert grouped(lib, [too_far]).near == []


def test_a_copy_cut_from_one_side_says_which_side() -> None:
    lib = library([item("/p/a.jpg", "h1"), item("/p/a-left.jpg", "h2")], [], [], {})
    edge = NearEdge("h1", "h2", 4, 3, zoom=65, side="left", likeness=983)
    ((group),) = grouped(lib, [edge]).near
    assert group.reasons[1] == (
        "some look alike once the larger is cut by about 6.5% on the left "
        "(confirmed by small thumbnails, 0.983 alike)"
    )
    lib = library([item(f"/p/{n}.jpg", f"h{n}") for n in "abc"], [], [], {})
    edges = [
        NearEdge("ha", "hc", 1, 1, zoom=65, side="top", likeness=990),
        NearEdge("hb", "hc", 2, 1, zoom=70, side="top", likeness=985),
        NearEdge("ha", "hb", 0, 0),
    ]
    ((group),) = grouped(lib, edges).near
    assert group.reasons[1] == (
        "some look alike once the larger is cut by about 6.5-7% on the top "
        "(confirmed by small thumbnails, 0.985 alike)"
    )
    assert not any("every side" in r for r in group.reasons)


def test_matches_of_the_hashes_alone_are_taken_before_confirmed_ones() -> None:
    """No chaining: c matches a only through a confirmed edge and b not at all, so a and b
    (the hashes alone) stay together and c stays out."""
    lib = library([item(f"/p/{n}.jpg", f"h{n}") for n in "abc"], [], [], {})
    edges = [
        NearEdge("ha", "hc", 0, 0, likeness=999),
        NearEdge("ha", "hb", 3, 3),
    ]
    ((group),) = grouped(lib, edges).near
    assert group.members == ("/p/a.jpg", "/p/b.jpg")
