"""Accepting the suggested keepers of many groups at once (core/bulk.py): values in, values
out; a group of videos matched from Immich's thumbnail only is never accepted in bulk."""

from __future__ import annotations

from sidecar.engine.core.bulk import SkipReason, plan_keepers, under
from sidecar.engine.core.candidates import RemoteItem, library
from sidecar.engine.core.dedup import Decisions
from sidecar.engine.core.grouping import GroupingRules, find_groups
from sidecar.engine.core.keeper import DEFAULT_KEEPER_RULES
from sidecar.engine.core.models import AssetLink, Member, NearEdge, StoredGroup
from sidecar.engine.core.pairing import PairingRules
from sidecar.engine.core.video import IMMICH_SOURCE, VideoFacts, VideoPrint
from sidecar.engine.core.video_groups import VIDEO_ONE_FRAME


def group(
    gid: int, *keys: str, tier: str = "exact", local: str = "", folder: str = "/p"
) -> StoredGroup:
    members = [
        Member(k, f"{folder}/{k}.jpg", None if k in local else f"id-{k}", size=10) for k in keys
    ]
    return StoredGroup(gid, tier, "owner", keys[0], [], 0, 0, members)


def test_undecided_groups_queue_every_member_but_the_keeper() -> None:
    plan = plan_keepers([group(1, "a", "b", "c"), group(2, "d", "e")], {}, [])
    assert plan.accepted == {1: ["id-b", "id-c"], 2: ["id-e"]}
    assert plan.queued == ["id-b", "id-c", "id-e"]
    assert (plan.bytes, plan.skipped) == (30, [])


def test_a_group_a_person_decided_is_skipped() -> None:
    plan = plan_keepers([group(1, "a", "b"), group(2, "c", "d")], {1: "stack", 2: ""}, [])
    assert plan.accepted == {2: ["id-d"]}
    assert plan.skipped == [(1, SkipReason.DECIDED)]


def test_a_local_keeper_or_no_immich_copy_to_queue_is_skipped() -> None:
    plan = plan_keepers([group(1, "a", "b", local="a"), group(2, "c", "d", local="d")], {}, [])
    assert plan.accepted == {}
    assert plan.skipped == [(1, SkipReason.LOCAL), (2, SkipReason.LOCAL)]


def test_a_group_whose_keeper_is_already_queued_is_never_emptied() -> None:
    # the keeper went to the queue through another group: every copy would be in the trash
    plan = plan_keepers([group(1, "a", "b")], {}, ["id-a"])
    assert plan.skipped == [(1, SkipReason.EVERY_COPY)]
    # and within one bulk: group 2's keeper is queued by group 1
    plan = plan_keepers([group(1, "x", "b"), group(2, "b", "y")], {}, [])
    assert plan.accepted == {1: ["id-b"]}
    assert plan.skipped == [(2, SkipReason.EVERY_COPY)]


def test_tier_and_folder_filters_leave_other_groups_alone() -> None:
    groups = [group(1, "a", "b"), group(2, "c", "d", tier="near", folder="/p/trip")]
    assert list(plan_keepers(groups, {}, [], tier="near").accepted) == [2]
    assert list(plan_keepers(groups, {}, [], prefix="/p/trip/").accepted) == [2]
    assert plan_keepers(groups, {}, [], prefix="/p/tr").accepted == {}
    assert under(groups[0], None)
    assert under(groups[0], "/p")


def test_a_copy_stays_in_groups_outside_the_view_too() -> None:
    # the exact group would queue b; the near group (not in view) already has c queued
    exact, near = group(1, "a", "b"), group(2, "d", "b", "c", tier="near")
    plan = plan_keepers([exact, near], {}, ["id-d"], tier="exact")
    assert plan.accepted == {1: ["id-b"]}
    plan = plan_keepers([exact, near], {}, ["id-d", "id-c"], tier="exact")
    assert plan.skipped == [(1, SkipReason.EVERY_COPY)]


def test_a_group_matched_from_immichs_thumbnail_only_is_never_accepted_in_bulk() -> None:
    """Two clips of one length whose thumbnails look alike (a dashcam's or a doorbell's
    segments) may be unique footage: a person looks first."""
    lib = library([], [], [remote_video("v1", "k1"), remote_video("v2", "k2")], {})
    edge = NearEdge("k1", "k2", 2, 3, 0, VIDEO_ONE_FRAME)
    rules = GroupingRules(DEFAULT_KEEPER_RULES, near_threshold=4, pairing=PairingRules())
    [row] = find_groups(lib, [edge], Decisions(), {}, rules).groups
    tier, owner, keeper, reasons, distance, reclaim, members = row
    assert "look at it first, never accepted in bulk" in reasons[0]
    one_frame = StoredGroup(1, tier, owner, keeper, reasons, distance, reclaim, members)
    plan = plan_keepers([one_frame, group(2, "a", "b", tier="near")], {}, [])
    assert list(plan.accepted) == [2]
    assert plan.skipped == [(1, SkipReason.ONE_FRAME)]
    assert SkipReason.ONE_FRAME == "matched from Immich's thumbnail only: look at it first"


def remote_video(asset_id: str, key: str) -> RemoteItem:
    link = AssetLink(
        asset_id,
        "owner",
        "lib",
        f"/cam/{asset_id}.mp4",
        "sum",
        "present",
        False,
        9_000_000,
        "2024-05-01T10:00:00",
        None,
        None,
        type="VIDEO",
        duration_ms=60_000,
    )
    facts = VideoFacts(duration_ms=60_000)
    one = VideoPrint(facts, IMMICH_SOURCE, (5, 7), (30_000,), (False,))
    return RemoteItem(link, link.original_path, key, None, one)
