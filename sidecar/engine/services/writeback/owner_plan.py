"""Planning one owner's write-back against Immich's state now: stacks, the review album,
published duplicate groups, tags, trash and repairs. What an earlier run made and a person
removed since becomes a rejection (`_gone`)."""

from __future__ import annotations

from collections.abc import Sequence

from sidecar.engine.core.drift import ReimportedMove
from sidecar.engine.core.models import AssetLink, Made, MadeKind
from sidecar.engine.core.writeback import (
    AlbumState,
    GroupWish,
    LiveStack,
    MoveState,
    Plan,
    StackWish,
    TagState,
    plan_album,
    plan_duplicates,
    plan_repair,
    plan_stacks,
    plan_tags,
    plan_trash,
)
from sidecar.engine.ports import Journal
from sidecar.engine.services.writeback.handlers.base import description
from sidecar.immich_client import ImmichClient
from sidecar.settings import Settings


class OwnerPlanner:
    def __init__(self, journal: Journal, settings: Settings) -> None:
        self.journal = journal
        self.settings = settings

    async def plan_owner(
        self,
        client: ImmichClient,
        owner: str,
        wishes: list[StackWish],
        album_wanted: dict[str, str],
        group_wishes: list[GroupWish],
        links: dict[str, AssetLink],
        plan: Plan,
    ) -> None:
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
            made = await self.journal.made(MadeKind.STACK, owner)
            gone = [m for m in made if m.immich_id not in live_ids]
            await self._gone(gone, "unstacked in Immich", plan)
            ours = frozenset(m.immich_id for m in made if m.immich_id in live_ids)
            plan_stacks(
                mine, live, ours, await self.journal.rejected(MadeKind.STACK), unavailable, plan
            )
        if album_wanted:
            album = await self._album_state(client, owner, plan)
            plan_album(
                owner,
                album,
                album_wanted,
                await self.journal.rejected(MadeKind.ALBUM_ASSET),
                unavailable,
                plan,
            )
        if groups:
            made = await self.journal.made(MadeKind.DUPLICATE_GROUP, owner)
            gone = [
                m
                for m in made
                if not all(
                    a in links and links[a].duplicate_id == m.immich_id for a in m.key.split(",")
                )
            ]
            await self.journal.end_made(gone, "dismissed or resolved in Immich", reject=True)
            published = {m.key: m.immich_id or "" for m in made if m not in gone}
            duplicate_of = {
                a: links[a].duplicate_id for g in groups for a in g.members if a in links
            }
            plan_duplicates(
                groups,
                duplicate_of,
                published,
                await self.journal.rejected(MadeKind.DUPLICATE_GROUP),
                unavailable,
                plan,
            )

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
        if key in await self.journal.rejected(MadeKind.ALBUM):
            return AlbumState(name, None, rejected=True)
        existing = {a.id for a in await client.find_albums(name)}
        made = [m for m in await self.journal.made(MadeKind.ALBUM, owner) if m.key == key]
        for m in made:
            if m.immich_id not in existing:  # a person deleted the album a run made
                await self.journal.end_made([m], "album deleted in Immich", reject=True)
                return AlbumState(name, None, rejected=True)
        album_id = made[0].immich_id if made else (min(existing) if existing else None)
        if album_id is None:
            return AlbumState(name, None)
        members = await client.album_asset_ids(album_id)
        entries = [
            m
            for m in await self.journal.made(MadeKind.ALBUM_ASSET, owner)
            if m.immich_id == album_id
        ]
        removed = [m for m in entries if m.key.split(":", 1)[1] not in members]
        await self._gone(removed, "removed from the album in Immich", plan)
        return AlbumState(name, album_id, frozenset(members))

    async def plan_tags(
        self,
        client: ImmichClient,
        owner: str,
        wanted: dict[str, dict[str, str]],
        links: dict[str, AssetLink],
        plan: Plan,
    ) -> None:
        now = {t.value: t.id for t in await client.tags()}
        made_tags = {m.key: m for m in await self.journal.made(MadeKind.TAG, owner)}
        deleted = [m for m in made_tags.values() if m.immich_id not in now.values()]
        await self.journal.end_made(deleted, "tag deleted in Immich", reject=True)
        rejected_tags = await self.journal.rejected(MadeKind.TAG)
        entries = await self.journal.made(MadeKind.TAG_ASSET, owner)
        states = {}
        for value in wanted:
            tag_id = now.get(value)
            if f"{owner}:{value}" in rejected_tags:
                states[value] = TagState(value, None, rejected=True)
                continue
            members: set[str] = await client.tag_asset_ids(tag_id) if tag_id else set()
            removed = [
                m
                for m in entries
                if m.immich_id == tag_id and m.key.split(":", 1)[1] not in members
            ]
            await self._gone(removed, "untagged in Immich", plan)
            states[value] = TagState(value, tag_id, frozenset(members))
        unavailable = _unavailable(links, [a for v in wanted.values() for a in v])
        plan_tags(
            owner,
            wanted,
            states,
            await self.journal.rejected(MadeKind.TAG_ASSET),
            unavailable,
            plan,
        )

    async def plan_repairs(
        self,
        client: ImmichClient,
        owner: str,
        moves: list[ReimportedMove],
        links: dict[str, AssetLink],
        plan: Plan,
    ) -> None:
        album_entries = await self.journal.made(MadeKind.ALBUM_ASSET, owner)
        tag_entries = await self.journal.made(MadeKind.TAG_ASSET, owner)
        rejected = set(await self.journal.rejected(MadeKind.ALBUM_ASSET)) | set(
            await self.journal.rejected(MadeKind.TAG_ASSET)
        )
        spared = 0
        for move in moves:
            old, new = move.old_asset_id, move.new_asset_id
            old_asset, new_asset = await client.asset(old), await client.asset(new)
            old_albums = {a.id for a in await client.albums_of(old)}
            new_albums = {a.id for a in await client.albums_of(new)}
            old_tags = {t.id for t in old_asset.tags or []}
            new_tags = {t.id for t in new_asset.tags or []}
            undone = [
                m
                for m in album_entries
                if m.key.endswith(f":{new}") and m.immich_id not in new_albums
            ]
            undone += [
                m for m in tag_entries if m.key.endswith(f":{new}") and m.immich_id not in new_tags
            ]
            await self._gone(undone, "removed from the new asset in Immich", plan)
            rejected |= {m.key for m in undone if m.verified}
            state = MoveState(
                owner,
                old,
                new,
                move.evidence,
                frozenset(old_albums),
                frozenset(new_albums),
                frozenset(old_tags),
                frozenset(new_tags),
                old_asset.is_favorite,
                new_asset.is_favorite,
                description(old_asset),
                description(new_asset),
                old_asset.stack is not None,
            )
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

    async def plan_trash(
        self, owner: str, decided: dict[str, str], links: dict[str, AssetLink], plan: Plan
    ) -> None:
        made = await self.journal.made(MadeKind.TRASH, owner)
        restored = [m for m in made if m.key in links and links[m.key].state != "trashed"]
        await self.journal.end_made(restored, "restored from the trash in Immich", reject=True)
        if restored:  # the person took the decision back
            await self.journal.revoke_trash([m.key for m in restored])
            for m in restored:
                decided.pop(m.key, None)
                plan.rejected += 1
        trashed = frozenset(a for a in decided if links[a].state == "trashed")
        external = frozenset(a for a in decided if links[a].library_id is not None)
        offline = {
            a: "offline (its file is missing)"
            for a in decided
            if links[a].is_offline and a not in trashed
        }
        plan_trash(owner, decided, trashed, external, offline, plan)


def _unavailable(links: dict[str, AssetLink], wanted: Sequence[str]) -> dict[str, str]:
    """Assets that must not be written to, with why (the mirror is fresh: plan syncs first)."""
    out = {a: "no longer in Immich" for a in wanted if a not in links}
    for a in links.values():
        if a.state == "trashed":
            out[a.id] = "offline" if a.is_offline else "in Immich's trash"
    return out
