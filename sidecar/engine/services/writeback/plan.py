"""Planning a write-back: refresh the mirror, gather what Immich should show (wishes), and
plan each owner against Immich's state (`owner_plan`). Nothing is written to Immich."""

from __future__ import annotations

from sidecar.engine.core.drift import ReimportedMove
from sidecar.engine.core.models import AssetLink, PairDecision, StoredGroup, StoredPair
from sidecar.engine.core.verdicts import chosen_primaries
from sidecar.engine.core.writeback import (
    ActionKind,
    GroupWish,
    Plan,
    StackWish,
)
from sidecar.engine.ports import (
    Analysis,
    AnalysisResults,
    AssetInventory,
    DriftReader,
    Journal,
    Mirror,
)
from sidecar.engine.services.writeback.owner_plan import OwnerPlanner
from sidecar.engine.services.writeback.reports import Clients, WritePlan
from sidecar.engine.support.errors import SyncBusyError, WritebackRefusedError
from sidecar.immich_client import ImmichError, ImmichUnavailableError
from sidecar.settings import Settings


class Planner:
    def __init__(
        self,
        journal: Journal,
        analysis: AnalysisResults,
        assets: AssetInventory,
        sync: Mirror,
        analyze: Analysis,
        drift: DriftReader,
        settings: Settings,
    ) -> None:
        self.journal = journal
        self.analysis = analysis
        self.assets = assets
        self.sync = sync
        self.analyze = analyze
        self.drift = drift
        self.settings = settings
        self.owners = OwnerPlanner(journal, settings)

    async def plan(self, clients: Clients, refresh: bool, trash_decided: bool) -> WritePlan:
        out = WritePlan(Plan())
        self.settings.required_user_keys()
        if refresh:  # Immich's current assets, and groups and pairs linked to them
            try:
                report = await self.sync.sync()
                out.errors += [f"sync: {e}" for e in report.errors]
                if report.users and all(u.error for u in report.users):
                    return out  # Immich cannot be read: nothing to plan against
            except SyncBusyError:
                out.plan.warnings.append(
                    "the mirror was not refreshed: another sync (the "
                    "daemon's?) is running; the plan uses the last one"
                )
            except ImmichError as exc:
                out.errors.append(f"sync: {exc}")
                return out
            await self.analyze.analyze()
        pair_decisions = await self.analysis.pair_decisions()
        # without a refresh the stored pairs may predate a primary chosen since
        pairs = chosen_primaries(await self.analysis.pairs(), pair_decisions)
        groups = await self.analysis.groups()
        stack_instead = await self.journal.stacks_decided()
        involved = (
            [m.asset_id for p in pairs for m in p.members if m.asset_id]
            + [m.asset_id for g in groups for m in g.members if m.asset_id]
            + [a for _, ids in stack_instead for a in ids]
        )
        decided = await self.journal.trash_decided() if trash_decided else {}
        moves: list[ReimportedMove] = []
        if self.settings.writeback.repair_moves:
            moves = (await self.drift.report()).reimported_moves
        moved = [a for m in moves for a in (m.old_asset_id, m.new_asset_id)]
        links = {a.id: a for a in await self.assets.links_of([*involved, *decided, *moved])}
        moves = [
            m
            for m in moves
            if m.old_asset_id in links
            and m.new_asset_id in links
            and links[m.old_asset_id].owner_id == links[m.new_asset_id].owner_id
        ]
        accepted = {
            members for members, (kind, _) in pair_decisions.items() if kind is PairDecision.ACCEPT
        }
        stack_wishes, album_wanted, group_wishes = self._wishes(links, pairs, groups, accepted)
        stack_wishes += [
            StackWish(
                owner, tuple(ids), "duplicates", "you chose to stack this duplicate group (review)"
            )
            for owner, ids in stack_instead
        ]
        tag_wanted = self._tag_wishes(links, pairs, groups, out.plan)
        owners = {w.owner for w in stack_wishes} | set(album_wanted) | set(tag_wanted)
        owners |= {w.owner for w in group_wishes}
        owners |= {links[a].owner_id for a in decided if a in links}
        owners |= {links[m.new_asset_id].owner_id for m in moves}
        for a in decided:
            if a not in links:
                out.plan.notes.append(f"{a} not trashed: no longer in Immich")
        for owner in sorted(owners):
            label = self._key_of(owner, links)
            if label is None:
                out.errors.append(f"owner {owner}: no configured API key mirrors this user")
                continue
            before = len(out.plan.actions)
            try:
                client = clients.get(label)
                await self.owners.plan_owner(
                    client,
                    owner,
                    stack_wishes,
                    album_wanted.get(owner, {}),
                    group_wishes,
                    links,
                    out.plan,
                )
                if owner in tag_wanted:
                    await self.owners.plan_tags(client, owner, tag_wanted[owner], links, out.plan)
                mine = {
                    a: t for a, t in decided.items() if a in links and links[a].owner_id == owner
                }
                if mine:
                    await self.owners.plan_trash(owner, mine, links, out.plan)
                repairs = [m for m in moves if links[m.new_asset_id].owner_id == owner]
                if repairs:
                    await self.owners.plan_repairs(client, owner, repairs, links, out.plan)
            except (ImmichError, WritebackRefusedError) as exc:
                del out.plan.actions[before:]
                out.errors.append(f"{label}: {exc}")
                out.unavailable |= isinstance(exc, ImmichUnavailableError)
            out.keys += [label] * (len(out.plan.actions) - before)
        _tags_last(out)
        return out

    def _wishes(
        self,
        links: dict[str, AssetLink],
        pairs: list[StoredPair],
        groups: list[StoredGroup],
        accepted: set[frozenset[str]],
    ) -> tuple[list[StackWish], dict[str, dict[str, str]], list[GroupWish]]:
        """What Immich should show: stacks of pairs (of the kinds in `stacks`, and any pair a
        person accepted in the review), review-album members, published duplicate groups."""
        cfg = self.settings.writeback
        wishes = []
        for pair in pairs:
            chosen = frozenset(m.key for m in pair.members) in accepted
            if pair.kind not in cfg.stacks and not chosen:
                continue
            ids = [m.asset_id for m in pair.members]
            if any(i is None for i in ids):
                continue  # local files Immich does not have
            primary = pair.primary
            members = tuple([primary, *sorted(i for i in ids if i and i != primary)])
            why = (
                f"{pair.kind} pair"
                + (" (accepted in the review)" if chosen else "")
                + ": "
                + "; ".join(pair.reasons[:2])
            )
            owner = links[primary].owner_id if primary in links else pair.owner
            wishes.append(StackWish(owner, members, pair.kind, why))
        wanted: dict[str, dict[str, str]] = {}
        published: list[GroupWish] = []
        for group in groups:
            if group.tier not in cfg.review_tiers:
                continue
            ids = [m.asset_id for m in group.members if m.asset_id in links]
            if cfg.review_album:
                for asset_id in ids:
                    assert asset_id is not None
                    owner = links[asset_id].owner_id
                    wanted.setdefault(owner, {})[asset_id] = f"{group.tier} group {group.id}"
            if cfg.publish_duplicates and len(ids) >= 2 and group.keeper in ids:
                members = tuple([group.keeper, *sorted(i for i in ids if i and i != group.keeper)])
                why = f"{group.tier} duplicates: " + "; ".join(group.reasons[:2])
                published.append(GroupWish(links[group.keeper].owner_id, members, group.tier, why))
        return wishes, wanted, published

    def _tag_wishes(
        self,
        links: dict[str, AssetLink],
        pairs: list[StoredPair],
        groups: list[StoredGroup],
        plan: Plan,
    ) -> dict[str, dict[str, dict[str, str]]]:
        """owner -> tag value -> asset id -> why. External-library assets only with
        `tag_external` (Immich writes an .xmp file beside each tagged original)."""
        cfg = self.settings.writeback
        if not cfg.tags:
            return {}
        out: dict[str, dict[str, dict[str, str]]] = {}
        spared: set[str] = set()

        def want(value: str, asset_id: str | None, why: str) -> None:
            link = links.get(asset_id or "")
            if link is None:
                return
            if link.library_id is not None and not cfg.tag_external:
                spared.add(link.id)
                return
            out.setdefault(link.owner_id, {}).setdefault(value, {})[link.id] = why

        for group in groups:
            if group.tier in cfg.review_tiers:
                for m in group.members:
                    want(
                        f"{cfg.tag_root}/duplicate/{group.tier}",
                        m.asset_id,
                        f"{group.tier} group {group.id}",
                    )
        for pair in pairs:
            for m in pair.members:
                want(f"{cfg.tag_root}/{pair.kind}", m.asset_id, f"{pair.kind} {pair.id}")
        if spared:
            plan.notes.append(
                f"{len(spared)} external-library asset(s) not tagged: Immich would write an "
                f".xmp file beside each original, inside your library folders (set "
                f"[writeback] tag_external = true to allow)"
            )
        return out

    @staticmethod
    def _key_of(owner: str, links: dict[str, AssetLink]) -> str | None:
        for a in links.values():
            if a.owner_id == owner:
                return a.sync_key
        return None


def _tags_last(out: WritePlan) -> None:
    """Tags are written after every asset update of the run (publishing duplicate groups,
    repairs): an update queues a metadata write in Immich that drops tags written before it
    runs (API-NOTES §16). Stable: the order within each phase stays."""
    tagging = (ActionKind.CREATE_TAG, ActionKind.TAG_ASSETS)
    order = sorted(range(len(out.plan.actions)), key=lambda i: out.plan.actions[i].kind in tagging)
    out.plan.actions[:] = [out.plan.actions[i] for i in order]
    out.keys[:] = [out.keys[i] for i in order]
