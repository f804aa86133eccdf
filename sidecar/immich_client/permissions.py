"""The API-key permissions the sidecar needs, derived from the endpoints it calls.

`ENDPOINTS` names, for every public method of `ImmichClient`, the request it sends, the
permission Immich checks for it (`x-immich-permission` in Immich's OpenAPI spec) and which use
needs it: reading (mirror, analysis, plans), write-back (`apply` and `undo`), or optional
extras. The permission lists `check` asks for are computed from this table, and a test holds
the table against the client's code and against the spec, so a list can neither ask for a
permission nothing uses nor miss one a call needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Use(StrEnum):
    READ = "read"
    WRITE = "write"
    OPTIONAL = "optional"


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str
    permission: str | None  # None: no permission needed
    use: Use


ENDPOINTS: dict[str, Endpoint] = {
    "version": Endpoint("GET", "/server/version", None, Use.READ),
    "my_key": Endpoint("GET", "/api-keys/me", None, Use.READ),
    "me": Endpoint("GET", "/users/me", "user.read", Use.OPTIONAL),
    "search_pages": Endpoint("POST", "/search/metadata", "asset.read", Use.READ),
    "search_page": Endpoint("POST", "/search/metadata", "asset.read", Use.READ),
    "asset": Endpoint("GET", "/assets/{id}", "asset.read", Use.READ),
    "thumbnail": Endpoint("GET", "/assets/{id}/thumbnail", "asset.view", Use.READ),
    "stacks": Endpoint("GET", "/stacks", "stack.read", Use.READ),
    "stack": Endpoint("GET", "/stacks/{id}", "stack.read", Use.READ),
    "albums": Endpoint("GET", "/albums", "album.read", Use.READ),
    "albums_of": Endpoint("GET", "/albums", "album.read", Use.READ),
    "all_albums": Endpoint("GET", "/albums", "album.read", Use.READ),
    "find_albums": Endpoint("GET", "/albums", "album.read", Use.READ),
    "album_asset_ids": Endpoint("POST", "/search/metadata", "asset.read", Use.READ),
    "tag_asset_ids": Endpoint("POST", "/search/metadata", "asset.read", Use.READ),
    "tags": Endpoint("GET", "/tags", "tag.read", Use.READ),
    "duplicates": Endpoint("GET", "/duplicates", "duplicate.read", Use.READ),
    "create_stack": Endpoint("POST", "/stacks", "stack.create", Use.WRITE),
    "delete_stack": Endpoint("DELETE", "/stacks/{id}", "stack.delete", Use.WRITE),
    "update_assets": Endpoint("PUT", "/assets", "asset.update", Use.WRITE),
    "trash_assets": Endpoint("DELETE", "/assets", "asset.delete", Use.WRITE),
    "restore_assets": Endpoint("POST", "/trash/restore/assets", "asset.delete", Use.WRITE),
    "create_album": Endpoint("POST", "/albums", "album.create", Use.WRITE),
    "delete_album": Endpoint("DELETE", "/albums/{id}", "album.delete", Use.WRITE),
    "add_to_album": Endpoint("PUT", "/albums/{id}/assets", "albumAsset.create", Use.WRITE),
    "remove_from_album": Endpoint("DELETE", "/albums/{id}/assets", "albumAsset.delete", Use.WRITE),
    "upsert_tags": Endpoint("PUT", "/tags", "tag.create", Use.WRITE),
    "delete_tag": Endpoint("DELETE", "/tags/{id}", "tag.delete", Use.WRITE),
    "tag_assets": Endpoint("PUT", "/tags/{id}/assets", "tag.asset", Use.WRITE),
    "untag_assets": Endpoint("DELETE", "/tags/{id}/assets", "tag.asset", Use.WRITE),
}


def _needed(use: Use, besides: Iterable[str] = ()) -> tuple[str, ...]:
    skip = set(besides)
    out: list[str] = []
    for endpoint in ENDPOINTS.values():
        p = endpoint.permission
        if endpoint.use is use and p is not None and p not in out and p not in skip:
            out.append(p)
    return tuple(out)


# Mirror assets, read stacks/albums/tags, fetch thumbnails for fingerprints, read Immich's own
# duplicate groups.
READ_ONLY: tuple[str, ...] = _needed(Use.READ)
# Write-back: what `apply` writes and what `undo` needs to take it back.
WRITE_BACK: tuple[str, ...] = _needed(Use.WRITE, besides=READ_ONLY)
# Nice to have: the user's name in `check`.
READ_OPTIONAL: tuple[str, ...] = _needed(Use.OPTIONAL, besides=READ_ONLY + WRITE_BACK)


def missing(granted: Iterable[str], needed: Iterable[str]) -> list[str]:
    """Needed permissions a key does not hold (`all` holds everything)."""
    have = set(granted)
    if "all" in have:
        return []
    return [p for p in needed if p not in have]
