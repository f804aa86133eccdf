"""The review's use cases: the groups and pairs it lists, what people decided about them and
decide now (queued, nothing written to Immich until a plan is applied), and the jobs it runs."""

from __future__ import annotations

from typing import Any

from sidecar.engine.core.models import (
    GroupDecision,
    MemberVerdict,
    PairDecision,
    StoredGroup,
    StoredPair,
)
from sidecar.engine.core.verdicts import (
    PAIR_STATES,
    Verdict,
    chosen_primaries,
    members_out,
    not_duplicates,
    verdict,
)
from sidecar.engine.ports import (
    Analysis,
    AnalysisResults,
    AssetInventory,
    ClientFactory,
    Journal,
    Mirror,
    Scanner,
    StatusReader,
    TrashDecisions,
)
from sidecar.engine.services.review.previews import Previews
from sidecar.engine.services.review.views import GroupQuery, Overview, Shown
from sidecar.engine.support.errors import JobError
from sidecar.immich_client import waiting
from sidecar.settings import Settings


class ReviewService:
    def __init__(
        self,
        status: StatusReader,
        analysis: AnalysisResults,
        journal: Journal,
        assets: AssetInventory,
        decisions: TrashDecisions,
        settings: Settings,
        connect: ClientFactory,
        *,
        sync: Mirror,
        scanner: Scanner,
        analyze: Analysis,
    ) -> None:
        self.status = status
        self.analysis = analysis
        self.journal = journal
        self.assets = assets
        self.decisions = decisions  # write-back's: it refuses to trash every copy of a group
        self.settings = settings
        self.connect = connect
        self.sync_service = sync
        self.scanner = scanner
        self.analyze_service = analyze
        self.previews = Previews(assets, settings, connect)  # what members are drawn with

    async def overview(self) -> Overview:
        report = await self.status.report(limit=0)
        drift: dict[str, int] = {}
        latest = ""
        for job in report.jobs:
            if job.counts.get("drift") and (job.last_ended or "") > latest:
                drift, latest = job.counts["drift"], job.last_ended or ""
        return Overview(
            files=report.files,
            files_removed=report.files_removed,
            assets=report.assets,
            roots=report.roots,
            groups=await self.analysis.group_counts(),
            pairs=await self.analysis.pair_counts(),
            jobs=report.jobs,
            watcher=report.watcher,
            heartbeat=report.heartbeat,
            drift=drift,
            trash_pending=len(await self.journal.trash_decided()),
            per_user=await self.assets.count_by_user(),
        )

    async def groups(
        self, offset: int, limit: int, sort: str = "reclaim", tier: str | None = None
    ) -> list[StoredGroup]:
        return await self.analysis.groups(limit, offset, sort, tier)

    async def group_query(
        self,
        sort: str = "reclaim",
        tier: str | None = None,
        shown: Shown = Shown.ALL,
        text: str = "",
    ) -> GroupQuery:
        """A view of the groups (see `GroupQuery`); reads the decided groups when it needs
        them."""
        decided = await self.decided_groups() if shown is not Shown.ALL else frozenset()
        return GroupQuery(sort, tier, shown, text.strip(), decided)

    async def group_page(self, query: GroupQuery, offset: int, limit: int) -> list[StoredGroup]:
        return await self.analysis.groups(limit, offset, query.sort, query.tier, **query.filters())

    async def group_total(self, query: GroupQuery) -> int:
        """How many groups the view has, all pages together."""
        return await self.analysis.count_groups(query.tier, **query.filters())

    async def group_ids(self, query: GroupQuery) -> list[int]:
        """The ids of every group of the view."""
        return await self.analysis.group_ids(query.tier, **query.filters())

    async def decided_groups(self) -> frozenset[int]:
        """Ids of the groups a person decided something about (whose state is not ""),
        without reading every group: a group with a member in the trash queue is decided;
        of those a "not duplicates" or stack decision names, the verdict says."""
        trash = set(await self.analysis.groups_queued())
        sets, _ = await self._not_duplicates()
        keys = sorted({k for keys in sets for k in keys})
        stacked = sorted({a for _, ids in await self.journal.stacks_decided() for a in ids})
        maybe = set(await self.analysis.groups_holding(stacked, keys)) - trash
        if maybe:
            verdicts = await self.group_verdicts(await self.analysis.groups_by_id(sorted(maybe)))
            trash |= {i for i, v in verdicts.items() if v.state}
        return frozenset(trash)

    async def pairs(self, offset: int, limit: int) -> list[StoredPair]:
        """A page of pairs, each with the primary a person chose (if one did)."""
        page = await self.analysis.pairs(limit, offset)
        return chosen_primaries(page, await self.analysis.pair_decisions())

    async def pair_total(self) -> int:
        return await self.analysis.count_pairs()

    async def results_stamp(self) -> tuple[int | None, int | None]:
        """Changes whenever an analysis (this process's or the daemon's) replaced the results."""
        return await self.analysis.results_stamp()

    async def _not_duplicates(self) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
        return not_duplicates(await self.analysis.decisions())

    async def outs(self, group: StoredGroup) -> set[str]:
        _, pairs = await self._not_duplicates()
        return members_out(group, pairs)

    async def group_verdicts(self, groups: list[StoredGroup]) -> dict[int, Verdict]:
        """What a person already decided about each group (see `Verdict`), by group id."""
        not_dup, separated = await self._not_duplicates()
        stacked = {frozenset(ids) for _, ids in await self.journal.stacks_decided()}
        queued = await self.journal.trash_decided()
        return {g.id: verdict(g, not_dup, separated, stacked, queued) for g in groups}

    async def group_verdict(self, group: StoredGroup) -> Verdict:
        return (await self.group_verdicts([group]))[group.id]

    async def pair_states(self, pairs: list[StoredPair]) -> dict[int, str]:
        """ "accepted", "rejected" or "primary set" for pairs a person decided about."""
        decided = await self.analysis.pair_decisions()
        out = {}
        for p in pairs:
            kind, _ = decided.get(frozenset(m.key for m in p.members), (None, None))
            if kind is not None:
                out[p.id] = PAIR_STATES[kind]
        return out

    async def undo_decision(self, group: StoredGroup) -> None:
        """Take back what was decided about this group here: its members leave the trash
        queue, and a "not duplicates" or stack-instead decision is forgotten."""
        ids = [m.asset_id for m in group.members if m.asset_id]
        if ids:
            await self.decisions.keep(ids)
            await self.journal.undecide_stack(ids)
        keys = [m.key for m in group.members]
        await self.analysis.undecide(GroupDecision.NOT_DUPLICATES, keys)
        for n, a in enumerate(keys):
            for b in keys[n + 1 :]:
                await self.analysis.undecide(GroupDecision.NOT_DUPLICATES, [a, b])

    async def not_this_one(self, group: StoredGroup, member: str) -> str:
        """This member is no duplicate of the others (persisted per pair: the next analysis
        leaves it out of the group, the others stay grouped). Until then, keep and stack
        leave it alone, and what was decided about the group stops counting on it: queued
        for the trash, it leaves the queue (a copy that is no copy is no reason to trash
        it); the member kept, the others leave the queue too (else every copy of them would
        go); in a stack decided here, the stack decision is taken back. Returns what changed
        besides, in words ("" when nothing)."""
        before = await self.group_verdict(group)
        note = f"review: out of {group.tier} group {group.id}"
        for other in (m.key for m in group.members if m.key != member):
            await self.analysis.decide(GroupDecision.NOT_DUPLICATES, [member, other], note=note)
        ids = [m.asset_id for m in group.members if m.asset_id]
        mark = before.marks.get(member)
        if mark is MemberVerdict.STACK:
            await self.journal.undecide_stack(ids)
            return "the stack decided for this group is taken back: decide the rest again"
        if mark is MemberVerdict.KEEP and before.state.startswith(MemberVerdict.TRASH):
            await self.decisions.keep(ids)
            return "it was the copy kept, so the others left the trash queue: decide them again"
        if mark is MemberVerdict.TRASH:
            asset = next(m.asset_id for m in group.members if m.key == member)
            if asset:
                await self.decisions.keep([asset])
            return "it left the trash queue"
        return ""

    async def not_duplicates(self, group: StoredGroup) -> None:
        """Persisted: later analyses never group these members again."""
        await self.analysis.decide(
            GroupDecision.NOT_DUPLICATES,
            [m.key for m in group.members],
            note=f"review: {group.tier} group {group.id}",
        )

    async def keep(self, group: StoredGroup, keeper: str) -> list[str]:
        """Keep `keeper`; the other members go to the trash queue (nothing is written to
        Immich until `apply --trash-decided`). Returns the queued asset ids."""
        out = await self.outs(group)
        if keeper in out:
            raise ValueError("that member was taken out of the group (u takes it back)")
        others = [
            m.asset_id for m in group.members if m.key != keeper and m.asset_id and m.key not in out
        ]
        if not others:
            raise ValueError("only Immich assets can be queued for the trash (local mode)")
        return await self.decisions.decide_trash(others, f"review: kept {keeper}")

    async def stack_instead(self, group: StoredGroup) -> list[str]:
        """Stack the group's Immich assets (the keeper on top) instead of trashing copies;
        the next plan/apply creates the stack."""
        out = await self.outs(group)
        ids = [m.asset_id for m in group.members if m.asset_id and m.key not in out]
        keeper = next((m.asset_id for m in group.members if m.key == group.keeper), None)
        if len(ids) < 2 or keeper is None or keeper not in ids:
            raise ValueError("only Immich assets can be stacked (local mode)")
        ordered = [keeper, *[i for i in ids if i != keeper]]
        await self.decisions.stack_instead(ordered, group.owner)
        return ordered

    async def albums(self, group: StoredGroup) -> dict[str, list[str]]:
        """Album names per member asset, read from Immich (each owner's own key)."""
        ids = [m.asset_id for m in group.members if m.asset_id]
        if not ids:
            return {}
        links = await self.assets.links_of(ids)
        keys = dict(self.settings.user_keys())
        out: dict[str, list[str]] = {}
        for label in {link.sync_key for link in links if link.sync_key in keys}:
            client = self.connect(keys[label])  # one client per user's key
            try:
                for link in links:
                    if link.sync_key == label:
                        out[link.id] = sorted(a.name for a in await client.albums_of(link.id))
            finally:
                await client.aclose()
        return out

    async def reject_pair(self, pair: StoredPair) -> None:
        """Not a pair: never formed again (persisted)."""
        await self.analysis.decide_pair([m.key for m in pair.members], PairDecision.REJECT, None)

    async def accept_pair(self, pair: StoredPair) -> None:
        """A person confirms the pair: the next plan stacks it (primary on top) even when its
        kind is not one `writeback.stacks` stacks by itself."""
        await self.analysis.decide_pair(
            [m.key for m in pair.members], PairDecision.ACCEPT, pair.primary
        )

    async def choose_primary(self, pair: StoredPair, primary: str) -> None:
        """A new primary; an accepted pair stays accepted."""
        keys = [m.key for m in pair.members]
        kind, _ = (await self.analysis.pair_decisions()).get(frozenset(keys), (None, None))
        accepted = kind is PairDecision.ACCEPT
        await self.analysis.decide_pair(
            keys, PairDecision.ACCEPT if accepted else PairDecision.PRIMARY, primary
        )

    async def undo_pair_decision(self, pair: StoredPair) -> None:
        await self.analysis.undecide_pair([m.key for m in pair.members])

    async def run_sync(self) -> Any:
        report = await self.sync_service.sync()
        if report.errors:
            raise JobError("; ".join(report.errors))
        return report.as_json()

    def immich_waiting_s(self) -> float | None:
        """How long a request of a job has been waiting for Immich to answer (None: none
        waits), for the screen to say why the job is quiet."""
        return waiting.waiting_s()

    async def run_scan(self) -> Any:
        return (await self.scanner.scan_paths([])).as_json()

    async def run_analyze(self) -> Any:
        return (await self.analyze_service.analyze()).as_json()

    async def immich_paths(self, asset_ids: list[str]) -> dict[str, str]:
        """Immich's original path of each asset (asset id -> path), from the mirror."""
        return {a.id: a.original_path for a in await self.assets.links_of(asset_ids)}
