"""Immich's thumbnail of a local HEIC with no embedded thumbnail large enough: its pixels are
fetched and decoded in a few milliseconds, where decoding 12 MP of HEVC takes half a second.
Only for the asset that is this file: an upload whose SHA-1 is the content's, or an external
library's asset at this path (as mapped) with the file's size; looked up for each file asked
about, not by reading every asset."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import posixpath

from sidecar.engine.core.drift import content_checksum_hex
from sidecar.engine.core.models import AssetLink
from sidecar.engine.ports import AnalysisResults, ClientFactory
from sidecar.immich_client import ImmichClient, ImmichError, ImmichNotFoundError
from sidecar.settings import Settings

log = logging.getLogger(__name__)
HEIF_EXTENSIONS = (".heic", ".heif", ".hif")
CONCURRENCY = 4


class ImmichThumbnails:
    """`await thumbnails(content_sha1, path)`: the thumbnail bytes, or None (no such asset,
    none made yet, or Immich unreachable: after the first such error no more are asked for,
    so a library is not held up by one timeout per file). The asset is looked up for each
    file asked about (an index lookup by checksum, then by path), never all of them."""

    def __init__(self, store: AnalysisResults, settings: Settings, connect: ClientFactory) -> None:
        self.store = store
        self.settings = settings
        self.api_keys = dict(settings.user_keys())
        self.connect = connect
        self.unreachable = False
        self._clients: dict[str, ImmichClient] = {}
        self._slots = asyncio.Semaphore(CONCURRENCY)

    async def __call__(self, content: str, path: str) -> bytes | None:
        if self.unreachable:
            return None
        asset = await self._upload(content)
        if asset is None:
            asset = await self._at(path)
            if asset is None or await asyncio.to_thread(_size, path) != asset.file_size:
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

    async def _upload(self, content: str) -> AssetLink | None:
        """The last upload (in the order a full read gives them) of this content."""
        try:
            checksum = base64.b64encode(bytes.fromhex(content)).decode()
        except ValueError:
            return None
        found = [
            a
            for a in await self.store.uploads_with([checksum])
            if self._usable(a) and content_checksum_hex(a.checksum) == content
        ]
        return found[-1] if found else None

    async def _at(self, path: str) -> AssetLink | None:
        """The last external library asset (in that order) whose path maps to this one."""
        local = posixpath.normpath(path)
        immich = self.settings.immich_paths_of(local)
        found = [
            a
            for a in (await self.store.links_at(immich) if immich else [])
            if self._usable(a) and a.library_id and a.file_size
        ]
        return found[-1] if found else None

    def _usable(self, a: AssetLink) -> bool:
        return (
            a.state == "present"
            and not a.is_offline
            and a.type == "IMAGE"
            and a.sync_key in self.api_keys
            and _is_heif(a)
        )

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
