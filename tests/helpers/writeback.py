"""Write-back through a fresh runtime, against the sample tree imported into the test Immich."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.fake_immich import FakeImmich
from tests.fake_immich.state import FakeAsset
from tests.helpers import LIB
from tests.helpers.settings import make_settings

MEDIA = (".jpg", ".png", ".dng")


NO_STACK_CREATE = [
    "asset.read",
    "asset.view",
    "stack.read",
    "album.read",
    "album.create",
    "albumAsset.create",
    "duplicate.read",
    "server.about",
]
"""A key that may do everything the default write-back does except make stacks."""


def library(
    fake: FakeImmich, photos: Path, permissions: list[str] | None = None
) -> tuple[str, dict[str, FakeAsset]]:
    """Every photo of the sample tree imported into an external library of one user."""
    user = fake.state.add_user()
    key = fake.state.add_key(user, permissions)
    lib = fake.state.add_library(user, LIB)
    assets = {}
    for path in sorted(photos.rglob("*")):
        if path.suffix.lower() in MEDIA and "@eaDir" not in path.parts:
            rel = str(path.relative_to(photos))
            assets[rel] = fake.state.import_file(lib, f"{LIB}/{rel}")
    return key, assets


def settings_for(
    fake: FakeImmich, key: str, photos: Path, state_dir: Path, **writeback: Any
) -> Settings:
    return make_settings(
        state_dir,
        immich={"url": fake.url, "api_key": key, "retries": 2},
        libraries=[{"immich_path": LIB, "local_path": str(photos)}],
        analysis={"immich_duplicates": False},
        writeback=writeback,
    )


async def prepare(settings: Settings) -> None:
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([])
        await rt.sync.sync()
        await rt.analyze.analyze()


async def plan(settings: Settings) -> dict[str, Any]:
    async with open_runtime(settings) as rt:
        return (await rt.writeback.plan()).as_json()


async def apply(settings: Settings) -> dict[str, Any]:
    async with open_runtime(settings) as rt:
        return (await rt.writeback.apply(await rt.writeback.plan())).as_json()


async def undo(settings: Settings, run_id: int, **kw: Any) -> dict[str, Any]:
    async with open_runtime(settings) as rt:
        return (await rt.writeback.undo(run_id, **kw)).as_json()


def immich_state(fake: FakeImmich) -> dict[str, Any]:
    """Everything write-back may touch, comparable before and after."""
    s = fake.state
    return {
        "stacks": sorted((p, tuple(m)) for p, m in s.stacks.values()),
        "albums": sorted((a.name, tuple(sorted(a.asset_ids))) for a in s.albums.values()),
        "tags": sorted((t.value, tuple(sorted(t.asset_ids))) for t in s.tags.values()),
        "assets": sorted(
            (a.id, a.stack_id, a.is_trashed, a.duplicate_id, a.is_favorite)
            for a in s.assets.values()
        ),
    }


def cli_config(tmp_path: Path, url: str, key: str, state_dir: Path, photos: Path) -> dict[str, str]:
    """A config file for the CLI: the test Immich at `url` with `key`, its library mounted at
    `photos`; the environment that points the CLI at it."""
    config = tmp_path / "sidecar.toml"
    config.write_text(
        f'[immich]\nurl = "{url}"\napi_key = "{key}"\nretries = 1\nread_retry_s = 1\n'
        f'[storage]\nstate_dir = "{state_dir}"\n'
        f'[[libraries]]\nimmich_path = "{LIB}"\nlocal_path = "{photos}"\n'
        "[analysis]\nimmich_duplicates = false\n",
        encoding="utf-8",
    )
    return {"IMMICH_SIDECAR_CONFIG": str(config)}
