"""Drift between the Immich mirror and the disk inventory (see engine.core.drift)."""

from __future__ import annotations

import os
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sidecar.engine.core.drift import AssetView, DriftReport, FileView, compute_drift
from sidecar.engine.core.models import AssetLink
from sidecar.engine.core.unmapped import UnmappedFolder, unmapped_folders
from sidecar.engine.ports import AssetInventory, FileInventory
from sidecar.engine.services.scopes import library_scopes
from sidecar.settings import Settings


class DriftService:
    def __init__(self, assets: AssetInventory, files: FileInventory, settings: Settings) -> None:
        self.assets = assets
        self.files = files
        self.settings = settings

    async def report(self) -> DriftReport:
        links = await self.assets.links()
        files = [
            FileView(path, h, algo, state == "present", kind)
            for path, h, algo, state, kind in await self.files.all_files()
        ]
        moves = await self.files.all_moves()
        views = asset_views(links, self.settings)
        return compute_drift(views, files, moves, imported_roots(self.settings))

    async def unmapped(self) -> list[UnmappedFolder]:
        """Mirrored assets whose Immich path no library maps (only when libraries are
        configured: without any, nothing is compared with the disk)."""
        if not self.settings.libraries:
            return []
        paths = (a.original_path for a in await self.assets.links())
        return unmapped_folders(paths, immich_paths(self.settings))


def immich_paths(settings: Settings) -> list[str]:
    return [lib.immich_path for lib in settings.libraries if lib.immich_path]


def asset_views(links: list[AssetLink], settings: Settings) -> list[AssetView]:
    """Assets with their paths mapped to this process's view of the media folders."""
    views = []
    for a in links:
        local = settings.map_immich_path(a.original_path)
        signature = None
        if a.file_size and a.date_time_original:
            signature = (a.file_size, _instant(a.date_time_original), a.make or "", a.model or "")
        views.append(
            AssetView(
                id=a.id,
                owner_id=a.owner_id,
                local_path=os.path.normpath(local) if local is not None else None,
                checksum=a.checksum,
                is_library=a.library_id is not None,
                trashed=a.state == "trashed",
                offline=a.is_offline,
                signature=signature,
            )
        )
    return views


def imported_roots(settings: Settings) -> list[str]:
    """Local folders Immich imports from (libraries with an immich_path; of the upload
    location only the folders that hold originals)."""
    return [
        scope.path for lib in settings.libraries if lib.immich_path for scope in library_scopes(lib)
    ]


def drift_json(report: DriftReport) -> dict[str, Any]:
    return {
        "not_in_immich": report.not_in_immich,
        "in_immich_trash": [asdict(t) for t in report.in_immich_trash],
        "missing_on_disk": [asdict(m) for m in report.missing_on_disk],
        "multi_path_content": [asdict(m) for m in report.multi_path_content],
        "reimported_moves": [asdict(m) for m in report.reimported_moves],
        "not_checked": report.not_checked,
        "counts": {
            "not_in_immich": len(report.not_in_immich),
            "in_immich_trash": len(report.in_immich_trash),
            "missing_on_disk": len(report.missing_on_disk),
            "multi_path_content": len(report.multi_path_content),
            "reimported_moves": len(report.reimported_moves),
        },
    }


def _instant(text: str) -> str:
    """A stored timestamp in one canonical form, so two ISO forms of one instant (older
    inventories wrote `+00:00`, newer ones `Z`) compare equal."""
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        return text
