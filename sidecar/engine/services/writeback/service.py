"""Write-back to Immich: plan (fresh state, nothing written), apply (journaled run), undo.

A plan starts with an incremental sync and analysis, so asset states are Immich's current
ones and groups and pairs are linked to them, and reads stacks and the review album straight
from Immich (`plan`, `owner_plan`). Apply journals every action before its call (intent) and
after it (outcome, and what it made), so a killed run is settled on the next plan or apply:
what Immich shows it made is recorded as made, the rest is marked failed, and the new plan
simply contains what is still missing (`apply`). After its actions a run reads back what it
made and makes again what Immich itself dropped (`verify`); things a run made, read back, and
a person removed in Immich later become rejections and are never made again. Undo reverts only
what still stands as the run made it (`undo`). Each action kind's execute, settle and revert
live in its handler (`handlers`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sidecar.engine.core.models import Rejection, RunStatus
from sidecar.engine.core.writeback import stack_key
from sidecar.engine.ports import ClientFactory
from sidecar.engine.services.writeback.apply import Applier, payload
from sidecar.engine.services.writeback.plan import Planner
from sidecar.engine.services.writeback.reports import (
    ApplyReport,
    Clients,
    UndoReport,
    WritePlan,
)
from sidecar.engine.services.writeback.run_wording import (
    GROUP_ACTIONS,
    NAMED_BY_ACTIONS,
    nothing_to_undo,
    outcome_sections,
    rejected,
    rejection_ids,
    undo_lines,
    undone_lines,
)
from sidecar.engine.services.writeback.undo import undo_run
from sidecar.engine.services.writeback.wording import (
    UUID,
    Names,
    Section,
    mentioned,
    plan_sections,
)
from sidecar.engine.support.errors import WritebackBusyError, WritebackRefusedError
from sidecar.engine.support.locks import ExclusiveLock


class WritebackService:
    def __init__(
        self, planner: Planner, connect: ClientFactory, lock: Path, glance: ClientFactory
    ) -> None:
        self.planner = planner
        self.journal = planner.journal
        self.analysis = planner.analysis  # what `decide_trash` checks
        self.assets = planner.assets
        self.settings = planner.settings
        self.connect = connect
        self.glance = glance  # clients whose reads give up after a few seconds
        self.lock = lock
        self.applier = Applier(planner.journal, planner.settings)

    # -- plan ------------------------------------------------------------------------------

    async def plan(
        self, refresh: bool = True, trash_decided: bool = False, glance: bool = False
    ) -> WritePlan:
        """What apply would do now (nothing is written to Immich). Trashing what people
        decided to drop is planned only when asked for (`trash_decided`). `glance`: Immich's
        reads give up after a few seconds, not after `[immich] read_retry_s` (a plan shown
        as things stand, not one to apply)."""
        with self._locked():
            clients = Clients(self.settings, self.glance if glance else self.connect)
            try:
                await self.applier.settle_interrupted(clients)
                return await self.planner.plan(clients, refresh, trash_decided)
            finally:
                await clients.aclose()

    async def stack_instead(self, asset_ids: list[str], owner: str) -> None:
        """A person chose to stack these assets (primary first) instead of trashing copies;
        the next plan creates the stack."""
        await self.journal.decide_stack(asset_ids, owner)

    async def keep(self, asset_ids: list[str]) -> None:
        """Take back decisions to trash these assets."""
        await self.journal.revoke_trash(asset_ids)

    async def decide_trash(self, asset_ids: list[str], note: str | None) -> list[str]:
        """Record that a person decided to drop these assets; refuses ids the mirror does not
        know, and refuses to leave a duplicate group with no copy outside the trash.
        Returns what was recorded."""
        links = {a.id: a for a in await self.assets.links_of(asset_ids)}
        unknown = [a for a in asset_ids if a not in links]
        if unknown:
            raise WritebackRefusedError(
                f"not assets the mirror knows (run 'immich-sidecar sync'): {', '.join(unknown)}"
            )
        doomed = set(await self.journal.trash_decided()) | set(asset_ids)
        for group in await self.analysis.groups_with_assets(asset_ids):
            ids = {m.asset_id for m in group.members if m.asset_id}
            if ids & set(asset_ids) and ids <= doomed:
                raise WritebackRefusedError(
                    f"refused: that would put every copy in {group.tier} group {group.id} "
                    f"into the trash; keep at least one (see 'immich-sidecar report')"
                )
        await self.journal.decide_trash(asset_ids, note)
        return asset_ids

    # -- apply -----------------------------------------------------------------------------

    async def apply(self, planned: WritePlan) -> ApplyReport:
        """Execute a plan as a numbered run (every action journaled before and after)."""
        if not planned.plan.actions:
            return ApplyReport(None)
        with self._locked():
            run_id = await self.journal.start_run(
                [
                    (a.kind.value, a.owner, k, payload(a))
                    for a, k in zip(planned.plan.actions, planned.keys, strict=True)
                ],
                pid=os.getpid(),
            )
            report = ApplyReport(run_id)
            clients = Clients(self.settings, self.connect)
            try:
                await self.applier.run(run_id, clients, report)
            finally:
                await clients.aclose()
            # (a run cut short, by a kill or a cancellation, stays 'running' and is settled
            # against Immich's state by the next plan, apply or undo)
            status = RunStatus.DONE if not report.failed else RunStatus.FAILED
            await self.journal.finish_run(run_id, status, report.as_json())
            return report

    # -- undo ------------------------------------------------------------------------------

    async def undo(self, run_id: int, allow_remake: bool = False) -> UndoReport:
        """Revert what a run made that still stands as it made it. Unless `allow_remake`,
        what is undone counts as rejected: later plans never make it again."""
        with self._locked():
            clients = Clients(self.settings, self.connect)
            try:
                await self.applier.settle_interrupted(clients)
                run = await self.journal.run(run_id)
                if run is None:
                    raise WritebackRefusedError(
                        f"there is no write-back run #{run_id} (see 'immich-sidecar runs')"
                    )
                return await undo_run(self.journal, clients, run, allow_remake)
            finally:
                await clients.aclose()

    # -- runs ------------------------------------------------------------------------------

    async def rejections(self) -> list[Rejection]:
        return await self.journal.rejections()

    async def lift(self, *, run_id: int | None = None, asset_id: str | None = None) -> int:
        """Let later plans make again what a person undid (by run, or naming an asset)."""
        if run_id is not None and await self.journal.run(run_id) is None:
            raise WritebackRefusedError(
                f"there is no write-back run #{run_id} (see 'immich-sidecar runs')"
            )
        return await self.journal.lift(run_id=run_id, asset_id=asset_id)

    async def runs(self) -> list[dict[str, Any]]:
        """Every run; one still marked running whose process is gone was killed: shown as
        interrupted (the next plan, apply or undo settles it)."""
        out = []
        for run in await self.journal.runs():
            actions = await self.journal.actions(run.id)
            counts: dict[str, int] = {}
            for a in actions:
                counts[a.status] = counts.get(a.status, 0) + 1
            gone = run.status == RunStatus.RUNNING and not _alive(run.summary.get("pid"))
            status = RunStatus.INTERRUPTED if gone else run.status
            out.append(
                {
                    "run_id": run.id,
                    "started_at": run.started_at,
                    "ended_at": run.ended_at,
                    "status": status,
                    "actions": len(actions),
                    "by_status": counts,
                }
            )
        return out

    # -- in words ------------------------------------------------------------------------

    async def names(self, asset_ids: list[str]) -> Names:
        """How these assets are named to a person (their paths in Immich, from the mirror)."""
        return Names({a.id: a for a in await self.assets.links_of(asset_ids)})

    async def in_words(self, messages: list[str]) -> list[str]:
        """Messages with the asset ids they hold replaced by the assets' paths."""
        names = await self.names([i for m in messages for i in UUID.findall(m)])
        return [names.text(m) for m in messages]

    async def described(self, planned: WritePlan, limit: int | None = None) -> list[Section]:
        """The plan by kind, in words and paths, warnings first (`limit` items per kind)."""
        return plan_sections(planned, await self.names(mentioned(planned)), limit)

    async def outcome(self, run_id: int) -> list[Section]:
        """What a run did per kind, and each thing it did not do with the reason."""
        actions = await self.journal.actions(run_id)
        ids = [i for a in actions for i in a.payload.get("asset_ids") or []]
        ids += [i for a in actions for i in UUID.findall(a.error or "")]
        return outcome_sections(actions, await self.names(ids))

    async def undo_preview(self, run_id: int) -> list[str]:
        """What undoing a run will do, per kind, and what it leaves alone."""
        run = await self.journal.run(run_id)
        if run is None:
            raise WritebackRefusedError(
                f"there is no write-back run #{run_id} (see 'immich-sidecar runs')"
            )
        return undo_lines(run, await self.journal.actions(run_id))

    async def undone(self, run_id: int) -> list[str]:
        """What an undo of a run reverted, per kind."""
        return undone_lines(await self.journal.actions(run_id))

    async def nothing_to_undo(self, run_id: int) -> str:
        """Why undoing a run would change nothing in Immich ("" when it would)."""
        run = await self.journal.run(run_id)
        if run is None:
            raise WritebackRefusedError(
                f"there is no write-back run #{run_id} (see 'immich-sidecar runs')"
            )
        return nothing_to_undo(run, await self.journal.actions(run_id))

    async def rejections_described(self) -> list[tuple[Rejection, str]]:
        """Each rejection with what it holds back, in words and paths."""
        held = await self.journal.rejections()
        names = await self.names([i for r in held for i in rejection_ids(r)])
        containers: dict[str, str] = {}  # album and tag ids -> names, from the runs' actions
        as_made: dict[str, list[str]] = {}  # stack key -> its assets as made, the primary first
        if any(r.kind in NAMED_BY_ACTIONS for r in held):
            for run in await self.journal.runs():
                for a in await self.journal.actions(run.id):
                    for field in ("album", "tag"):
                        if a.result.get(f"{field}_id") and a.payload.get(field):
                            containers[a.result[f"{field}_id"]] = a.payload[field]
                    if a.kind in GROUP_ACTIONS and a.payload.get("asset_ids"):
                        as_made[stack_key(a.payload["asset_ids"])] = a.payload["asset_ids"]
        return [(r, rejected(r, names, containers, as_made)) for r in held]

    def _locked(self) -> _Lock:
        return _Lock(self.lock)


class _Lock:
    def __init__(self, path: Path) -> None:
        self.inner = ExclusiveLock(path)

    def __enter__(self) -> None:
        if not self.inner.__enter__():
            raise WritebackBusyError("another plan, apply or undo is running; try again later")

    def __exit__(self, *exc: Any) -> None:
        self.inner.__exit__(*exc)


def _alive(pid: object) -> bool:
    """Whether the process that started a run still runs (unknown: taken as running)."""
    if not isinstance(pid, int):
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
