"""The report of the latest analysis, in the shape other tools read (`report --json`).

`report_sections` hands the document's two lists over item by item, read a page at a time, so
a writer can stream it with memory independent of the library's size; `analysis_report` is the
same document whole (for the text output and the evaluation)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sidecar.engine.core.models import Member, StoredGroup, StoredPair
from sidecar.engine.ports import AnalysisResults

ReportSections = dict[str, AsyncIterator[dict[str, Any]]]


def _member(m: Member) -> dict[str, Any]:
    return {
        "path": m.path,
        "asset_id": m.asset_id,
        "size": m.size,
        "width": m.width,
        "height": m.height,
        "captured_at": m.captured_at,
        "duration_ms": m.duration_ms,  # a video's (null: a photo)
        "codec": m.codec,
    }


def _path_of(key: str, members: list[Member]) -> str | None:
    return next((m.path for m in members if m.key == key), None)


def _group(g: StoredGroup) -> dict[str, Any]:
    return {
        "id": g.id,
        "tier": g.tier,
        "owner": g.owner,
        "distance": g.distance,
        "reclaimable_bytes": g.reclaim,
        "members": [_member(m) for m in g.members],
        "keeper": _path_of(g.keeper, g.members),
        "keeper_asset_id": next((m.asset_id for m in g.members if m.key == g.keeper), None),
        "reasons": g.reasons,
    }


def _pair(p: StoredPair) -> dict[str, Any]:
    return {
        "id": p.id,
        "kind": p.kind,
        "owner": p.owner,
        "members": [_member(m) for m in p.members],
        "primary": _path_of(p.primary, p.members),
        "reasons": p.reasons,
    }


async def _groups(store: AnalysisResults) -> AsyncIterator[dict[str, Any]]:
    async for page in store.each_group():
        for g in page:
            yield _group(g)


async def _pairs(store: AnalysisResults) -> AsyncIterator[dict[str, Any]]:
    async for page in store.each_pair():
        for p in page:
            yield _pair(p)


def report_sections(store: AnalysisResults) -> ReportSections:
    """The report's keys in order, each with its items as they are read (consume in order)."""
    return {"duplicate_groups": _groups(store), "pairs": _pairs(store)}


async def analysis_report(store: AnalysisResults) -> dict[str, Any]:
    """The whole report in memory."""
    return {key: [item async for item in items] for key, items in report_sections(store).items()}
