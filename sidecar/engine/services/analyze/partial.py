"""A partial regroup: the part of the library the changes since the stored results reach
(`scope.find_part`) grouped again by the same core functions a full regroup uses, swapped in
for the groups and pairs it replaces, and the whole library's figures read back from the
store (its counts, not a pass over the library)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sidecar.engine.core.candidates import library
from sidecar.engine.core.grouping import GroupingRules, decisions_from, find_groups
from sidecar.engine.core.pairing import PairKind
from sidecar.engine.ports import AnalysisResults, AssetInventory, MarkBook
from sidecar.engine.services.analyze.remote_members import motion_parts, remote_items
from sidecar.engine.services.analyze.scope import find_part
from sidecar.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Regrouped:
    """What a partial regroup rebuilt, and the whole library's figures after it."""

    candidates: int  # grouped again
    media: int
    exact_groups: int
    near_groups: int
    pairs: dict[str, int]
    reclaimable_bytes: int


async def regroup_part(
    analysis: AnalysisResults,
    assets: AssetInventory,
    marks: MarkBook,
    settings: Settings,
    rules: GroupingRules,
    op_id: int,
    upto: int,
    library_size: int,
    remote: bool = False,
) -> Regrouped | None:
    """Regroup what the rows touched up to `upto` reach, as analysis `op_id`; None when a
    full regroup is due instead (nothing is written then). `remote`: with the store's remote
    members (Immich configured)."""
    part = await find_part(analysis, assets, settings, upto, library_size, remote)
    if part is None:
        return None
    # the marks of the part's assets only (a candidate is keyed by its asset's id)
    ids = {v.id for v in part.views} | {a.id for a in part.remote}
    hidden = await motion_parts(analysis, part.links, ids)  # (as a full regroup leaves out)
    lib = library(
        part.media,
        part.views,
        await remote_items(analysis, settings, part.remote),
        await marks.marks_of(ids),
        tuple(settings.analysis.preferred_folders),
        hidden,
    )
    found = find_groups(
        lib,
        part.edges,
        decisions_from(await analysis.decisions()),
        await analysis.pair_decisions(),
        rules,
        contents=part.contents,
    )
    grouped = {c.key for c in lib.candidates if c.content_hash in part.contents}
    old_groups, _, _ = await analysis.results_holding(grouped | part.seeds)
    # pairs of shots are found again over every shot given; a video's pairs (its trims) only
    # when its content is grouped again (a video merely in a folder of the part keeps them)
    elsewhere = {c.key for c in lib.candidates if c.video and c.key not in grouped}
    shots = (lib.members.keys() - elsewhere) | part.pair_seeds
    _, old_pairs, _ = await analysis.results_holding(shots)
    await analysis.swap_part(op_id, (old_groups, old_pairs), found.groups, found.pair_rows, upto)
    log.info(
        "analysis: regrouped %d candidates (%d contents, %d files and %d remote members read)"
        " of about %d",
        len(grouped),
        len(part.contents),
        len(part.media),
        len(part.remote),
        library_size,
    )
    counts = await analysis.group_counts()
    stored = await analysis.pair_counts()
    remote_count = await analysis.count_remote_members() if remote else 0
    return Regrouped(
        len(grouped),
        await analysis.count_media() + remote_count,
        counts.get("exact", 0),
        counts.get("near", 0),
        {kind.value: stored.get(kind.value, 0) for kind in PairKind},
        await analysis.reclaimable(),
    )
