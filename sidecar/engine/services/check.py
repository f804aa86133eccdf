"""`check`: what the configured server and keys are, and which permissions each key has."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import cast

from sidecar.engine.core.unmapped import UnmappedFolder, unmapped_folders
from sidecar.engine.ports import ClientFactory
from sidecar.engine.support.paths import immich_paths
from sidecar.immich_client import AssetQuery, ImmichClient, ImmichError, ImmichPermissionError
from sidecar.immich_client.models import SearchPage
from sidecar.immich_client.permissions import READ_ONLY, READ_OPTIONAL, WRITE_BACK, missing
from sidecar.settings import Settings

SAMPLE_SIZE = 250


@dataclass(slots=True)
class KeyCheck:
    user: str
    key_name: str | None = None
    user_name: str | None = None
    permissions: list[str] = field(default_factory=list)
    missing_read: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    missing_write: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class CheckReport:
    url: str
    version: str | None = None
    error: str | None = None
    keys: list[KeyCheck] = field(default_factory=list)
    unmapped: list[UnmappedFolder] = field(default_factory=list)  # from a first page of assets

    @property
    def ok(self) -> bool:
        return self.error is None and all(not k.error and not k.missing_read for k in self.keys)


class CheckService:
    def __init__(self, settings: Settings, connect: ClientFactory) -> None:
        self.settings = settings
        self.connect = connect

    async def check(self) -> CheckReport:
        """Probe without writing: the version (no auth), then per key GET /api-keys/me (needs
        no permission) and, when allowed, GET /users/me."""
        keys = self.settings.required_user_keys()
        report = CheckReport(self.settings.immich_url())
        for label, key in keys:
            result = KeyCheck(label)
            report.keys.append(result)
            client = self.connect(key)
            try:
                if report.version is None and report.error is None:
                    report.version = str(await client.version())
                info = await client.my_key()
                result.key_name, result.permissions = info.name, sorted(info.permissions)
                result.missing_read = missing(info.permissions, READ_ONLY)
                result.missing_optional = missing(info.permissions, READ_OPTIONAL)
                result.missing_write = missing(info.permissions, WRITE_BACK)
                if "user.read" not in result.missing_optional:
                    result.user_name = (await client.me()).name
                if self.settings.libraries and not result.missing_read:
                    report.unmapped += await self._unmapped(client)
            except ImmichPermissionError as exc:
                result.error = str(exc)
            except ImmichError as exc:
                if report.version is None:
                    report.error = str(exc)
                result.error = str(exc)
            finally:
                await client.aclose()
        return report

    async def _unmapped(self, client: ImmichClient) -> list[UnmappedFolder]:
        """Folders of one page of the key's assets that no library maps (a sample: check
        reads one page, `sync` and `drift` look at every asset)."""
        query = AssetQuery(with_exif=False, size=SAMPLE_SIZE)
        pages = cast("AsyncGenerator[SearchPage, None]", client.search_pages(query))
        async with contextlib.aclosing(pages):
            async for page in pages:
                paths = [a.original_path for a in page.items]
                return unmapped_folders(paths, immich_paths(self.settings))
        return []
