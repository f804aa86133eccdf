"""The API-key permissions the sidecar needs, by feature (least privilege)."""

from __future__ import annotations

from collections.abc import Iterable

# Mirror assets, read stacks/albums/tags, fetch thumbnails for fingerprints, read Immich's own
# duplicate groups.
READ_ONLY: tuple[str, ...] = (
    "asset.read",
    "asset.view",
    "stack.read",
    "album.read",
    "tag.read",
    "duplicate.read",
)
# Optional extras for read-only use: library listings and statistics are admin-only routes.
READ_OPTIONAL: tuple[str, ...] = ("library.read", "server.about", "user.read")
# Write-back (stacks, review album, tags, duplicate review, trash of human-decided assets).
WRITE_BACK: tuple[str, ...] = (
    "asset.update",
    "asset.delete",
    "stack.create",
    "stack.update",
    "stack.delete",
    "album.create",
    "albumAsset.create",
    "albumAsset.delete",
    "tag.create",
    "tag.asset",
    "duplicate.delete",
)


def missing(granted: Iterable[str], needed: Iterable[str]) -> list[str]:
    """Needed permissions a key does not hold (`all` holds everything)."""
    have = set(granted)
    if "all" in have:
        return []
    return [p for p in needed if p not in have]
