"""Analysis through a fresh runtime, and its report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sidecar.engine.services.report import analysis_report
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.helpers import LIB
from tests.helpers.settings import make_settings


async def analyse(settings: Settings, photos: Path) -> dict[str, Any]:
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([photos])
        summary = await rt.analyze.analyze()
        report = await analysis_report(rt.analysis)
    return {"summary": summary.as_json(), **report}


def mapped_settings(url: str, key: str, photos: Path, state_dir: Path) -> Settings:
    """Immich at `url`, its library /mnt/photos/family mounted here at `photos`."""
    return make_settings(
        state_dir,
        immich={"url": url, "api_key": key},
        libraries=[{"immich_path": LIB, "local_path": str(photos)}],
    )


def names(group: dict[str, Any]) -> set[str]:
    return {m["path"].rsplit("/", 1)[-1] for m in group["members"]}
