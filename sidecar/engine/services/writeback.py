"""Write-back to Immich: plan (fresh state, nothing written), apply (journaled run), undo.

A plan starts with an incremental sync and analysis, so asset states are Immich's current
ones and groups and pairs are linked to them, and reads stacks and the review album straight
from Immich. Apply journals every action before its call
(intent) and after it (outcome, and what it made), so a killed run is settled on the next
plan or apply: what Immich shows it made is recorded as made, the rest is marked failed, and
the new plan simply contains what is still missing. After its actions a run reads back what it
made and makes again what Immich itself dropped (`verify`); things a run made, read back, and
a person removed in Immich later become rejections and are never made again. Undo reverts only
what still stands as the run made it (`revert`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sidecar.engine.core.drift import ReimportedMove
from sidecar.engine.core.writeback import (
    Action,
    ActionKind,
    AlbumState,
    GroupWish,
    LiveStack,
    MoveState,
    Plan,
    StackWish,
    TagState,
    entry_key,
    plan_album,
    plan_duplicates,
    plan_repair,
    plan_stacks,
    plan_tags,
    plan_trash,
    stack_key,
)
from sidecar.engine.ports import ClientFactory
from sidecar.engine.services.analyze import AnalyzeService
from sidecar.engine.services.drift import DriftService
from sidecar.engine.services.locks import ExclusiveLock
from sidecar.engine.services.revert import description, duplicate_id, is_trashed, revert
from sidecar.engine.services.sync import SyncBusyError, SyncService
from sidecar.engine.services.verify import READ_BACK, verify_run
from sidecar.engine.store.analysis import AnalysisStore, StoredGroup, StoredPair
from sidecar.engine.store.assets import AssetLink, AssetStore
from sidecar.engine.store.journal import JournalAction, JournalStore, Made, Rejection
from sidecar.immich_client import (
    ImmichClient,
    ImmichError,
    ImmichNotFoundError,
    ImmichPermissionError,
    ImmichUnavailableError,
)
from sidecar.immich_client.models import BulkIdResult
from sidecar.settings import Settings

log = logging.getLogger(__name__)
ALBUM_DESCRIPTION = "Members of duplicate groups found by immich-sidecar, to review."


class WritebackBusyError(Exception):
    """Another plan/apply/undo holds the lock."""


class WritebackRefusedError(Exception):
    """A request the journal cannot serve (an unknown run); the message says what to do."""


@dataclass(slots=True)
class WritePlan:
    plan: Plan
    keys: list[str] = field(default_factory=list)  # the API key label acting, per action
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "actions": [{**a.as_json(), "api_key": k}
                        for a, k in zip(self.plan.actions, self.keys, strict=True)],
            "summary": self.plan.summary(),
            "warnings": self.plan.warnings,
            "notes": self.plan.notes,
            "errors": self.errors,
        }  # fmt: skip

    def subset(self, positions: list[int]) -> WritePlan:
        """Only the actions at `positions` (with their keys and this plan's errors)."""
        out = WritePlan(type(self.plan)(), errors=list(self.errors))
        out.plan.actions = [self.plan.actions[n] for n in positions]
        out.keys = [self.keys[n] for n in positions]
        return out


@dataclass(slots=True)
class ApplyReport:
    run_id: int | None
    applied: int = 0
    failed: int = 0
    skipped: int = 0
    remade: int = 0  # entries Immich dropped after the run wrote them, written again
    messages: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "applied": self.applied,
            "failed": self.failed,
            "skipped": self.skipped,
            "remade": self.remade,
            "messages": self.messages,
        }


@dataclass(slots=True)
class UndoReport:
    run_id: int
    reverted: int = 0  # actions with something reverted
    left: int = 0  # actions with nothing to revert: already gone, or changed by a person
    failed: int = 0
    lifted: int = 0  # rejections lifted (`--allow-remake` on a run undone before)
    messages: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "reverted": self.reverted,
            "left": self.left,
            "failed": self.failed,
            "lifted": self.lifted,
            "messages": self.messages,
        }


class _Clients:
    """One client per API key label, for the duration of a command."""

    def __init__(self, settings: Settings, connect: ClientFactory) -> None:
        self.keys = dict(settings.user_keys())
        self.connect = connect
        self.open: dict[str, ImmichClient] = {}

    def get(self, label: str) -> ImmichClient:
        if label not in self.open:
            key = self.keys.get(label)
            if key is None:
                raise ImmichError(f"no API key named '{label}' is configured any more")
            self.open[label] = self.connect(key)
        return self.open[label]

    async def aclose(self) -> None:
        for client in self.open.values():
            await client.aclose()


class WritebackService:
    def __init__(
        self, journal: JournalStore, analysis: AnalysisStore, assets: AssetStore,
        sync: SyncService, analyze: AnalyzeService, drift: DriftService, settings: Settings,
        connect: ClientFactory, lock: Path,
    ) -> None:  # fmt: skip
        self.journal = journal
        self.analyze = analyze
        self.drift = drift
        self.analysis = analysis
        self.assets = assets
        self.sync = sync
        self.settings = settings
        self.connect = connect
        self.lock = lock

    # -- plan ------------------------------------------------------------------------------

    async def plan(self, refresh: bool = True, trash_decided: bool = False) -> WritePlan:
        """What apply would do now (nothing is written to Immich). Trashing what people
        decided to drop is planned only when asked for (`trash_decided`)."""
        with self._locked():
            clients = _Clients(self.settings, self.connect)
            try:
                await self._settle_interrupted(clients)
                return await self._plan(clients, refresh, trash_decided)
            finally:
                await clients.aclose()

    async def _plan(self, clients: _Clients, refresh: bool, trash_decided: bool) -> WritePlan:
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
        pairs, groups = await self.analysis.pairs(), await self.analysis.groups()
        stack_instead = await self.journal.stacks_decided()
        involved = [m.asset_id for p in pairs for m in p.members if m.asset_id] + [
            m.asset_id for g in groups for m in g.members if m.asset_id
        ] + [a for _, ids in stack_instead for a in ids]  # fmt: skip
        decided = await self.journal.trash_decided() if trash_decided else {}
        moves: list[ReimportedMove] = []
        if self.settings.writeback.repair_moves:
            moves = (await self.drift.report()).reimported_moves
        moved = [a for m in moves for a in (m.old_asset_id, m.new_asset_id)]
        links = {a.id: a for a in await self.assets.links_of([*involved, *decided, *moved])}
        moves = [m for m in moves if m.old_asset_id in links and m.new_asset_id in links
                 and links[m.old_asset_id].owner_id == links[m.new_asset_id].owner_id]  # fmt: skip
        accepted = {members for members, (kind, _) in (await self.analysis.pair_decisions()).items()
                    if kind == "accept"}  # fmt: skip
        stack_wishes, album_wanted, group_wishes = self._wishes(links, pairs, groups, accepted)
        stack_wishes += [StackWish(owner, tuple(ids), "duplicates",
                                   "you chose to stack this duplicate group (review)")
                         for owner, ids in stack_instead]  # fmt: skip
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
                await self._plan_owner(client, owner, stack_wishes, album_wanted.get(owner, {}),
                                       group_wishes, links, out.plan)  # fmt: skip
                if owner in tag_wanted:
                    await self._plan_tags(client, owner, tag_wanted[owner], links, out.plan)
                mine = {a: t for a, t in decided.items() if a in links
                        and links[a].owner_id == owner}  # fmt: skip
                if mine:
                    await self._plan_trash(owner, mine, links, out.plan)
                repairs = [m for m in moves if links[m.new_asset_id].owner_id == owner]
                if repairs:
                    await self._plan_repairs(client, owner, repairs, links, out.plan)
            except ImmichError as exc:
                del out.plan.actions[before:]
                out.errors.append(f"{label}: {exc}")
            out.keys += [label] * (len(out.plan.actions) - before)
        _tags_last(out)
        return out

    def _wishes(
        self, links: dict[str, AssetLink], pairs: list[StoredPair], groups: list[StoredGroup],
        accepted: set[frozenset[str]],
    ) -> tuple[list[StackWish], dict[str, dict[str, str]], list[GroupWish]]:  # fmt: skip
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
            why = (f"{pair.kind} pair" + (" (accepted in the review)" if chosen else "") + ": "
                   + "; ".join(pair.reasons[:2]))  # fmt: skip
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
                published.append(GroupWish(links[group.keeper].owner_id, members, group.tier,
                                           why))  # fmt: skip
        return wishes, wanted, published

    def _tag_wishes(
        self, links: dict[str, AssetLink], pairs: list[StoredPair], groups: list[StoredGroup],
        plan: Plan,
    ) -> dict[str, dict[str, dict[str, str]]]:  # fmt: skip
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
                    want(f"{cfg.tag_root}/duplicate/{group.tier}", m.asset_id,
                         f"{group.tier} group {group.id}")  # fmt: skip
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

    async def _plan_tags(
        self, client: ImmichClient, owner: str, wanted: dict[str, dict[str, str]],
        links: dict[str, AssetLink], plan: Plan,
    ) -> None:  # fmt: skip
        now = {t.value: t.id for t in await client.tags()}
        made_tags = {m.key: m for m in await self.journal.made("tag", owner)}
        deleted = [m for m in made_tags.values() if m.immich_id not in now.values()]
        await self.journal.end_made(deleted, "tag deleted in Immich", reject=True)
        rejected_tags = await self.journal.rejected("tag")
        entries = await self.journal.made("tag_asset", owner)
        states = {}
        for value in wanted:
            tag_id = now.get(value)
            if f"{owner}:{value}" in rejected_tags:
                states[value] = TagState(value, None, rejected=True)
                continue
            members: set[str] = await client.tag_asset_ids(tag_id) if tag_id else set()
            removed = [m for m in entries if m.immich_id == tag_id
                       and m.key.split(":", 1)[1] not in members]  # fmt: skip
            await self._gone(removed, "untagged in Immich", plan)
            states[value] = TagState(value, tag_id, frozenset(members))
        unavailable = _unavailable(links, [a for v in wanted.values() for a in v])
        plan_tags(owner, wanted, states, await self.journal.rejected("tag_asset"), unavailable,
                  plan)  # fmt: skip

    async def _plan_repairs(
        self,
        client: ImmichClient,
        owner: str,
        moves: list[ReimportedMove],
        links: dict[str, AssetLink],
        plan: Plan,
    ) -> None:
        album_entries = await self.journal.made("album_asset", owner)
        tag_entries = await self.journal.made("tag_asset", owner)
        rejected = set(await self.journal.rejected("album_asset")) | set(
            await self.journal.rejected("tag_asset")
        )
        spared = 0
        for move in moves:
            old, new = move.old_asset_id, move.new_asset_id
            old_asset, new_asset = await client.asset(old), await client.asset(new)
            old_albums = {a.id for a in await client.albums_of(old)}
            new_albums = {a.id for a in await client.albums_of(new)}
            old_tags = {t.id for t in old_asset.tags or []}
            new_tags = {t.id for t in new_asset.tags or []}
            undone = [m for m in album_entries if m.key.endswith(f":{new}")
                      and m.immich_id not in new_albums]  # fmt: skip
            undone += [m for m in tag_entries if m.key.endswith(f":{new}")
                       and m.immich_id not in new_tags]  # fmt: skip
            await self._gone(undone, "removed from the new asset in Immich", plan)
            rejected |= {m.key for m in undone if m.verified}
            state = MoveState(
                owner, old, new, move.evidence, frozenset(old_albums), frozenset(new_albums),
                frozenset(old_tags), frozenset(new_tags), old_asset.is_favorite,
                new_asset.is_favorite, description(old_asset), description(new_asset),
                old_asset.stack is not None,
            )  # fmt: skip
            external = links[new].library_id is not None
            xmp_allowed = not external or self.settings.writeback.repair_external
            spared += plan_repair(state, frozenset(rejected), plan, xmp_allowed=xmp_allowed)
        if spared:
            plan.notes.append(
                f"{spared} re-imported external-library asset(s) not given their tags or "
                f"description back: Immich would write an .xmp file beside each original, "
                f"inside your library folders, and undo cannot remove it (set [writeback] "
                f"repair_external = true to allow; albums and favourite are carried)"
            )

    async def _plan_trash(
        self, owner: str, decided: dict[str, str], links: dict[str, AssetLink], plan: Plan
    ) -> None:
        made = await self.journal.made("trash", owner)
        restored = [m for m in made if m.key in links and links[m.key].state != "trashed"]
        await self.journal.end_made(restored, "restored from the trash in Immich", reject=True)
        if restored:  # the person took the decision back
            await self.journal.revoke_trash([m.key for m in restored])
            for m in restored:
                decided.pop(m.key, None)
                plan.rejected += 1
        trashed = frozenset(a for a in decided if links[a].state == "trashed")
        external = frozenset(a for a in decided if links[a].library_id is not None)
        offline = {a: "offline (its file is missing)" for a in decided
                   if links[a].is_offline and a not in trashed}  # fmt: skip
        plan_trash(owner, decided, trashed, external, offline, plan)

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
            raise ImmichError(f"not assets the mirror knows (run `sync`): {', '.join(unknown)}")
        doomed = set(await self.journal.trash_decided()) | set(asset_ids)
        for group in await self.analysis.groups_with_assets(asset_ids):
            ids = {m.asset_id for m in group.members if m.asset_id}
            if ids & set(asset_ids) and ids <= doomed:
                raise ImmichError(
                    f"refused: that would put every copy in {group.tier} group {group.id} "
                    f"into the trash; keep at least one (see `report`)"
                )
        await self.journal.decide_trash(asset_ids, note)
        return asset_ids

    async def _plan_owner(
        self, client: ImmichClient, owner: str, wishes: list[StackWish],
        album_wanted: dict[str, str], group_wishes: list[GroupWish],
        links: dict[str, AssetLink], plan: Plan,
    ) -> None:  # fmt: skip
        mine = [w for w in wishes if w.owner == owner]
        groups = [g for g in group_wishes if g.owner == owner]
        unavailable = _unavailable(
            links, [a for w in mine for a in w.members] + [a for g in groups for a in g.members]
        )
        if mine:
            stacks = await client.stacks()
            live = {}
            for s in stacks:
                ls = LiveStack(s.id, s.primary_asset_id, frozenset(a.id for a in s.assets))
                for asset_id in ls.members:
                    live[asset_id] = ls
            live_ids = {s.id for s in stacks}
            made = await self.journal.made("stack", owner)
            gone = [m for m in made if m.immich_id not in live_ids]
            await self._gone(gone, "unstacked in Immich", plan)
            ours = frozenset(m.immich_id for m in made if m.immich_id in live_ids)
            plan_stacks(mine, live, ours, await self.journal.rejected("stack"), unavailable,
                        plan)  # fmt: skip
        if album_wanted:
            album = await self._album_state(client, owner, plan)
            plan_album(owner, album, album_wanted, await self.journal.rejected("album_asset"),
                       unavailable, plan)  # fmt: skip
        if groups:
            made = await self.journal.made("duplicate_group", owner)
            gone = [m for m in made if not all(
                a in links and links[a].duplicate_id == m.immich_id for a in m.key.split(",")
            )]  # fmt: skip
            await self.journal.end_made(gone, "dismissed or resolved in Immich", reject=True)
            published = {m.key: m.immich_id or "" for m in made if m not in gone}
            duplicate_of = {a: links[a].duplicate_id for g in groups for a in g.members
                            if a in links}  # fmt: skip
            plan_duplicates(groups, duplicate_of, published,
                            await self.journal.rejected("duplicate_group"), unavailable,
                            plan)  # fmt: skip

    async def _gone(self, made: list[Made], why: str, plan: Plan) -> None:
        """Things a run made that are gone from Immich: a person's rejection when the run had
        read them back (verified); else Immich itself may have dropped them: made again."""
        kinds = ", ".join(sorted({m.kind for m in made if not m.verified}))
        unverified = await self.journal.end_gone(made, why)
        if unverified:
            plan.notes.append(
                f"{unverified} {kinds} entries an earlier run wrote were gone before it "
                f"could verify them (Immich itself drops some): made again, not taken for a "
                f"person's removal"
            )

    async def _album_state(self, client: ImmichClient, owner: str, plan: Plan) -> AlbumState:
        name = self.settings.writeback.review_album_name
        key = f"{owner}:{name}"
        if key in await self.journal.rejected("album"):
            return AlbumState(name, None, rejected=True)
        existing = {a.id for a in await client.find_albums(name)}
        made = [m for m in await self.journal.made("album", owner) if m.key == key]
        for m in made:
            if m.immich_id not in existing:  # a person deleted the album a run made
                await self.journal.end_made([m], "album deleted in Immich", reject=True)
                return AlbumState(name, None, rejected=True)
        album_id = made[0].immich_id if made else (min(existing) if existing else None)
        if album_id is None:
            return AlbumState(name, None)
        members = await client.album_asset_ids(album_id)
        entries = [m for m in await self.journal.made("album_asset", owner)
                   if m.immich_id == album_id]  # fmt: skip
        removed = [m for m in entries if m.key.split(":", 1)[1] not in members]
        await self._gone(removed, "removed from the album in Immich", plan)
        return AlbumState(name, album_id, frozenset(members))

    @staticmethod
    def _key_of(owner: str, links: dict[str, AssetLink]) -> str | None:
        for a in links.values():
            if a.owner_id == owner:
                return a.sync_key
        return None

    # -- apply -----------------------------------------------------------------------------

    async def apply(self, planned: WritePlan) -> ApplyReport:
        """Execute a plan as a numbered run (every action journaled before and after)."""
        if not planned.plan.actions:
            return ApplyReport(None)
        with self._locked():
            run_id = await self.journal.start_run(
                [
                    (a.kind.value, a.owner, k, _payload(a))
                    for a, k in zip(planned.plan.actions, planned.keys, strict=True)
                ],
                pid=os.getpid(),
            )
            report = ApplyReport(run_id)
            clients = _Clients(self.settings, self.connect)
            try:
                updated_and_tagged = await self._run(run_id, clients, report)
                await self._verify(run_id, clients, report, updated_and_tagged)
            finally:
                await clients.aclose()
            # (a run cut short, by a kill or a cancellation, stays 'running' and is settled
            # against Immich's state by the next plan, apply or undo)
            status = "done" if not report.failed else "failed"
            await self.journal.finish_run(run_id, status, report.as_json())
            return report

    async def _run(self, run_id: int, clients: _Clients, report: ApplyReport) -> bool:
        """Execute the run's actions in order, pausing before tagging assets it has just
        updated. True when it both updated assets and tagged: Immich's queued metadata writes
        can still drop tags, so reading back waits for them to settle first."""
        # albums and tags made earlier in this run: (owner, album name or tag) -> id
        created: dict[tuple[str, str], str] = {}
        blocked: dict[tuple[str, str], str] = {}  # (api key, kind) -> why
        stop: str | None = None
        # assets updated since the last pause: Immich queues a metadata write per asset
        updated: set[str] = set()
        any_update = any_tags = False
        for action in await self.journal.actions(run_id):
            why = stop or blocked.get((action.sync_key, action.kind))
            if why is not None:
                await self.journal.set_status(action.id, "skipped", error=why)
                report.skipped += 1
                continue
            touched = set(_updates(action))
            if action.kind == ActionKind.TAG_ASSETS.value and updated & set(
                action.payload["asset_ids"]
            ):
                await asyncio.sleep(self.settings.writeback.settle_seconds)  # let them settle
                updated.clear()
            updated |= touched
            any_update |= bool(touched)
            any_tags |= action.kind in (ActionKind.TAG_ASSETS.value, ActionKind.REPAIR_MOVE.value)
            await self.journal.set_status(action.id, "intent")
            try:
                result, made = await self._execute(clients.get(action.sync_key), action, created)
            except ImmichPermissionError as exc:
                blocked[(action.sync_key, action.kind)] = str(exc)
                await self._failed(action, str(exc), report)
            except ImmichNotFoundError as exc:  # an id went stale since the plan
                await self.journal.set_status(action.id, "skipped", error=f"stale: {exc}")
                report.skipped += 1
                report.messages.append(f"#{action.seq} skipped, an asset is gone: {exc}")
            except ImmichUnavailableError as exc:
                if exc.status is None:  # cannot reach Immich: the rest would fail alike
                    stop = f"not attempted: {exc}"
                await self._failed(action, str(exc), report)
            except ImmichError as exc:
                await self._failed(action, str(exc), report)
            else:
                await self.journal.done(action, result, made, unverified=READ_BACK)
                report.applied += 1
                if result.get("dropped"):
                    report.messages.append(f"#{action.seq}: left out {result['dropped']}")

        return any_update and any_tags

    async def _verify(
        self, run_id: int, clients: _Clients, report: ApplyReport, settle_first: bool
    ) -> None:
        """Read back what the run made; make again what Immich itself dropped, and say so."""
        if settle_first:
            await asyncio.sleep(self.settings.writeback.settle_seconds)
        try:
            settle = self.settings.writeback.settle_seconds
            verified = await verify_run(self.journal, run_id, clients.get, settle)
        except ImmichError as exc:
            report.messages.append(
                f"could not read back what the run made: {exc}; the next plan makes again "
                f"whatever is missing"
            )
            return
        report.remade = sum(verified.remade.values())
        report.messages += verified.messages()

    async def _failed(self, action: JournalAction, error: str, report: ApplyReport) -> None:
        await self.journal.set_status(action.id, "failed", error=error)
        report.failed += 1
        report.messages.append(f"#{action.seq} {action.kind} failed: {error}")

    async def _execute(
        self, client: ImmichClient, action: JournalAction, created: dict[tuple[str, str], str]
    ) -> tuple[dict[str, Any], list[tuple[str, str, str | None]]]:
        p = action.payload
        ids: list[str] = list(p["asset_ids"])
        if action.kind == ActionKind.CREATE_STACK.value:
            stack = await client.create_stack(ids)
            members = [a.id for a in stack.assets]
            return ({"stack_id": stack.id, "members": members},
                    [("stack", stack_key(members), stack.id)])  # fmt: skip
        if action.kind == ActionKind.CREATE_ALBUM.value:
            album = await client.create_album(p["album"], ALBUM_DESCRIPTION)
            created[(action.owner, p["album"])] = album.id
            return {"album_id": album.id}, [("album", f"{action.owner}:{p['album']}", album.id)]
        if action.kind == ActionKind.ADD_TO_ALBUM.value:
            album_id = p.get("album_id") or created.get((action.owner, p["album"]))
            if album_id is None:
                raise ImmichError("the album this action adds to was not created")
            result, made = _entries(await client.add_to_album(album_id, ids), "album_asset",
                                    album_id)  # fmt: skip
            return {"album_id": album_id, **result}, made
        if action.kind == ActionKind.CREATE_TAG.value:
            before = {t.value for t in await client.tags()}
            (leaf,) = await client.upsert_tags([p["tag"]])
            created[(action.owner, p["tag"])] = leaf.id
            new_tags = [t for t in await client.tags() if t.value not in before]
            return ({"tag_id": leaf.id, "created": [t.value for t in new_tags]},
                    [("tag", f"{action.owner}:{t.value}", t.id) for t in new_tags])  # fmt: skip
        if action.kind == ActionKind.TAG_ASSETS.value:
            tag_id = p.get("tag_id") or created.get((action.owner, p["tag"]))
            if tag_id is None:
                raise ImmichError("the tag this action uses was not created")
            result, made = _entries(await client.tag_assets(tag_id, ids), "tag_asset", tag_id)
            return {"tag_id": tag_id, **result}, made
        if action.kind == ActionKind.REPAIR_MOVE.value:
            return await self._repair(client, ids[1], p["carry"])
        if action.kind == ActionKind.TRASH.value:
            await client.trash_assets(ids)  # never forced
            return {"trashed": ids}, [("trash", a, a) for a in ids]
        if action.kind == ActionKind.PUBLISH_DUPLICATES.value:
            await client.update_assets(ids, duplicateId=p["duplicate_id"])
            return ({"duplicate_id": p["duplicate_id"]},
                    [("duplicate_group", stack_key(ids), p["duplicate_id"])])  # fmt: skip
        raise ImmichError(f"unknown action kind {action.kind}")

    async def _repair(
        self, client: ImmichClient, new: str, carry: dict[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str, str | None]]]:
        made: list[tuple[str, str, str | None]] = []
        for album_id in carry.get("albums", []):
            if any(r.success for r in await client.add_to_album(album_id, [new])):
                made.append(("album_asset", entry_key(album_id, new), album_id))
        for tag_id in carry.get("tags", []):
            if any(r.success for r in await client.tag_assets(tag_id, [new])):
                made.append(("tag_asset", entry_key(tag_id, new), tag_id))
        fields: dict[str, Any] = {}
        if carry.get("favorite"):
            fields["isFavorite"] = True
        if carry.get("description"):
            fields["description"] = carry["description"]
        if fields:
            await client.update_assets([new], **fields)
            made += [("asset_field", f"{new}:{name}", new) for name in fields]
        return {"carried": carry}, made

    # -- interrupted runs ------------------------------------------------------------------

    async def _settle_entries(
        self, action: JournalAction, kind: str, id_field: str, container_id: str | None,
        members_of: Callable[[str], Awaitable[Collection[str]]], ids: Sequence[str],
    ) -> bool:  # fmt: skip
        """An interrupted bulk add to an album or tag: record as made the entries Immich
        shows. False when it shows none (or the album/tag was never made)."""
        if container_id is None:
            return False
        present = await members_of(container_id)
        added = [a for a in ids if a in present]
        if not added:
            return False
        made = [(kind, entry_key(container_id, a), container_id) for a in added]
        await self.journal.done(action, {id_field: container_id, "added": added}, made)
        return True

    async def _settle_interrupted(self, clients: _Clients) -> None:
        """A run still 'running' was killed: record what Immich shows its last action made,
        mark the rest, and close the run as interrupted."""
        for run in await self.journal.runs("running"):
            created: dict[tuple[str, str], str] = {}
            for action in await self.journal.actions(run.id):
                if action.status == "done" and "album_id" in action.result:
                    created[(action.owner, action.payload.get("album") or "")] = action.result[
                        "album_id"
                    ]
                if action.status == "done" and "tag_id" in action.result:
                    created[(action.owner, action.payload.get("tag") or "")] = action.result[
                        "tag_id"
                    ]
                if action.status == "planned":
                    await self.journal.set_status(action.id, "skipped", error="run interrupted")
                elif action.status == "intent":
                    await self._settle(clients.get(action.sync_key), action, created)
            await self.journal.finish_run(run.id, "interrupted", {})

    async def _settle(
        self, client: ImmichClient, action: JournalAction, created: dict[tuple[str, str], str]
    ) -> None:
        p, ids = action.payload, list(action.payload["asset_ids"])
        unknown = "interrupted before Immich answered; it shows nothing made"
        if action.kind == ActionKind.CREATE_STACK.value:
            for s in await client.stacks():
                members = [a.id for a in s.assets]
                if s.primary_asset_id == ids[0] and set(ids) <= set(members):
                    await self.journal.done(action, {"stack_id": s.id, "members": members},
                                            [("stack", stack_key(members), s.id)])  # fmt: skip
                    return
        elif action.kind == ActionKind.CREATE_ALBUM.value:
            found = await client.find_albums(p["album"])
            key = f"{action.owner}:{p['album']}"
            if len(found) == 1 and not [m for m in await self.journal.made("album", action.owner)
                                        if m.key == key]:  # fmt: skip
                created[(action.owner, p["album"])] = found[0].id
                await self.journal.done(action, {"album_id": found[0].id},
                                        [("album", key, found[0].id)])  # fmt: skip
                return
        elif action.kind == ActionKind.ADD_TO_ALBUM.value:
            album_id = p.get("album_id") or created.get((action.owner, p["album"]))
            if await self._settle_entries(action, "album_asset", "album_id", album_id,
                                          client.album_asset_ids, ids):  # fmt: skip
                return
        elif action.kind == ActionKind.CREATE_TAG.value:
            values = {t.value: t.id for t in await client.tags()}
            if p["tag"] in values:  # parents it may have created cannot be told apart: kept
                created[(action.owner, p["tag"])] = values[p["tag"]]
                await self.journal.done(action, {"tag_id": values[p["tag"]]},
                                        [("tag", f"{action.owner}:{p['tag']}",
                                          values[p["tag"]])])  # fmt: skip
                return
        elif action.kind == ActionKind.TAG_ASSETS.value:
            tag_id = p.get("tag_id") or created.get((action.owner, p["tag"]))
            if await self._settle_entries(action, "tag_asset", "tag_id", tag_id,
                                          client.tag_asset_ids, ids):  # fmt: skip
                return
        elif action.kind == ActionKind.REPAIR_MOVE.value:
            new, carry = ids[1], p["carry"]
            in_albums = {a.id for a in await client.albums_of(new)}
            detail = await client.asset(new)
            tags = {t.id for t in detail.tags or []}
            made_now: list[tuple[str, str, str | None]] = [
                ("album_asset", entry_key(a, new), a)
                for a in carry.get("albums", []) if a in in_albums
            ] + [("tag_asset", entry_key(t, new), t) for t in carry.get("tags", [])
                 if t in tags]  # fmt: skip
            if carry.get("favorite") and detail.is_favorite:
                made_now.append(("asset_field", f"{new}:isFavorite", new))
            if carry.get("description") and description(detail) == carry["description"]:
                made_now.append(("asset_field", f"{new}:description", new))
            if made_now:
                await self.journal.done(action, {"carried": carry, "settled": True}, made_now)
                return
        elif action.kind == ActionKind.TRASH.value:
            trashed = [a for a in ids if await is_trashed(client, a)]
            if trashed:
                await self.journal.done(action, {"trashed": trashed},
                                        [("trash", a, a) for a in trashed])  # fmt: skip
                return
        elif action.kind == ActionKind.PUBLISH_DUPLICATES.value:
            carrying = [a for a in ids if await duplicate_id(client, a) == p["duplicate_id"]]
            if carrying == ids:
                await self.journal.done(action, {"duplicate_id": p["duplicate_id"]},
                                        [("duplicate_group", stack_key(ids),
                                          p["duplicate_id"])])  # fmt: skip
                return
            if carrying:  # cannot happen (one request), but never leave a half group
                await client.update_assets(carrying, duplicateId=None)
        await self.journal.set_status(action.id, "failed", error=unknown)

    # -- undo ------------------------------------------------------------------------------

    async def undo(self, run_id: int, allow_remake: bool = False) -> UndoReport:
        """Revert what a run made that still stands as it made it. Unless `allow_remake`,
        what is undone counts as rejected: later plans never make it again."""
        with self._locked():
            clients = _Clients(self.settings, self.connect)
            try:
                await self._settle_interrupted(clients)
                run = await self.journal.run(run_id)
                if run is None:
                    raise ImmichError(f"there is no write-back run #{run_id} (see `runs`)")
                report = UndoReport(run_id)
                if run.status == "undone":
                    if allow_remake:
                        report.lifted = await self.journal.lift(run_id=run_id)
                        report.messages.append(
                            f"run #{run_id} was undone before: {report.lifted} rejection(s) "
                            "lifted, later plans may make those things again"
                        )
                    else:
                        report.messages.append(f"run #{run_id} was undone before: nothing to do")
                    return report
                for action in reversed(await self.journal.actions(run_id)):
                    if action.status != "done":
                        continue
                    made = await self.journal.made_by_action(action.id)
                    try:
                        outcome = await revert(clients.get(action.sync_key), action, made)
                    except ImmichError as exc:
                        await self.journal.set_status(action.id, "revert_failed", error=str(exc))
                        report.failed += 1
                        report.messages.append(f"#{action.seq} {action.kind}: {exc}")
                        continue
                    await self.journal.end_made(made, "undone", reject=not allow_remake)
                    if action.kind == ActionKind.TRASH.value and not allow_remake:
                        await self.journal.revoke_trash([m.key for m in made])
                    status = "reverted" if outcome.undone else "left"
                    await self.journal.set_status(action.id, status, error=outcome.note)
                    if status == "reverted":
                        report.reverted += 1
                    else:
                        report.left += 1
                    if outcome.note:
                        report.messages.append(f"#{action.seq} {action.kind}: {outcome.note}")
                status = "undone" if not report.failed else run.status
                summary = {**run.summary, "undo": report.as_json()}
                await self.journal.finish_run(run_id, status, summary)
                return report
            finally:
                await clients.aclose()

    # -- runs ------------------------------------------------------------------------------

    async def rejections(self) -> list[Rejection]:
        return await self.journal.rejections()

    async def lift(self, *, run_id: int | None = None, asset_id: str | None = None) -> int:
        """Let later plans make again what a person undid (by run, or naming an asset)."""
        if run_id is not None and await self.journal.run(run_id) is None:
            raise WritebackRefusedError(f"there is no write-back run #{run_id} (see `runs`)")
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
            gone = run.status == "running" and not _alive(run.summary.get("pid"))
            status = "interrupted" if gone else run.status
            out.append({"run_id": run.id, "started_at": run.started_at,
                        "ended_at": run.ended_at, "status": status,
                        "actions": len(actions), "by_status": counts})  # fmt: skip
        return out

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


def _entries(
    results: list[BulkIdResult], kind: str, container_id: str
) -> tuple[dict[str, Any], list[tuple[str, str, str | None]]]:
    """What a bulk add to an album or tag did: the ids added (recorded as made), and the ids
    Immich refused, with why ("duplicate" — already there — is not a refusal)."""
    added = [r.id for r in results if r.success]
    dropped = {r.id: r.error or "unknown" for r in results
               if not r.success and r.error != "duplicate"}  # fmt: skip
    made: list[tuple[str, str, str | None]] = [
        (kind, entry_key(container_id, a), container_id) for a in added
    ]
    return {"added": added, "dropped": dropped}, made


def _tags_last(out: WritePlan) -> None:
    """Tags are written after every asset update of the run (publishing duplicate groups,
    repairs): an update queues a metadata write in Immich that drops tags written before it
    runs (API-NOTES §16). Stable: the order within each phase stays."""
    tagging = (ActionKind.CREATE_TAG, ActionKind.TAG_ASSETS)
    order = sorted(range(len(out.plan.actions)), key=lambda i: out.plan.actions[i].kind in tagging)
    out.plan.actions[:] = [out.plan.actions[i] for i in order]
    out.keys[:] = [out.keys[i] for i in order]


def _updates(action: JournalAction) -> list[str]:
    """Assets an action updates with PUT /assets (each queues a metadata write in Immich)."""
    if action.kind == ActionKind.PUBLISH_DUPLICATES.value:
        return list(action.payload["asset_ids"])
    carry = action.payload.get("carry") or {}
    if action.kind == ActionKind.REPAIR_MOVE.value and (
        carry.get("favorite") or carry.get("description")
    ):
        return [action.payload["asset_ids"][1]]
    return []


def _payload(action: Action) -> dict[str, Any]:
    """What the journal keeps of an action; ids the call will use are chosen here, before the
    call, so a run killed mid-call can be settled."""
    out = action.as_json()
    if action.kind is ActionKind.PUBLISH_DUPLICATES:
        out["duplicate_id"] = str(uuid.uuid4())  # Immich needs a UUID (recorded 87)
    return out


def _unavailable(links: dict[str, AssetLink], wanted: Sequence[str]) -> dict[str, str]:
    """Assets that must not be written to, with why (the mirror is fresh: plan syncs first)."""
    out = {a: "no longer in Immich" for a in wanted if a not in links}
    for a in links.values():
        if a.state == "trashed":
            out[a.id] = "offline" if a.is_offline else "in Immich's trash"
    return out


__all__ = ["Action", "WritePlan", "WritebackService"]


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
