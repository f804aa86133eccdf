"""What the log of touched analysis inputs names (pure): the seeds a partial regroup starts
from. Rows are (kind, key) as the store's triggers wrote them (migration 0017), the JSON keys
decoded (`JSON_KINDS`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Touched(StrEnum):
    FILE = "file"  # key: JSON [root_id, rel_dir, name, content_hash]
    CONTENT = "content"  # key: a content hash (its fingerprint changed)
    ASSET = "asset"  # key: JSON [asset id, Immich path]
    KEYS = "keys"  # key: JSON list of member keys (a decision about them)
    PAIR = "pair"  # key: JSON list of member keys (a decision about a pair)
    MARK = "mark"  # key: an asset id (an album or tag membership)
    FULL = "full"  # a root, or an album's or tag's name: everything


JSON_KINDS = frozenset({Touched.FILE, Touched.ASSET, Touched.KEYS, Touched.PAIR})
Key = str | Sequence[object] | None  # decoded: a list for the JSON kinds


@dataclass(slots=True)
class Seeds:
    """Where a change happened: whole when anything asks for a full regroup."""

    full: bool = False
    places: set[tuple[int, str, str]] = field(default_factory=set)  # root_id, rel_dir, name
    contents: set[str] = field(default_factory=set)
    immich_paths: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)  # member keys: asset ids or paths
    assets: set[str] = field(default_factory=set)  # the assets whose mirrored row changed
    pair_keys: set[str] = field(default_factory=set)  # members of decided pairs: their folders


def seeds(rows: Iterable[tuple[str, Key]]) -> Seeds:
    """The places, contents, Immich paths and member keys the touched rows name."""
    out = Seeds()
    for kind, key in rows:
        if kind == Touched.FULL or key is None:
            out.full = True
        elif kind == Touched.FILE:
            root_id, rel_dir, name, content = key
            out.places.add((int(str(root_id)), str(rel_dir), str(name)))
            if content:
                out.contents.add(str(content))
        elif kind == Touched.CONTENT:
            out.contents.add(str(key))
        elif kind == Touched.ASSET:
            asset_id, immich_path = key
            out.keys.add(str(asset_id))
            out.assets.add(str(asset_id))
            if immich_path:
                out.immich_paths.add(str(immich_path))
        elif kind == Touched.KEYS:
            out.keys.update(map(str, key))
        elif kind == Touched.PAIR:
            out.pair_keys.update(map(str, key))
        elif kind == Touched.MARK:
            out.keys.add(str(key))
        else:  # a kind this version does not know: be safe
            out.full = True
    return out
