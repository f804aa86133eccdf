"""Tags for the keeper rules, read per API key at each analysis.

Immich's search results carry no tags, so they are read per tag: the key's tags are listed
(`GET /tags`, one request) and the assets of each ROOT tag (no parent) are read with one paged
search by that tag, which also returns the assets of every tag below it: a child tag counts
under its root's name. Tags carry no asset count and their `updatedAt` does not move when
assets are tagged, so every root is read again each time. The sidecar's own tags (the
`[writeback] tag_root` subtree) are no mark: write-back puts them on every member of a group.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sidecar.engine.ports import MarkBook
from sidecar.immich_client import ImmichClient
from sidecar.immich_client.models import Tag


@dataclass(slots=True)
class TagSync:
    tags: int = 0  # root tags read
    dropped: int = 0  # root tags the key no longer sees


def person_roots(tags: list[Tag], tag_root: str) -> list[Tag]:
    """The root tags a person made (not the sidecar's own root)."""
    return [t for t in tags if t.parent_id is None and t.value != tag_root]


async def sync_tags(client: ImmichClient, store: MarkBook, sync_key: str, tag_root: str) -> TagSync:
    roots = person_roots(await client.tags(), tag_root)
    read: dict[str, tuple[str, Collection[str]]] = {}
    for tag in roots:
        read[tag.id] = (tag.name, await client.tag_asset_ids(tag.id))
    dropped = await store.replace_tags(sync_key, read)
    return TagSync(len(roots), dropped)
