"""The remote members of an analysis with Immich configured (assets with no local file to
decode, videos included, see `remote_fingerprints.remote_assets`), kept in the store between
runs: all of them after a full regroup; in a partial one only the assets the touched rows
name are decided again (an asset added, removed or changed, and those at the paths of the
files that appeared, went or changed: a local file there makes an asset local, a video file
too). The motion parts of live photos are never members. No asset is read beyond those."""

from __future__ import annotations

from collections.abc import Iterable

from sidecar.engine.core.candidates import RemoteItem, RemoteMember, hidden_assets
from sidecar.engine.core.models import AssetLink
from sidecar.engine.core.models.inventory import join_path
from sidecar.engine.core.touched import Seeds
from sidecar.engine.ports import AnalysisResults
from sidecar.engine.services.analyze.remote_fingerprints import (
    is_video,
    remote_assets,
    remote_key,
)
from sidecar.engine.support.paths import asset_views
from sidecar.settings import Settings


def remote_path(settings: Settings, asset: AssetLink) -> str:
    """The path an analysis gives a remote member: mapped when a library maps it, else
    Immich's."""
    mapped = settings.map_immich_path(asset.original_path)
    return str(mapped) if mapped is not None else asset.original_path


def member_row(settings: Settings, asset: AssetLink) -> RemoteMember:
    path = remote_path(settings, asset)
    return RemoteMember(asset.id, remote_key(asset), path.rpartition("/")[0], path)


async def remote_items(
    store: AnalysisResults, settings: Settings, remote: list[AssetLink]
) -> list[RemoteItem]:
    """Remote members with their paths mapped and the pHash made from the thumbnail (a
    photo), or the one-frame video print (a video: never a photo fingerprint)."""
    keys = [remote_key(a) for a in remote]
    photo_keys = [k for a, k in zip(remote, keys, strict=True) if not is_video(a)]
    video_keys = [k for a, k in zip(remote, keys, strict=True) if is_video(a)]
    prints = await store.fingerprints_of(photo_keys) if photo_keys else {}
    videos = await store.video_prints(video_keys) if video_keys else {}
    return [
        RemoteItem(a, remote_path(settings, a), key, None, videos.get(key))
        if is_video(a)
        else RemoteItem(
            a, remote_path(settings, a), key, prints.get(key, (None, None, None, False))[0]
        )
        for a, key in zip(remote, keys, strict=True)
    ]


async def refresh_members(
    store: AnalysisResults, settings: Settings, found: Seeds
) -> list[AssetLink]:
    """Decide again the assets the touched rows `found` name; keep the store's remote members
    up to date with them; the remote ones among them (to fingerprint those missing one)."""
    roots = await store.root_paths()
    paths = [join_path(roots[r], d, n) for r, d, n in found.places if r in roots]
    immich = {p for path in paths for p in settings.immich_paths_of(path)}
    immich |= found.immich_paths
    ids = set(found.assets) | {a.id for a in await store.links_at(immich)}
    links = await store.links_in_order(ids)
    views = asset_views(links, settings)
    local = await store.media_present_at(_local_paths(v.local_path for v in views))
    motion = await motion_parts(store, links, [a.id for a in links if is_video(a)])
    remote = remote_assets(links, views, local, motion)
    await store.update_remote_members(ids, [member_row(settings, a) for a in remote])
    return remote


async def motion_parts(
    store: AnalysisResults, links: Iterable[AssetLink], ids: Iterable[str] | None = None
) -> set[str]:
    """The live photos' motion parts among these assets: those Immich hides, and those another
    asset names as its live-photo video (that asset may lie elsewhere: asked of the store, of
    `ids` only, None: of all)."""
    return hidden_assets(links) | await store.motion_parts(ids)


def _local_paths(paths: Iterable[str | None]) -> list[str]:
    return [p for p in paths if p is not None]
