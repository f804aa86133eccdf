"""Immich paths that no `[[libraries]] immich_path` maps: a misconfigured path mapping makes
every file look "not in Immich", so `check`, `sync` and `drift` name the folders instead."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UnmappedFolder:
    folder: str  # the deepest folder the unmapped paths under one top folder share
    assets: int

    def message(self) -> str:
        return (
            f"{self.assets:,} asset(s) under {self.folder.rstrip('/')}/… are mapped by no "
            "library: set [[libraries]] immich_path to that folder as Immich sees it (Immich "
            '2.x keeps uploads under "/data", older installs under "/usr/src/app/upload")'
        )


def mapping_prefixes(immich_paths: Iterable[str]) -> list[str]:
    """The folders the libraries map, without a trailing slash ("/" and "" map nothing)."""
    return [p.rstrip("/") for p in immich_paths if p and p.strip("/")]


def _mapped(path: str, prefixes: Sequence[str]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def unmapped_folders(paths: Iterable[str], immich_paths: Iterable[str]) -> list[UnmappedFolder]:
    """Group the paths no prefix maps by their top folder (`/data`, `/mnt`, ...), each named by
    the deepest folder its paths share; the largest group first. One pass over the paths."""
    prefixes = mapping_prefixes(immich_paths)
    counts: Counter[str] = Counter()
    shared: dict[str, list[str]] = {}
    for path in paths:
        if _mapped(path, prefixes):
            continue
        parts = path.split("/")[:-1]  # the folder
        top = "/".join(parts[:2])
        counts[top] += 1
        common = shared.setdefault(top, parts)
        n = 0
        while n < min(len(common), len(parts)) and common[n] == parts[n]:
            n += 1
        del common[n:]
    found = [UnmappedFolder("/".join(shared[top]) or "/", n) for top, n in counts.items()]
    return sorted(found, key=lambda f: (-f.assets, f.folder))
