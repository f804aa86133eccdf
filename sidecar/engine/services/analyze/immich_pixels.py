"""Immich's thumbnail of a local HEIC with no embedded thumbnail large enough: its pixels are
fetched and decoded in a few milliseconds, where decoding 12 MP of HEVC takes half a second.
Only for the asset that is this file: an upload whose SHA-1 is the content's, or an external
library's asset at this path (as mapped) with the file's size."""

from __future__ import annotations

import asyncio
import logging
import os
import posixpath

from sidecar.engine.core.drift import content_checksum_hex
from sidecar.engine.core.models import AssetLink
from sidecar.engine.ports import ClientFactory
from sidecar.immich_client import ImmichClient, ImmichError, ImmichNotFoundError
from sidecar.settings import Settings

log = logging.getLogger(__name__)
HEIF_EXTENSIONS = (".heic", ".heif", ".hif")
CONCURRENCY = 4


class ImmichThumbnails:
    """`await thumbnails(content_sha1, path)`: the thumbnail bytes, or None (no such asset,
    none made yet, or Immich unreachable: after the first such error no more are asked for,
    so a library is not held up by one timeout per file)."""

    def __init__(self, links: list[AssetLink], settings: Settings, connect: ClientFactory) -> None:
        api_keys = dict(settings.user_keys())
        self.by_content: dict[str, AssetLink] = {}  # uploads
        self.by_path: dict[str, AssetLink] = {}  # external libraries' assets, mapped here
        for a in links:
            if a.state != "present" or a.is_offline or a.type != "IMAGE":
                continue
            if a.sync_key not in api_keys or not _is_heif(a):
                continue
            content = content_checksum_hex(a.checksum) if a.library_id is None else None
            mapped = settings.map_immich_path(a.original_path) if a.library_id else None
            if content:
                self.by_content[content] = a
            elif mapped is not None and a.file_size:
                self.by_path[posixpath.normpath(str(mapped))] = a
        self.api_keys = api_keys
        self.connect = connect
        self.unreachable = False
        self._clients: dict[str, ImmichClient] = {}
        self._slots = asyncio.Semaphore(CONCURRENCY)

    def __bool__(self) -> bool:
        return bool(self.by_content or self.by_path)

    async def __call__(self, content: str, path: str) -> bytes | None:
        asset = self.by_content.get(content)
        if asset is None:
            asset = self.by_path.get(posixpath.normpath(path))
            if asset is None or await asyncio.to_thread(_size, path) != asset.file_size:
                return None
        if self.unreachable:
            return None
        client = self._clients.get(asset.sync_key)
        if client is None:
            client = self._clients[asset.sync_key] = self.connect(self.api_keys[asset.sync_key])
        try:
            async with self._slots:
                return await client.thumbnail(asset.id)
        except ImmichNotFoundError:  # not made yet (an import in progress)
            return None
        except ImmichError as exc:
            self.unreachable = True
            log.info("analysis: HEIC thumbnails from Immich: %s; decoding here instead", exc)
            return None

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()


def _size(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def _is_heif(asset: AssetLink) -> bool:
    name = (asset.original_file_name or asset.original_path).lower()
    return name.endswith(HEIF_EXTENSIONS)
