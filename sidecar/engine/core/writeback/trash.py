"""Moving to Immich's trash what a person decided to drop (recoverable; never forced)."""

from __future__ import annotations

from collections.abc import Mapping

from sidecar.engine.core.writeback.actions import Action, ActionKind, Plan, batches


def plan_trash(
    owner: str,
    decided: Mapping[str, str],
    trashed: frozenset[str],
    external: frozenset[str],
    unavailable: Mapping[str, str],
    plan: Plan,
) -> None:
    """Move to Immich's trash (recoverable; never force) what a person decided to drop.
    `decided`: asset id -> when; `trashed`: those already in the trash; `external`: those
    of an external library (emptying Immich's trash deletes their files from disk)."""
    todo = []
    for asset_id in sorted(decided):
        if asset_id in trashed:
            plan.satisfied += 1
        elif asset_id in unavailable:
            plan.notes.append(f"{asset_id} not trashed: {unavailable[asset_id]}")
        else:
            todo.append(asset_id)
    risky = [a for a in todo if a in external]
    if risky:
        n = len(risky)
        whose = "1 asset to trash belongs" if n == 1 else f"{n:,} assets to trash belong"
        plan.warnings.append(
            f"{whose} to an external library: when Immich's trash is emptied (by hand, or "
            "after its trash days) Immich deletes their files from your library folder"
        )
    for batch in batches(todo):
        plan.actions.append(
            Action(
                ActionKind.TRASH,
                owner,
                batch,
                f"{len(batch)} asset(s) you decided to drop "
                f"('immich-sidecar decide trash'); recoverable from Immich's trash",
                "trash",
            )
        )
