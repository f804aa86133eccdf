"""Decisions people made, as names: the strings existing inventories hold are the enums'
values (the round trip through a real inventory is in tests/integration/test_store_decisions.py)."""

from __future__ import annotations

from sidecar.engine.core.models import GroupDecision, MemberVerdict, PairDecision, TrashDecision


def test_the_stored_strings_are_the_ones_inventories_already_hold() -> None:
    assert [d.value for d in GroupDecision] == ["not_duplicates", "keep_together"]
    assert [d.value for d in PairDecision] == ["accept", "reject", "primary"]
    assert [d.value for d in TrashDecision] == ["trash", "keep"]
    assert [v.value for v in MemberVerdict] == ["keep", "trash", "out", "stack", "not dup", ""]


def test_an_enum_reads_as_its_stored_string() -> None:
    assert GroupDecision("not_duplicates") is GroupDecision.NOT_DUPLICATES
    assert PairDecision("accept") == "accept"
    assert f"{MemberVerdict.TRASH} 2" == "trash 2"  # the groups list shows it so
