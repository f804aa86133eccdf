"""Core's write-back rules, directly: plans from wishes and Immich's state, batching, the
trash and repair rules, the summary. Pure: no I/O."""

from __future__ import annotations

from sidecar.engine.core.models import ActionStatus, MadeKind
from sidecar.engine.core.writeback import (
    BATCH,
    ActionKind,
    AlbumState,
    GroupWish,
    LiveStack,
    MoveState,
    Plan,
    StackWish,
    TagState,
    batches,
    entry_key,
    merge_overlapping,
    plan_album,
    plan_duplicates,
    plan_repair,
    plan_stacks,
    plan_tags,
    plan_trash,
    stack_key,
)

NONE: frozenset[str] = frozenset()


def wish(*members: str, owner: str = "u1") -> StackWish:
    return StackWish(owner, members, "raw+jpeg", "raw+jpeg pair")


def test_a_stack_is_planned_primary_first_for_unstacked_assets() -> None:
    plan = Plan()
    plan_stacks([wish("j1", "r1")], {}, NONE, NONE, {}, plan)
    (action,) = plan.actions
    assert (action.kind, action.owner, action.asset_ids) == (
        ActionKind.CREATE_STACK,
        "u1",
        ("j1", "r1"),
    )


def test_a_stack_standing_as_wished_is_satisfied() -> None:
    plan = Plan()
    live = LiveStack("s1", "j1", frozenset({"j1", "r1"}))
    plan_stacks([wish("j1", "r1")], {"j1": live, "r1": live}, NONE, NONE, {}, plan)
    assert (plan.actions, plan.satisfied) == ([], 1)


def test_a_stack_a_person_made_is_never_touched() -> None:
    plan = Plan()
    theirs = LiveStack("s9", "x", frozenset({"x", "j1"}))
    plan_stacks([wish("j1", "r1")], {"x": theirs, "j1": theirs}, NONE, NONE, {}, plan)
    assert plan.actions == []
    assert "already stacked by you (in Immich)" in plan.notes[0]


def test_a_stack_of_ours_with_other_members_is_named_as_ours() -> None:
    plan = Plan()
    ours = LiveStack("s1", "j1", frozenset({"j1", "z"}))
    plan_stacks([wish("j1", "r1")], {"j1": ours}, frozenset({"s1"}), NONE, {}, plan)
    assert "an earlier run of ours" in plan.notes[0]


def test_a_rejected_stack_is_never_made_again() -> None:
    plan = Plan()
    plan_stacks([wish("j1", "r1")], {}, NONE, frozenset({stack_key(["r1", "j1"])}), {}, plan)
    assert (plan.actions, plan.rejected) == ([], 1)


def test_unavailable_assets_leave_their_stack_out_with_a_note() -> None:
    plan = Plan()
    plan_stacks([wish("j1", "r1")], {}, NONE, NONE, {"r1": "in Immich's trash"}, plan)
    assert plan.actions == []
    assert "r1 (in Immich's trash)" in plan.notes[0]


def test_overlapping_stacks_in_one_plan_make_only_the_first() -> None:
    plan = Plan()
    plan_stacks([wish("a", "b"), wish("b", "c")], {}, NONE, NONE, {}, plan)
    assert [a.asset_ids for a in plan.actions] == [("a", "b")]
    assert "overlaps another stack" in plan.notes[0]


def test_batches_split_at_the_bulk_limit() -> None:
    ids = [f"a{i}" for i in range(BATCH * 2 + 1)]
    assert [len(b) for b in batches(ids)] == [BATCH, BATCH, 1]
    assert batches([]) == []


def test_the_album_is_created_once_then_filled_in_batches() -> None:
    plan = Plan()
    wanted = {f"a{i:04d}": "exact group 1" for i in range(BATCH + 1)}
    plan_album("u1", AlbumState("Review", None), wanted, NONE, {}, plan)
    kinds = [a.kind for a in plan.actions]
    assert kinds == [ActionKind.CREATE_ALBUM, ActionKind.ADD_TO_ALBUM, ActionKind.ADD_TO_ALBUM]
    assert plan.summary()["assets_to_add_to_albums"] == BATCH + 1


def test_album_entries_count_what_is_there_and_what_people_removed() -> None:
    plan = Plan()
    album = AlbumState("Review", "al1", frozenset({"a"}))
    rejected = frozenset({entry_key("al1", "b")})
    plan_album("u1", album, {"a": "", "b": "", "c": ""}, rejected, {}, plan)
    (action,) = plan.actions
    assert (action.kind, action.asset_ids, action.album_id) == (
        ActionKind.ADD_TO_ALBUM,
        ("c",),
        "al1",
    )
    assert (plan.satisfied, plan.rejected) == (1, 1)


def test_a_deleted_review_album_rejects_every_entry() -> None:
    plan = Plan()
    plan_album("u1", AlbumState("Review", None, rejected=True), {"a": "", "b": ""}, NONE, {}, plan)
    assert (plan.actions, plan.rejected) == ([], 2)


def test_overlapping_groups_are_published_as_one_keeping_the_first_keeper() -> None:
    merged = merge_overlapping(
        [GroupWish("u1", ("k", "a"), "exact", "same"), GroupWish("u1", ("a", "b"), "near", "x")]
    )
    assert [(w.members, w.tier) for w in merged] == [(("k", "a", "b"), "exact+near")]


def test_a_group_already_in_an_immich_duplicate_group_is_not_disturbed() -> None:
    plan = Plan()
    groups = [GroupWish("u1", ("k", "a"), "exact", "same")]
    plan_duplicates(groups, {"k": None, "a": "theirs"}, {}, NONE, {}, plan)
    assert plan.actions == []
    assert "not disturbed" in plan.notes[0]
    plan = Plan()
    plan_duplicates(groups, {"k": "d1", "a": "d1"}, {stack_key(["k", "a"]): "d1"}, NONE, {}, plan)
    assert (plan.actions, plan.satisfied) == ([], 1)
    plan = Plan()
    plan_duplicates(groups, {}, {}, NONE, {}, plan)
    assert [a.kind for a in plan.actions] == [ActionKind.PUBLISH_DUPLICATES]


def test_tags_are_created_when_missing_and_rejected_tags_stay_away() -> None:
    plan = Plan()
    states = {"s/raw": TagState("s/raw", None), "s/gone": TagState("s/gone", None, rejected=True)}
    plan_tags("u1", {"s/raw": {"a": ""}, "s/gone": {"b": ""}}, states, NONE, {}, plan)
    assert [(a.kind, a.tag) for a in plan.actions] == [
        (ActionKind.CREATE_TAG, "s/raw"),
        (ActionKind.TAG_ASSETS, "s/raw"),
    ]
    assert plan.rejected == 1


def test_trash_counts_what_is_trashed_and_warns_for_external_libraries() -> None:
    plan = Plan()
    decided = {"a": "t", "b": "t", "c": "t", "d": "t"}
    plan_trash("u1", decided, frozenset({"a"}), frozenset({"c"}), {"d": "offline"}, plan)
    (action,) = plan.actions
    assert (action.kind, action.asset_ids) == (ActionKind.TRASH, ("b", "c"))
    assert plan.satisfied == 1
    assert plan.notes == ["d not trashed: offline"]
    assert "1 asset to trash belongs to an external library" in plan.warnings[0]


def test_nothing_decided_plans_no_trash() -> None:
    plan = Plan()
    plan_trash("u1", {}, NONE, NONE, {}, plan)
    assert (plan.actions, plan.warnings) == ([], [])


def move(**kw: object) -> MoveState:
    return MoveState("u1", "old", "new", "same content", **kw)  # type: ignore[arg-type]


def test_a_repair_carries_only_what_the_new_asset_lacks_and_no_one_removed() -> None:
    plan = Plan()
    state = move(
        old_albums=frozenset({"al1", "al2", "al3"}),
        new_albums=frozenset({"al1"}),
        old_tags=frozenset({"t1"}),
        old_favorite=True,
        old_description="Grandma",
    )
    spared = plan_repair(state, frozenset({entry_key("al3", "new")}), plan)
    (action,) = plan.actions
    assert not spared
    assert (action.kind, action.asset_ids) == (ActionKind.REPAIR_MOVE, ("old", "new"))
    assert dict(action.carry or {}) == {
        "albums": ["al2"],
        "tags": ["t1"],
        "favorite": True,
        "description": "Grandma",
    }


def test_a_repair_never_overwrites_a_description_and_is_satisfied_when_nothing_lacks() -> None:
    plan = Plan()
    assert not plan_repair(move(old_description="a", new_description="b"), NONE, plan)
    assert (plan.actions, plan.satisfied) == ([], 1)


def test_an_external_repair_spares_tags_and_description_but_carries_albums() -> None:
    plan = Plan()
    state = move(
        old_albums=frozenset({"al1"}),
        old_tags=frozenset({"t1"}),
        old_description="x",
        old_stacked=True,
    )
    assert plan_repair(state, NONE, plan, xmp_allowed=False)
    (action,) = plan.actions
    assert dict(action.carry or {}) == {"albums": ["al1"]}
    assert "stacks are not carried over" in plan.notes[0]


def test_summary_counts_kinds_album_assets_and_what_was_left() -> None:
    plan = Plan()
    plan_stacks([wish("j1", "r1"), wish("j2", "r2")], {}, NONE, NONE, {"r2": "gone"}, plan)
    plan_album("u1", AlbumState("Review", "al1"), {"a": "", "b": ""}, NONE, {}, plan)
    plan.satisfied += 3
    assert plan.summary() == {
        "create_stack": 1,
        "add_to_album": 1,
        "assets_to_add_to_albums": 2,
        "already_done": 3,
        "rejected_before": 0,
        "left_out": 1,
    }


def test_journal_names_compare_equal_to_the_stored_strings() -> None:
    assert ActionStatus.REVERT_FAILED == "revert_failed"
    assert MadeKind.ALBUM_ASSET == "album_asset"
    assert {str(k) for k in MadeKind} >= {"stack", "album", "tag", "tag_asset", "trash"}
