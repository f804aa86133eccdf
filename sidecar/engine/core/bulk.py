"""Which undecided duplicate groups get their suggested keeper accepted in one go (pure): the
other members go to the trash queue; a group is skipped, with a reason, where a person already
decided, where the keeper is not an Immich asset, where no copy would remain in Immich, or
where a video was matched from Immich's thumbnail only (one frame and its length: clips of
one length and one look, a dashcam's or a doorbell's, may be unique footage)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from sidecar.engine.core.models import StoredGroup
from sidecar.engine.core.video_groups import one_frame_only


class SkipReason(StrEnum):
    DECIDED = "a person already decided"
    LOCAL = "the keeper is not an Immich asset (local mode: nothing to queue)"
    EVERY_COPY = "it would trash every copy"
    ONE_FRAME = "matched from Immich's thumbnail only: look at it first"


@dataclass(slots=True)
class BulkPlan:
    """`accepted`: group id -> the asset ids it sends to the trash queue. `skipped`: (group
    id, reason). `bytes`: the size of the queued assets (as the inventory knows it)."""

    accepted: dict[int, list[str]] = field(default_factory=dict)
    skipped: list[tuple[int, SkipReason]] = field(default_factory=list)
    bytes: int = 0

    @property
    def queued(self) -> list[str]:
        return [a for ids in self.accepted.values() for a in ids]


def under(group: StoredGroup, prefix: str | None) -> bool:
    """Whether any member's path is `prefix` or below it (no prefix: every group)."""
    if not prefix:
        return True
    base = prefix.rstrip("/")
    return any(m.path and (m.path == base or m.path.startswith(base + "/")) for m in group.members)


def plan_keepers(
    groups: Iterable[StoredGroup],
    states: Mapping[int, str],
    queued: Iterable[str],
    *,
    tier: str | None = None,
    prefix: str | None = None,
    only: Collection[int] | None = None,
) -> BulkPlan:
    """`groups`: every group (those outside the view too: a copy must remain in each group the
    queued assets belong to). `states`: the verdict state of each group ("" when undecided,
    see `core.verdicts`); `queued`: asset ids already in the trash queue. The view: the
    groups of `tier`, with a member under `prefix`, among the ids `only` (each when given)."""
    every = list(groups)
    holders: dict[str, list[frozenset[str]]] = defaultdict(list)
    for g in every:
        ids = frozenset(m.asset_id for m in g.members if m.asset_id)
        for a in ids:
            holders[a].append(ids)
    plan = BulkPlan()
    doomed = set(queued)
    for g in every:
        if (
            (tier and g.tier != tier)
            or not under(g, prefix)
            or (only is not None and g.id not in only)
        ):
            continue
        if states.get(g.id, ""):
            plan.skipped.append((g.id, SkipReason.DECIDED))
            continue
        if one_frame_only(g.reasons):
            plan.skipped.append((g.id, SkipReason.ONE_FRAME))
            continue
        keeper = next((m for m in g.members if m.key == g.keeper), None)
        fresh = [
            m for m in g.members if m.key != g.keeper and m.asset_id and m.asset_id not in doomed
        ]
        if keeper is None or not keeper.asset_id or not fresh:
            plan.skipped.append((g.id, SkipReason.LOCAL))
            continue
        new = {m.asset_id for m in fresh if m.asset_id}
        after = doomed | new
        if any(ids <= after for a in new for ids in holders[a]):
            plan.skipped.append((g.id, SkipReason.EVERY_COPY))
            continue
        plan.accepted[g.id] = [m.asset_id for m in fresh if m.asset_id]
        plan.bytes += sum(m.size or 0 for m in fresh)
        doomed = after
    return plan
