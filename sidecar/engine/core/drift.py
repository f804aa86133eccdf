"""Drift between Immich and the disk: pure comparison of mirrored assets with file records.

Reports five things:
- files on disk (under a folder Immich imports from) that no asset points at;
- files on disk whose only assets are in Immich's trash (put there by a person or by the
  sidecar, not by a library scan: a file that vanished makes its asset offline too), so they
  are in Immich, and a restore away from the timeline;
- assets whose file is missing on disk, or that Immich itself marks offline;
- content present under several paths;
- files moved on disk that Immich re-imported as a new asset: the old asset went offline
  (and to the trash) while a new asset points at the same content at the new path. Albums,
  tags, favourites and descriptions stay on the old asset, so this is a data-loss trap.
"""

from __future__ import annotations

import base64
import binascii
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class AssetView:
    id: str
    owner_id: str
    local_path: str | None  # originalPath mapped to this process's view, None if unmapped
    checksum: str  # base64 SHA-1; of the content for uploads, of the path for libraries
    is_library: bool
    trashed: bool
    offline: bool
    # what Immich read from the file: (size, capture time, make, model); None when unknown
    signature: tuple[int, str, str, str] | None = None


@dataclass(frozen=True, slots=True)
class FileView:
    path: str
    content_hash: str | None  # hex
    hash_algo: str | None
    present: bool
    kind: str


@dataclass(frozen=True, slots=True)
class MissingAsset:
    asset_id: str
    path: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class SharedContent:
    content_hash: str
    paths: list[str]
    asset_ids: list[str]


@dataclass(frozen=True, slots=True)
class ReimportedMove:
    old_asset_id: str
    new_asset_id: str
    old_path: str
    new_path: str
    content_hash: str
    evidence: str  # how the move was recognised


@dataclass(frozen=True, slots=True)
class TrashedFile:
    path: str
    asset_ids: list[str]


@dataclass(slots=True)
class DriftReport:
    not_in_immich: list[str] = field(default_factory=list)
    in_immich_trash: list[TrashedFile] = field(default_factory=list)
    missing_on_disk: list[MissingAsset] = field(default_factory=list)
    multi_path_content: list[SharedContent] = field(default_factory=list)
    reimported_moves: list[ReimportedMove] = field(default_factory=list)
    # imported folders with no file recorded under them (not mounted here, or never scanned):
    # their assets are not reported missing
    not_checked: list[str] = field(default_factory=list)


def content_checksum_hex(checksum: str) -> str | None:
    """Immich's base64 SHA-1 as hex, to compare with our SHA-1 of the content."""
    try:
        raw = base64.b64decode(checksum, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw.hex() if len(raw) == 20 else None


def _under(path: str, roots: Iterable[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def compute_drift(
    assets: Iterable[AssetView],
    files: Iterable[FileView],
    moves: Iterable[tuple[str, str]],
    imported_roots: Iterable[str],
) -> DriftReport:
    """`moves` are (from_path, to_path) pairs the disk scan recorded; `imported_roots` are the
    scanned folders that Immich imports from (only those can hold files Immich lacks)."""
    file_list = list(files)
    roots, not_checked = _checked_roots(list(imported_roots), file_list)
    files_by_path = {f.path: f for f in file_list}
    asset_list = list(assets)
    assets_by_path: dict[str, list[AssetView]] = defaultdict(list)
    uploads: dict[str, list[AssetView]] = defaultdict(list)  # content SHA-1 (hex) -> uploads
    for asset in asset_list:
        if asset.local_path is not None:
            assets_by_path[asset.local_path].append(asset)
        if not asset.is_library:
            hex_sum = content_checksum_hex(asset.checksum)
            if hex_sum:
                uploads[hex_sum].append(asset)
    report = DriftReport(not_checked=not_checked)

    for f in file_list:
        if not f.present or f.kind == "sidecar" or not _under(f.path, roots):
            continue
        linked = list(assets_by_path.get(f.path, ()))
        if f.content_hash is not None and f.hash_algo == "sha1":
            linked += uploads.get(f.content_hash, ())
        if any(not a.trashed or a.offline for a in linked):
            continue
        if linked:  # only trashed assets point at it
            ids = sorted({a.id for a in linked})
            report.in_immich_trash.append(TrashedFile(f.path, ids))
        else:
            report.not_in_immich.append(f.path)

    for asset in asset_list:
        if asset.offline:
            report.missing_on_disk.append(
                MissingAsset(asset.id, asset.local_path, "Immich marks it offline")
            )
            continue
        if asset.trashed or asset.local_path is None or not _under(asset.local_path, roots):
            continue
        rec = files_by_path.get(asset.local_path)
        if rec is None or not rec.present:
            report.missing_on_disk.append(
                MissingAsset(asset.id, asset.local_path, "no file at its path on disk")
            )

    by_hash: dict[str, list[str]] = defaultdict(list)
    for f in file_list:
        if f.present and f.content_hash and f.kind != "sidecar":
            by_hash[f.content_hash].append(f.path)
    for content_hash, paths in sorted(by_hash.items()):
        if len(paths) > 1:
            ids = sorted({a.id for p in paths for a in assets_by_path.get(p, ()) if not a.trashed})
            report.multi_path_content.append(SharedContent(content_hash, sorted(paths), ids))

    report.reimported_moves = _reimported(assets_by_path, files_by_path, moves)
    seen = {m.old_asset_id for m in report.reimported_moves} | {
        m.new_asset_id for m in report.reimported_moves
    }
    report.reimported_moves += _by_signature([a for a in asset_list if a.id not in seen])
    report.not_in_immich.sort()
    report.in_immich_trash.sort(key=lambda t: t.path)
    report.missing_on_disk.sort(key=lambda m: (m.path or "", m.asset_id))
    return report


def _checked_roots(roots: list[str], files: list[FileView]) -> tuple[list[str], list[str]]:
    """The imported folders with at least one file present under them, and the others (an
    unmounted volume must not make every asset in it look missing)."""
    seen = {r: False for r in roots}
    for f in files:
        if f.present:
            for r in roots:
                if not seen[r] and _under(f.path, [r]):
                    seen[r] = True
    return [r for r in roots if seen[r]], [r for r in roots if not seen[r]]


def _reimported(
    assets_by_path: dict[str, list[AssetView]],
    files_by_path: dict[str, FileView],
    moves: Iterable[tuple[str, str]],
) -> list[ReimportedMove]:
    found: dict[tuple[str, str], ReimportedMove] = {}
    for old_path, new_path in moves:
        olds = [a for a in assets_by_path.get(old_path, ()) if a.is_library and a.trashed]
        news = [a for a in assets_by_path.get(new_path, ()) if not a.trashed]
        rec = files_by_path.get(new_path)
        if not olds or not news or rec is None or not rec.present:
            continue
        for old in olds:
            for new in news:
                if old.owner_id == new.owner_id:
                    found[(old.id, new.id)] = ReimportedMove(
                        old.id,
                        new.id,
                        old_path,
                        new_path,
                        rec.content_hash or "",
                        "the disk scan saw this file move",
                    )
    return sorted(found.values(), key=lambda m: (m.new_path, m.old_asset_id))


def _by_signature(assets: list[AssetView]) -> list[ReimportedMove]:
    """Moves that happened before the disk scan could see them: an offline library asset and
    a live asset of the same owner with the same size, capture time and camera, when that
    signature is unique on both sides."""
    old: dict[tuple[str, tuple[int, str, str, str]], list[AssetView]] = defaultdict(list)
    new: dict[tuple[str, tuple[int, str, str, str]], list[AssetView]] = defaultdict(list)
    for a in assets:
        if a.signature is None or a.local_path is None:
            continue
        key = (a.owner_id, a.signature)
        if a.is_library and a.offline:
            old[key].append(a)
        elif not a.trashed:
            new[key].append(a)
    out = []
    for key, olds in old.items():
        news = new.get(key, [])
        if len(olds) == 1 and len(news) == 1:
            o, n = olds[0], news[0]
            out.append(
                ReimportedMove(
                    o.id,
                    n.id,
                    o.local_path or "",
                    n.local_path or "",
                    "",
                    "same size, capture time and camera",
                )
            )
    return sorted(out, key=lambda m: (m.new_path, m.old_asset_id))
