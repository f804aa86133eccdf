"""Where mirrored assets lie on this process's disk: Immich's paths mapped through the
configured libraries, and the local folders Immich imports from. Drift, analysis and `check`
read them alike."""

from __future__ import annotations

from datetime import datetime

from sidecar.engine.core.drift import AssetView
from sidecar.engine.core.models import AssetLink
from sidecar.engine.support.scopes import library_scopes
from sidecar.settings import Settings


def immich_paths(settings: Settings) -> list[str]:
    return [lib.immich_path for lib in settings.libraries if lib.immich_path]


def asset_views(links: list[AssetLink], settings: Settings) -> list[AssetView]:
    """Assets with their paths mapped to this process's view of the media folders."""
    views = []
    for a in links:
        signature = None
        if a.file_size and a.date_time_original:
            signature = (a.file_size, _instant(a.date_time_original), a.make or "", a.model or "")
        views.append(
            AssetView(
                id=a.id,
                owner_id=a.owner_id,
                local_path=settings.local_path_of(a.original_path),
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


def _instant(text: str) -> str:
    """A stored timestamp in one canonical form, so two ISO forms of one instant (older
    inventories wrote `+00:00`, newer ones `Z`) compare equal."""
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        return text
