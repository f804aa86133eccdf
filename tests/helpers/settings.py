"""Settings for a test's state folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sidecar.settings import Settings

READ_RETRY_S = 3.0  # tests meet a stopped or failing Immich: reads give up after this


def make_settings(state_dir: Path, **sections: Any) -> Settings:
    immich = {"read_retry_s": READ_RETRY_S, **sections.pop("immich", {})}
    data: dict[str, Any] = {"storage": {"state_dir": str(state_dir)}, "immich": immich, **sections}
    return Settings.model_validate(data)
