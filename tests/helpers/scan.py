"""A scan through a fresh runtime, and the file records it left."""

from __future__ import annotations

from pathlib import Path

from sidecar.engine.services.scan import ProgressCallback, ScanReport
from sidecar.engine.store.files import FileRecord
from sidecar.runtime import open_runtime
from sidecar.settings import Settings


async def scan(
    settings: Settings, *paths: Path, progress: ProgressCallback | None = None
) -> ScanReport:
    async with open_runtime(settings) as rt:
        return await rt.scan.scan_paths(list(paths), progress)


async def records(settings: Settings) -> dict[str, FileRecord]:
    async with open_runtime(settings) as rt:
        rows = await rt.db.fetchall("SELECT content_hash FROM files")
        found: dict[str, FileRecord] = {}
        for h in {r[0] for r in rows}:
            for rec in await rt.files.by_hash(h):
                found[rec.path] = rec
        return found


def present(recs: dict[str, FileRecord]) -> dict[str, FileRecord]:
    return {p: r for p, r in recs.items() if r.state == "present"}
