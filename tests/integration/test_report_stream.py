"""`report --json` is streamed: the same document as the whole report, byte for byte, read a
page at a time (several pages here), in the documented order."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sidecar.cli.output import print_json, print_json_stream
from sidecar.engine.core.models import Member
from sidecar.engine.services.report import analysis_report
from sidecar.runtime import open_runtime
from sidecar.settings import Settings

GROUPS = 1_234  # more than two pages of 500
PAIRS = 601


def member(n: int, path: str | None = None) -> Member:
    return Member(f"a{n}", path or f"/photos/{n // 100}/IMG_{n:06d}.jpg", f"a{n}", n, 40, 30, None)


def results() -> tuple[list[Any], list[Any]]:
    groups = [
        (
            "exact" if n % 3 else "near",
            "owner",
            f"a{2 * n + n % 2}",
            ["same content", f"reason «{n}»"],
            n % 7,
            (n * 7919) % 1000,  # reclaim: ties broken by id
            [member(2 * n), member(2 * n + 1, f"/photos/été/{n}\n.jpg" if n == 5 else None)],
        )
        for n in range(GROUPS)
    ]
    pairs = [
        ("raw+jpeg", "owner", f"b{n}", ["raw and jpeg"], [member(10**6 + n), member(2 * 10**6 + n)])
        for n in range(PAIRS)
    ]
    return groups, pairs


async def fill(settings: Settings) -> dict[str, Any]:
    async with open_runtime(settings) as rt:
        groups, pairs = results()
        await rt.analysis.replace_results(1, groups, pairs)
        return await analysis_report(rt.analysis)


def test_report_json_is_streamed_as_the_whole_document(
    cli: Any, settings: Settings, state_dir: Path
) -> None:
    whole = asyncio.run(fill(settings))
    assert len(whole["duplicate_groups"]) == GROUPS
    assert len(whole["pairs"]) == PAIRS
    reclaim = [(-g["reclaimable_bytes"], g["id"]) for g in whole["duplicate_groups"]]
    assert reclaim == sorted(reclaim)  # largest reclaimable first, as documented
    expected = io.StringIO()
    json.dump(whole, expected, ensure_ascii=False, indent=2)
    res = cli("report", "--json", env={"IMMICH_SIDECAR_STATE_DIR": str(state_dir)})
    assert res.code == 0
    assert res.out == expected.getvalue() + "\n"
    assert json.loads(res.out) == whole
    group = json.loads(res.out)["duplicate_groups"][0]
    assert list(group) == [
        "id",
        "tier",
        "owner",
        "distance",
        "reclaimable_bytes",
        "members",
        "keeper",
        "keeper_asset_id",
        "reasons",
    ]


async def items(values: list[Any]) -> AsyncIterator[Any]:
    for value in values:
        yield value


async def test_the_stream_writer_writes_what_print_json_writes(
    capsys: Any,
) -> None:
    documents: list[dict[str, list[Any]]] = [
        {},
        {"a": []},
        {"a": [], "b": []},
        {"a": [{"x": [1, {"y": "é\n\u2028"}], "z": None}], "b": [{}, [], "s"]},
        {"a": [[[]], {"k": {"l": [1.5, True]}}]},
    ]
    for doc in documents:
        print_json(doc)
        expected = capsys.readouterr().out
        await print_json_stream({k: items(v) for k, v in doc.items()})
        assert capsys.readouterr().out == expected
