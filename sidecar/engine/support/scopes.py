"""Which folders a scan covers: the configured roots, or PATHs given on the command line.

`ScanArea` is the one definition of what a full scan covers (the libraries with `scan = true`,
only `library/` and `upload/` of Immich's upload location, never below an ignored name): the
full scan walks it, the daemon's watcher watches and rescans only inside it, and a full scan
marks inventory records outside it removed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sidecar.engine.core.media import IgnoreMatcher
from sidecar.engine.support.errors import NothingToScanError, ScanPathError
from sidecar.settings import UPLOAD_ORIGINALS, LibrarySettings, Settings


@dataclass(frozen=True, slots=True)
class ScanScope:
    """A folder to reconcile: a root and a folder inside it ('' for the whole root)."""

    root: str
    rel_dir: str = ""

    @property
    def path(self) -> str:
        return f"{self.root.rstrip('/')}/{self.rel_dir}" if self.rel_dir else self.root


def _check_folder(given: Path, roots: Sequence[str]) -> None:
    """A PATH must be a folder; a missing one only inside a root the inventory knows (an
    unmounted volume, which the scan reports without marking anything removed)."""
    if given.is_dir():
        return
    if given.exists():
        raise ScanPathError(
            f"{given} is a file, not a folder: give the folder that holds it (nothing was recorded)"
        )
    target = absolute(given)
    if not any(target == r or target.startswith(r.rstrip("/") + "/") for r in roots):
        raise ScanPathError(f"{given}: no such folder; check the path (nothing was recorded)")


def absolute(path: Path | str) -> str:
    return os.path.normpath(os.path.abspath(os.fspath(path)))


def resolve_scopes(
    paths: Sequence[Path], settings: Settings, known_roots: Iterable[str]
) -> list[ScanScope]:
    """Map folders to scan scopes.

    Without `paths`, every configured library with `scan = true` is a root. A given PATH that
    lies inside a configured or already known root is scanned as a part of that root (so
    only that part can be marked removed); any other PATH becomes a root of its own.
    """
    configured = [absolute(lib.local_path) for lib in settings.libraries if lib.scan]
    if not paths:
        if not configured:
            raise NothingToScanError(
                "nothing to scan: give a folder (immich-sidecar scan PATH) "
                "or add a [[libraries]] entry with local_path to the config"
            )
        return configured_scopes(settings)
    roots = sorted({*configured, *known_roots}, key=len, reverse=True)
    for given in paths:
        _check_folder(given, roots)
    scopes = []
    for given in paths:
        target = absolute(given)
        scope = ScanScope(target)
        for root in roots:
            if target == root:
                break
            if target.startswith(root.rstrip("/") + "/"):
                scope = ScanScope(root, target[len(root.rstrip("/")) + 1 :])
                break
        if scope not in scopes:
            scopes.append(scope)
    return scopes


def library_scopes(lib: LibrarySettings) -> list[ScanScope]:
    """The scopes of one configured library: the whole folder, or for Immich's upload
    location only the subfolders holding originals (those that exist)."""
    root = absolute(lib.local_path)
    if not lib.immich_upload:
        return [ScanScope(root)]
    present = [
        ScanScope(root, sub) for sub in UPLOAD_ORIGINALS if os.path.isdir(os.path.join(root, sub))
    ]
    return present or [ScanScope(root)]


def configured_scopes(settings: Settings) -> list[ScanScope]:
    """The scopes of every library with `scan = true` (what a full scan walks)."""
    scopes: list[ScanScope] = []
    for lib in settings.libraries:
        if lib.scan:
            scopes += [s for s in library_scopes(lib) if s not in scopes]
    return scopes


class ScanArea:
    """What a full scan covers, for the watcher and the clean-up of what lies outside it."""

    def __init__(self, settings: Settings) -> None:
        self.scopes = sorted(configured_scopes(settings), key=lambda s: len(s.path), reverse=True)
        self.ignore = IgnoreMatcher(settings.scan.ignore_patterns)

    def folders(self) -> list[Path]:
        """The existing folders to watch."""
        return sorted(Path(s.path) for s in self.scopes if os.path.isdir(s.path))

    def scope_of(self, folder: Path | str) -> ScanScope | None:
        """The scope that rescans `folder` alone (within its library root), or None when the
        folder is outside the area or below an ignored name."""
        target = absolute(folder)
        for scope in self.scopes:
            base = scope.path.rstrip("/")
            if target != base and not target.startswith(base + "/"):
                continue
            below = target[len(base) + 1 :] if target != base else ""
            if any(self.ignore(part) for part in below.split("/") if part):
                return None
            root = scope.root.rstrip("/")
            return ScanScope(scope.root, target[len(root) + 1 :] if target != root else "")
        return None

    def covers(self, root: str, rel_dir: str) -> bool:
        """Whether an inventory folder (`rel_dir` of `root`) lies inside the area."""
        return self.scope_of(f"{root.rstrip('/')}/{rel_dir}" if rel_dir else root) is not None

    def roots(self) -> set[str]:
        return {s.root for s in self.scopes}
