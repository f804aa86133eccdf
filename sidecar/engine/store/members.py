"""The members of stored groups and pairs, as rows."""

from __future__ import annotations

import json
from collections.abc import Iterable

import aiosqlite

from sidecar.engine.core.models import Member
from sidecar.engine.store.db import Database

# a group as stored: tier, owner, keeper, reasons, distance, reclaim, members
GroupRow = tuple[str, str, str, list[str], int, int, list[Member]]
# a pair as stored: kind, owner, primary, reasons, members
PairRow = tuple[str, str, str, list[str], list[Member]]


async def members_of(
    db: Database, table: str, column: str, ids: list[int]
) -> dict[int, list[Member]]:
    """Group or pair id -> its members, ordered by member key (`table`: dup_members or
    pair_members, `column` its id column)."""
    out: dict[int, list[Member]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for r in await db.fetchall(
            f"SELECT {column}, member, path, asset_id, size, width, height, captured_at,"
            " duration_ms, codec"
            f" FROM {table} WHERE {column} IN ({marks}) ORDER BY {column}, member",
            chunk,
        ):
            out.setdefault(r[0], []).append(Member(*tuple(r)[1:]))
    return out


def member_values(m: Member) -> tuple[object, ...]:
    """A member's columns after its group or pair id, in the order members_of reads them."""
    return (
        m.key,
        m.path,
        m.asset_id,
        m.size,
        m.width,
        m.height,
        m.captured_at,
        m.duration_ms,
        m.codec,
    )


async def insert_groups(conn: aiosqlite.Connection, op_id: int, groups: Iterable[GroupRow]) -> None:
    """Write duplicate groups of analysis `op_id` with their members (in a transaction)."""
    for tier, owner, keeper, reasons, distance, reclaim, members in groups:
        cur = await conn.execute(
            "INSERT INTO dup_groups (op_id, tier, owner, keeper, reasons, distance,"
            " reclaim) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (op_id, tier, owner, keeper, json.dumps(reasons), distance, reclaim),
        )
        await conn.executemany(
            "INSERT INTO dup_members (group_id, member, path, asset_id, size, width,"
            " height, captured_at, duration_ms, codec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(cur.lastrowid, *member_values(m)) for m in members],
        )


async def insert_pairs(conn: aiosqlite.Connection, op_id: int, pairs: Iterable[PairRow]) -> None:
    """Write pairs of analysis `op_id` with their members (in a transaction)."""
    for kind, owner, primary, reasons, members in pairs:
        cur = await conn.execute(
            "INSERT INTO pairs (op_id, kind, owner, primary_member, reasons)"
            " VALUES (?, ?, ?, ?, ?)",
            (op_id, kind, owner, primary, json.dumps(reasons)),
        )
        await conn.executemany(
            "INSERT INTO pair_members (pair_id, member, path, asset_id, size, width,"
            " height, captured_at, duration_ms, codec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(cur.lastrowid, *member_values(m)) for m in members],
        )
