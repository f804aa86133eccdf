"""The remote members an analysis with Immich configured keeps between runs (migration 0020),
and the lookups that decide them by asset: which local paths are media files, the uploads of a
content, assets by id in the order a full read gives them. Every read is an index lookup but
the count."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence

from sidecar.engine.core.candidates import RemoteMember
from sidecar.engine.core.models import AssetLink
from sidecar.engine.core.models.inventory import join_path
from sidecar.engine.store.db import Database, utcnow
from sidecar.engine.store.scope import _chunks, links_where

READY_KEY = "analysis.remote_members"  # a full regroup with Immich configured wrote them
_COLUMNS = "asset_id, content_key, folder, path"


class RemoteMemberStore:
    db: Database

    async def replace_remote_members(self, rows: Sequence[RemoteMember]) -> None:
        """All the remote members, as a full regroup found them."""
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM remote_members")
            await conn.executemany(
                f"INSERT INTO remote_members ({_COLUMNS}) VALUES (?, ?, ?, ?)", rows
            )
            await conn.execute(
                "INSERT INTO meta (key, value, updated_at) VALUES (?, '1', ?) ON CONFLICT (key)"
                " DO UPDATE SET updated_at = excluded.updated_at",
                (READY_KEY, utcnow()),
            )

    async def remote_members_ready(self) -> bool:
        row = await self.db.fetchone("SELECT 1 FROM meta WHERE key = ?", (READY_KEY,))
        return row is not None

    async def update_remote_members(
        self, drop: Iterable[str], rows: Sequence[RemoteMember]
    ) -> None:
        """Forget the assets `drop` names, then keep `rows` (new or changed)."""
        async with self.db.transaction() as conn:
            await conn.executemany(
                "DELETE FROM remote_members WHERE asset_id = ?", [(i,) for i in set(drop)]
            )
            await conn.executemany(
                f"INSERT OR REPLACE INTO remote_members ({_COLUMNS}) VALUES (?, ?, ?, ?)", rows
            )

    async def remote_members_of(self, ids: Iterable[str]) -> list[RemoteMember]:
        return await self._remote("asset_id", ids)

    async def remote_with_contents(self, contents: Iterable[str]) -> list[RemoteMember]:
        return await self._remote("content_key", contents)

    async def remote_in(self, folders: Iterable[str]) -> list[RemoteMember]:
        return await self._remote("folder", folders)

    async def remote_burst_named(self) -> list[RemoteMember]:
        """Those whose name may hold a burst tag (a pass over the table: only when the part
        has tagged frames)."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM remote_members WHERE path LIKE '%burst%'"
        )
        return [RemoteMember(*r) for r in rows]

    async def count_remote_members(self) -> int:
        return int(await self.db.scalar("SELECT count(*) FROM remote_members"))

    async def _remote(self, column: str, values: Iterable[str]) -> list[RemoteMember]:
        out = []
        for chunk in _chunks(values):
            marks = ",".join("?" * len(chunk))
            rows = await self.db.fetchall(
                f"SELECT {_COLUMNS} FROM remote_members WHERE {column} IN ({marks})", chunk
            )
            out += [RemoteMember(*r) for r in rows]
        return out

    async def media_present_at(self, paths: Iterable[str]) -> set[str]:
        """Which of these local paths (normalised) are media files an analysis compares
        (present images, RAWs and videos with a content hash): each looked up under every
        root it lies in (the files UNIQUE index)."""
        roots = [
            (r[0], posixpath.normpath(r[1]), r[1])
            for r in await self.db.fetchall("SELECT id, path FROM roots")
        ]
        out: set[str] = set()
        for path in set(paths):
            for root_id, root, raw in roots:
                if not path.startswith(root.rstrip("/") + "/"):
                    continue
                folder, _, name = path[len(root.rstrip("/")) + 1 :].rpartition("/")
                row = await self.db.fetchone(
                    "SELECT 1 FROM files WHERE root_id = ? AND rel_dir = ? AND name = ?"
                    " AND state = 'present' AND kind IN ('image', 'raw', 'video')"
                    " AND content_hash IS NOT NULL",
                    (root_id, folder, name),
                )
                if row is not None and posixpath.normpath(join_path(raw, folder, name)) == path:
                    out.add(path)
                    break
        return out

    async def motion_parts(self, ids: Iterable[str] | None = None) -> set[str]:
        """Which assets (of `ids`; None: all) are the motion part of a live photo: named by
        the live_photo_video_id of an asset not gone (index assets_motion_parts)."""
        sql = (
            "SELECT DISTINCT live_photo_video_id FROM assets INDEXED BY assets_motion_parts"
            " WHERE live_photo_video_id IS NOT NULL AND state != 'gone'"
        )
        if ids is None:
            return {r[0] for r in await self.db.fetchall(sql)}
        out: set[str] = set()
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            rows = await self.db.fetchall(f"{sql} AND live_photo_video_id IN ({marks})", chunk)
            out |= {r[0] for r in rows}
        return out

    async def motion_parts_named_by(self, ids: Iterable[str]) -> set[str]:
        """The live_photo_video_id of these assets (by primary key), gone ones included: a
        still that went named its motion part until then."""
        out: set[str] = set()
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            rows = await self.db.fetchall(
                "SELECT DISTINCT live_photo_video_id FROM assets"
                f" WHERE id IN ({marks}) AND live_photo_video_id IS NOT NULL",
                chunk,
            )
            out |= {r[0] for r in rows}
        return out

    async def forget_photo_prints(self, keys: Sequence[str]) -> None:
        """Remove the photo fingerprints of these contents (videos an earlier version
        fingerprinted as photos from Immich's thumbnail), and their edges but to videos."""
        async with self.db.transaction() as conn:
            for chunk in _chunks(keys):
                marks = ",".join("?" * len(chunk))
                await conn.execute(
                    f"DELETE FROM fingerprints WHERE content_hash IN ({marks})", chunk
                )
                for column in ("a", "b"):
                    await conn.execute(
                        f"DELETE FROM near_edges WHERE {column} IN ({marks})"
                        " AND coalesce(side, '') NOT LIKE 'video%'",
                        chunk,
                    )

    async def uploads_with(self, checksums: Iterable[str]) -> list[AssetLink]:
        """Uploads (not gone) with these checksums, in the order a full read gives them."""
        return await links_where(self.db, "checksum", checksums, " AND library_id IS NULL")

    async def links_in_order(self, ids: Iterable[str]) -> list[AssetLink]:
        """These assets (not gone), in the order a full read gives them."""
        return await links_where(self.db, "id", ids)
