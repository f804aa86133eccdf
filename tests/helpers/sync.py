"""A mirror through a fresh runtime, against a test Immich seeded with one user's library."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sidecar.engine.services.sync import SyncReport
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.fake_immich import FakeImmich
from tests.fake_immich.state import FakeLibrary, FakeUser
from tests.helpers import LIB
from tests.helpers.settings import make_settings


def settings_for(fake: FakeImmich, state_dir: Path, key: str, **sections: Any) -> Settings:
    immich = {"url": fake.url, "api_key": key, "retries": 3, **sections.pop("immich", {})}
    return make_settings(state_dir, immich=immich, **sections)


def seed(fake: FakeImmich, files: int = 12) -> tuple[FakeUser, str, FakeLibrary]:
    user = fake.state.add_user()
    key = fake.state.add_key(user)
    library = fake.state.add_library(user, LIB)
    for i in range(files):
        fake.state.import_file(
            library, f"{LIB}/2023/IMG_{i:04d}.JPG", taken=datetime(2023, 7, 14, 10, i, tzinfo=UTC)
        )
    fake.state.add_upload(user, b"red pixels", file_name="red.jpg")
    return user, key, library


async def sync(settings: Settings, full: bool = False) -> SyncReport:
    async with open_runtime(settings) as rt:
        return await rt.sync.sync(full=full)


async def asset_states(settings: Settings) -> dict[str, str]:
    async with open_runtime(settings) as rt:
        rows = await rt.db.fetchall("SELECT original_path, state FROM assets")
    return {r[0]: r[1] for r in rows}
