"""Path mapping: which media root holds a path as Immich reports it (`originalPath`).

Immich and the sidecar usually run in different containers, so one media folder has two
names: Immich's (e.g. `/usr/src/app/upload`) and ours (e.g. `/immich-upload`). The root that
holds a path is the one whose Immich prefix is the longest that holds it; the caller joins the
rest of the path to its own name of that root. Pure: strings in, strings out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class Root(Protocol):
    """One media root (a library of the settings): its prefix as Immich reports it; None when
    Immich does not see it."""

    @property
    def immich_path(self) -> str | None: ...


R = TypeVar("R", bound=Root)


def locate(roots: Iterable[R], immich_path: str) -> tuple[R, str] | None:
    """The root holding `immich_path` (the longest prefix; a prefix holds whole folder names,
    a trailing slash is ignored) and the rest of the path below it ("" for the root itself);
    None when no root holds it."""
    best: tuple[int, R, str] | None = None
    for root in roots:
        prefix = root.immich_path
        if prefix is None:
            continue
        prefix = prefix.rstrip("/")
        holds = immich_path == prefix or immich_path.startswith(prefix + "/")
        if holds and (best is None or len(prefix) > best[0]):
            best = (len(prefix), root, immich_path[len(prefix) :].lstrip("/"))
    return (best[1], best[2]) if best else None
