"""Duplicate grouping (pure) and the all-pairs hash search."""

from __future__ import annotations

import itertools
import random
from datetime import datetime

from sidecar.engine.core.dedup import (
    Candidate,
    Decisions,
    Tier,
    choose_keeper,
    exact_groups,
    near_groups,
)
from sidecar.engine.hashindex import pairs_between, pairs_within


def cand(
    key: str, content: str | None = "c1", phash: int | None = None, owner: str = "u", **kw: object
) -> Candidate:
    return Candidate(
        key=key, owner=owner, path=f"/p/{key}", content_hash=content, phash=phash, **kw
    )  # type: ignore[arg-type]


def test_exact_groups_per_owner_and_never_one_key_twice() -> None:
    groups = exact_groups(
        [
            cand("a.jpg"),
            cand("b.jpg"),
            cand("a.jpg"),  # the same asset seen via two paths
            cand("x.jpg", owner="anna"),  # same content, another owner
            cand("lonely.jpg", content="c2"),
        ]
    )
    assert [(g.tier, g.members) for g in groups] == [(Tier.EXACT, ("a.jpg", "b.jpg"))]
    assert groups[0].reasons[0] == "identical content (c1)"


def test_keeper_rules_are_ordered_and_explained() -> None:
    small = cand("small.jpg", width=1000, height=750, size=200_000)
    big = cand("big.jpg", width=4000, height=3000, size=3_000_000)
    assert choose_keeper([small, big]) == (
        "big.jpg",
        ("more pixels: 4000x3000 against 1000x750 (small.jpg)",),
    )
    fav = cand("fav.jpg", width=1000, height=750, favorite=True)
    key, reasons = choose_keeper([big, fav])
    assert (key, reasons) == ("fav.jpg", ("a favourite (big.jpg is not)",))
    q_low = cand("low.jpg", width=4000, height=3000, size=1_000_000)
    key, reasons = choose_keeper([q_low, big], rules=("file-size", "pixels"))
    assert (key, reasons) == (
        "big.jpg",
        ("larger file at the same dimensions: 3.00 MB against 1.00 MB (low.jpg)",),
    )
    old = cand("old.jpg", captured_at=datetime(2001, 1, 1))
    new = cand("new.jpg", captured_at=datetime(2020, 1, 1))
    assert choose_keeper([new, old], rules=("older",))[0] == "old.jpg"
    raw = cand("x.dng", format="raw")
    jpg = cand("x.jpg", format="jpeg")
    assert choose_keeper([jpg, raw], rules=("prefer-raw",))[0] == "x.dng"


def test_near_groups_do_not_chain() -> None:
    # A-B distance 4, B-C distance 4, A-C distance 8: with threshold 5 only one pair groups
    cands = [cand("A", "ca"), cand("B", "cb"), cand("C", "cc")]
    groups = near_groups(cands, [(0, 1, 4), (1, 2, 4), (0, 2, 8)], threshold=5)
    assert len(groups) == 1
    assert len(groups[0].members) == 2
    assert groups[0].reasons[0] == (
        "look alike: perceptual hashes differ in 4 bits (at most 5 may)"
    )
    # when all three are within the threshold they form one group
    groups = near_groups(cands, [(0, 1, 4), (1, 2, 4), (0, 2, 5)], threshold=5)
    assert [g.members for g in groups] == [("A", "B", "C")]


def test_near_groups_respect_owner_content_and_decisions() -> None:
    cands = [cand("A", "ca"), cand("B", "cb"), cand("C", "cc", owner="anna"), cand("D", "ca")]
    edges = [(0, 1, 2), (0, 2, 1), (0, 3, 0)]
    groups = near_groups(cands, edges, threshold=4)
    assert [g.members for g in groups] == [("A", "B")]  # not across owners, not exact copies
    separated = Decisions(not_duplicates=frozenset({frozenset({"A", "B"})}))
    assert near_groups(cands, edges, threshold=4, decisions=separated) == []
    kept = Decisions(kept_together=(frozenset({"A", "B", "Z"}),))
    assert near_groups(cands, edges, threshold=4, decisions=kept) == []


def test_exact_group_split_by_a_not_duplicates_decision() -> None:
    decisions = Decisions(not_duplicates=frozenset({frozenset({"a.jpg", "b.jpg"})}))
    groups = exact_groups([cand("a.jpg"), cand("b.jpg"), cand("c.jpg")], decisions)
    assert [g.members for g in groups] == [("a.jpg", "c.jpg")]


def test_pairs_within_matches_brute_force() -> None:
    rng = random.Random(11)
    hashes = [rng.getrandbits(64) for _ in range(400)]
    for k in range(60):  # plant near copies at distances 0..10
        flipped = hashes[k]
        for bit in rng.sample(range(64), k % 11):
            flipped ^= 1 << bit
        hashes.append(flipped)
    for radius in (0, 4, 6, 8, 10):
        got = sorted(pairs_within(hashes, radius))
        want = sorted(
            (i, j, (hashes[i] ^ hashes[j]).bit_count())
            for i, j in itertools.combinations(range(len(hashes)), 2)
            if (hashes[i] ^ hashes[j]).bit_count() <= radius
        )
        assert got == want, radius
    assert pairs_within([5], 6) == []


def test_pairs_between_matches_brute_force() -> None:
    rng = random.Random(12)
    known = [rng.getrandbits(64) for _ in range(500)]
    new = [known[k] ^ (1 << rng.randrange(64)) ^ (1 << rng.randrange(64)) for k in range(40)]
    new += [rng.getrandbits(64) for _ in range(40)]
    for radius in (2, 6, 10):
        got = pairs_between(new, known, radius)
        want = sorted(
            (i, j, (a ^ b).bit_count())
            for i, a in enumerate(new)
            for j, b in enumerate(known)
            if (a ^ b).bit_count() <= radius
        )
        assert got == want


def test_preferred_folder_rule() -> None:
    a = cand("Albums/x.jpg", width=100, height=100, preferred=True)
    b = cand("Dump/x.jpg", width=4000, height=3000)
    assert choose_keeper([b, a]) == ("Albums/x.jpg", ("in a preferred folder (x.jpg is not)",))
