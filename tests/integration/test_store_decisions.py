"""Decisions people made, in a real SQLite inventory: every value goes in as its string and
comes back as the same enum member, the inventory takes nothing else, and the `decide`
command's spellings map onto the enums."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sidecar.cli.decide import KINDS, TRASH_KINDS
from sidecar.engine.core.models import GroupDecision, PairDecision, TrashDecision
from sidecar.engine.store.analysis import AnalysisStore
from sidecar.engine.store.db import open_database

A, B = "/p/a.jpg", "/p/b.jpg"


@pytest.mark.parametrize("decision", list(GroupDecision))
async def test_a_group_decision_comes_back_as_itself(
    tmp_path: Path, decision: GroupDecision
) -> None:
    async with open_database(tmp_path / "inventory.db") as db:
        store = AnalysisStore(db)
        await store.decide(decision, [B, A], note="why")
        ((kind, members),) = await store.decisions()
        assert kind is decision
        assert members == [A, B]
        assert await db.scalar("SELECT kind FROM decisions") == decision.value
        await store.undecide(decision, [A, B])
        assert await store.decisions() == []


@pytest.mark.parametrize("decision", list(PairDecision))
async def test_a_pair_decision_comes_back_as_itself(tmp_path: Path, decision: PairDecision) -> None:
    async with open_database(tmp_path / "inventory.db") as db:
        store = AnalysisStore(db)
        await store.decide_pair([B, A], decision, A)
        ((members, (kind, primary)),) = (await store.pair_decisions()).items()
        assert (members, kind, primary) == (frozenset((A, B)), decision, A)
        assert kind is decision
        assert await db.scalar("SELECT kind FROM pair_decisions") == decision.value


async def test_the_inventory_takes_no_decision_outside_the_enums(tmp_path: Path) -> None:
    async with open_database(tmp_path / "inventory.db") as db:
        for sql in (
            "INSERT INTO decisions (kind, members, made_at) VALUES ('keep_all', '[]', 'now')",
            "INSERT INTO pair_decisions (members, kind, made_at) VALUES ('[]', 'maybe', 'now')",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
                async with db.transaction() as conn:
                    await conn.execute(sql)


def test_the_command_line_spellings_map_onto_the_decisions() -> None:
    assert KINDS == {
        "not-duplicates": GroupDecision.NOT_DUPLICATES,
        "keep-together": GroupDecision.KEEP_TOGETHER,
    }
    assert set(KINDS.values()) == set(GroupDecision)
    assert TRASH_KINDS == {"trash": TrashDecision.TRASH, "keep": TrashDecision.KEEP}
