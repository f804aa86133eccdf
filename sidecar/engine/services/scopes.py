"""Which folders a scan covers: the configured roots, or PATHs given on the command line."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sidecar.settings import UPLOAD_ORIGINALS, LibrarySettings, Settings


@dataclass(frozen=True, slots=True)
class ScanScope:
    """A folder to reconcile: a root and a folder inside it ('' for the whole root)."""

    root: str
    rel_dir: str = ""

    @property
    def path(self) -> str:
        return f"{self.root.rstrip('/')}/{self.rel_dir}" if self.rel_dir else self.root


class NothingToScanError(Exception):
    """No PATH was given and no library is configured."""


def _absolute(path: Path | str) -> str:
    return os.path.normpath(os.path.abspath(os.fspath(path)))


def resolve_scopes(
    paths: Sequence[Path], settings: Settings, known_roots: Iterable[str]
) -> list[ScanScope]:
    """Map folders to scan scopes.

    Without `paths`, every configured library with `scan = true` is a root. A given PATH that
    lies inside a configured or already known root is scanned as a part of that root (so
    only that part can be marked removed); any other PATH becomes a root of its own.
    """
    configured = [_absolute(lib.local_path) for lib in settings.libraries if lib.scan]
    if not paths:
        if not configured:
            raise NothingToScanError(
                "nothing to scan: give a folder (immich-sidecar scan PATH) "
                "or add a [[libraries]] entry with local_path to the config"
            )
        scopes: list[ScanScope] = []
        for lib in settings.libraries:
            if lib.scan:
                scopes += [s for s in library_scopes(lib) if s not in scopes]
        return scopes
    roots = sorted({*configured, *known_roots}, key=len, reverse=True)
    scopes = []
    for given in paths:
        target = _absolute(given)
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
    root = _absolute(lib.local_path)
    if not lib.immich_upload:
        return [ScanScope(root)]
    present = [ScanScope(root, sub) for sub in UPLOAD_ORIGINALS
               if os.path.isdir(os.path.join(root, sub))]  # fmt: skip
    return present or [ScanScope(root)]
