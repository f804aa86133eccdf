"""Accepting the suggested keepers of many groups at once (core/bulk.py): values in, values
out."""

from __future__ import annotations

from sidecar.engine.core.bulk import SkipReason, plan_keepers, under
from sidecar.engine.core.models import Member, StoredGroup


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
