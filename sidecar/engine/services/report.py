"""The report of the latest analysis, in the shape other tools read (`report --json`)."""

from __future__ import annotations

from typing import Any

from sidecar.engine.core.models import Member
from sidecar.engine.ports import AnalysisResults


def _member(m: Member) -> dict[str, Any]:
    return {
        "path": m.path,
        "asset_id": m.asset_id,
        "size": m.size,
        "width": m.width,
        "height": m.height,
        "captured_at": m.captured_at,
    }


def _path_of(key: str, members: list[Member]) -> str | None:
    return next((m.path for m in members if m.key == key), None)


async def analysis_report(store: AnalysisResults) -> dict[str, Any]:
    groups = await store.groups()
    pairs = await store.pairs()
    return {
        "duplicate_groups": [
            {
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
            for g in groups
        ],
        "pairs": [
            {
                "id": p.id,
                "kind": p.kind,
                "owner": p.owner,
                "members": [_member(m) for m in p.members],
                "primary": _path_of(p.primary, p.members),
                "reasons": p.reasons,
            }
            for p in pairs
        ],
    }
