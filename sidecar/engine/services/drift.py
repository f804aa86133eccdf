"""Drift between the Immich mirror and the disk inventory (see engine.core.drift)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from sidecar.engine.core.drift import DriftReport, FileView, compute_drift
from sidecar.engine.core.unmapped import UnmappedFolder, mapping_prefixes, unmapped_folders
from sidecar.engine.ports import AssetInventory, FileInventory
from sidecar.engine.support.paths import asset_views, immich_paths, imported_roots
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
        configured: without any, nothing is compared with the disk). The answer is kept with
        the count of changes to the mirror it was found at and the folders mapped: while
        neither moved (e.g. a sync that found nothing new), it stands without reading the
        mirror again (0.45 s at a million assets)."""
        if not self.settings.libraries:
            return []
        folders = mapping_prefixes(immich_paths(self.settings))
        changes = await self.assets.input_changes()  # before the read: a change during it
        # leaves the kept answer older than the mirror, so the next call looks again
        kept = await self.assets.meta(UNMAPPED_KEY)
        if kept is not None:
            found = kept_unmapped(kept[0], changes, folders)
            if found is not None:
                return found
        found = unmapped_folders(await self.assets.paths_outside(folders), folders)
        await self.assets.set_meta(UNMAPPED_KEY, keep_unmapped(found, changes, folders))
        return found


UNMAPPED_KEY = "drift.unmapped"


def keep_unmapped(found: list[UnmappedFolder], changes: int, folders: list[str]) -> str:
    """The answer of `unmapped` as kept in the inventory, with what it was found at."""
    answer = [[u.folder, u.assets] for u in found]
    return json.dumps({"changes": changes, "folders": folders, "unmapped": answer})


def kept_unmapped(value: str, changes: int, folders: list[str]) -> list[UnmappedFolder] | None:
    """The kept answer when it was found at this count of changes and these folders."""
    try:
        kept = json.loads(value)
        if kept["changes"] != changes or kept["folders"] != folders:
            return None
        return [UnmappedFolder(str(f), int(n)) for f, n in kept["unmapped"]]
    except (ValueError, KeyError, TypeError):  # not what this version writes: look again
        return None


# what each count of `drift_json` is, in words a person reads (the dashboard, `status`)
DRIFT_WORDS = {
    "not_in_immich": "not imported",
    "in_immich_trash": "in Immich's trash",
    "missing_on_disk": "offline (file gone)",
    "reimported_moves": "moved and re-imported",
    "multi_path_content": "same content at several paths",
}


def drift_counts(counts: dict[str, int]) -> str:
    """ "not imported 3, in Immich's trash 1" (of `drift_json`'s counts)."""
    return ", ".join(f"{DRIFT_WORDS.get(k, k.replace('_', ' '))} {v:,}" for k, v in counts.items())


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
