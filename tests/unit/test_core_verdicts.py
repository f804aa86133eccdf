"""What the review shows of a person's decisions about a group (core/verdicts.py): values in,
values out."""

from __future__ import annotations

from sidecar.engine.core.models import (
    GroupDecision,
    Member,
    MemberVerdict,
    PairDecision,
    StoredGroup,
    StoredPair,
)
from sidecar.engine.core.verdicts import (
    CHOSEN_PRIMARY,
    chosen_primaries,
    members_out,
    not_duplicates,
    verdict,
    with_primary,
)

K, U = MemberVerdict.KEEP, MemberVerdict.UNDECIDED


def group(*keys: str, keeper: str = "a") -> StoredGroup:
    members = [Member(k, f"/p/{k}.jpg", f"id-{k}") for k in keys]
    return StoredGroup(1, "exact", "owner", keeper, [], 0, 0, members)


def pairs_of(*keys: str) -> set[frozenset[str]]:
    return {frozenset((a, b)) for a in keys for b in keys if a != b}


def test_an_undecided_group_keeps_its_suggested_keeper() -> None:
    v = verdict(group("a", "b", "c"), set(), set(), set(), {})
    assert (v.state, v.keeper) == ("", "a")
    assert v.marks == {"a": K, "b": U, "c": U}


def test_not_duplicates_marks_every_member() -> None:
    g = group("a", "b")
    v = verdict(g, {frozenset({"a", "b"})}, pairs_of("a", "b"), set(), {})
    assert v.state == "not dup"
    assert set(v.marks.values()) == {MemberVerdict.NOT_DUP}


def test_a_stacked_group_says_stack() -> None:
    v = verdict(group("a", "b"), set(), set(), {frozenset({"id-a", "id-b"})}, {})
    assert v.state == "stack"
    assert set(v.marks.values()) == {MemberVerdict.STACK}


def test_trash_decisions_count_and_keep_the_chosen_member() -> None:
    v = verdict(group("a", "b", "c"), set(), set(), set(), {"id-a": "x", "id-c": "x"})
    assert v.state == "trash 2"
    assert v.marks == {"a": MemberVerdict.TRASH, "b": K, "c": MemberVerdict.TRASH}
    assert v.keeper == "b"  # the suggested keeper went to the trash: the one kept is named


def test_a_member_taken_out_is_out_of_the_others() -> None:
    g = group("a", "b", "c")
    separated = {frozenset({"c", "a"}), frozenset({"c", "b"})}
    assert members_out(g, separated) == {"c"}
    v = verdict(g, set(), separated, set(), {})
    assert v.state == "1 out"
    assert v.marks["c"] is MemberVerdict.OUT


def test_not_duplicates_gives_the_sets_and_every_pair_within_them() -> None:
    sets, pairs = not_duplicates(
        [(GroupDecision.NOT_DUPLICATES, ["a", "b", "c"]), (GroupDecision.KEEP_TOGETHER, ["d", "e"])]
    )
    assert sets == {frozenset({"a", "b", "c"})}
    assert pairs == {frozenset(p) for p in (("a", "b"), ("a", "c"), ("b", "c"))}


def pair(*keys: str, primary: str = "a") -> StoredPair:
    members = [Member(k, f"/p/{k}", f"id-{k}") for k in keys]
    return StoredPair(7, "raw+jpeg", "owner", primary, ["same name"], members)


def test_a_chosen_primary_replaces_the_suggested_one_and_says_so_once() -> None:
    chosen = with_primary(pair("a.jpg", "a.dng", primary="a.jpg"), "a.dng")
    assert (chosen.primary, chosen.reasons) == ("a.dng", [CHOSEN_PRIMARY, "same name"])
    again = with_primary(with_primary(chosen, "a.jpg"), "a.dng")
    assert again.reasons == [CHOSEN_PRIMARY, "same name"]
    p = pair("a.jpg", "a.dng", primary="a.jpg")
    assert with_primary(p, "a.jpg") is p  # already the primary
    assert with_primary(p, "elsewhere.jpg") is p  # not a member


def test_stored_pairs_show_the_primaries_people_chose_since_the_analysis() -> None:
    chosen = pair("a.jpg", "a.dng", primary="a.jpg")
    accepted = pair("b.jpg", "b.dng", primary="b.jpg")
    untouched = pair("c.jpg", "c.dng", primary="c.jpg")
    decisions = {
        frozenset({"a.jpg", "a.dng"}): (PairDecision.PRIMARY, "a.dng"),
        frozenset({"b.jpg", "b.dng"}): (PairDecision.ACCEPT, "b.jpg"),
        frozenset({"x", "y"}): (PairDecision.REJECT, None),
    }
    shown = chosen_primaries([chosen, accepted, untouched], decisions)
    assert [p.primary for p in shown] == ["a.dng", "b.jpg", "c.jpg"]
    assert shown[1:] == [accepted, untouched]


def sized(keeper: str = "a") -> StoredGroup:
    """Members a (100 bytes), b (200), c (400); the analysis's reclaim: all but the keeper."""
    sizes = {"a": 100, "b": 200, "c": 400}
    members = [Member(k, f"/p/{k}.jpg", f"id-{k}", size) for k, size in sizes.items()]
    return StoredGroup(1, "exact", "owner", keeper, [], 0, 600, members)


def test_reclaim_follows_the_decision() -> None:
    g = sized()
    assert verdict(g, set(), set(), set(), {}).reclaim == 600  # undecided: as analysed
    kept_c = verdict(g, set(), set(), set(), {"id-a": "x", "id-b": "x"})
    assert kept_c.reclaim == 300  # c kept, a and b to the trash
    assert verdict(g, {frozenset("abc")}, pairs_of(*"abc"), set(), {}).reclaim == 0
    stacked = {frozenset({"id-a", "id-b", "id-c"})}
    assert verdict(g, set(), set(), stacked, {}).reclaim == 0  # a stack frees nothing
    c_out = verdict(g, set(), {frozenset("ac"), frozenset("bc")}, set(), {})
    assert (c_out.state, c_out.reclaim) == ("1 out", 200)  # only b goes: c is no duplicate
