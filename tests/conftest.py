"""Shared fixtures: real folders of real photographs, real SQLite files, the real CLI."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sidecar.cli.app import run as cli_run
from sidecar.cli.samples import build_samples
from sidecar.settings import Settings
from tests.fake_immich import FakeImmich, Mode
from tests.helpers.settings import make_settings
from tests.helpers.tui import analysed

SCAN = {"batch_size": 7, "concurrency": 2}  # small batches: a scan of the samples has several


@pytest.fixture(scope="session")
def sample_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample photo tree, built once; copy it before changing anything."""
    target = tmp_path_factory.mktemp("samples") / "photos"
    build_samples(target)
    return target


@pytest.fixture
def photos(sample_library: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the sample tree (mtimes preserved)."""
    target = tmp_path / "photos"
    shutil.copytree(sample_library, target)
    return target


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def settings(state_dir: Path) -> Settings:
    return make_settings(state_dir, scan=SCAN)


@pytest.fixture(scope="session")
def analysed_state(sample_library: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A state folder with the sample tree scanned and analysed (local mode), made once per
    test process (each xdist worker has its own); never used itself, only copied."""
    state = tmp_path_factory.mktemp("analysed") / "state"

    async def build() -> None:
        async with analysed(make_settings(state, scan=SCAN), sample_library):
            pass

    asyncio.run(build())
    return state


@pytest.fixture
def analysed_photos(sample_library: Path, analysed_state: Path, state_dir: Path) -> Path:
    """The sample tree as if this test had scanned and analysed it with `settings`: a copy of
    `analysed_state` is its state folder (cheaper than analysing again: decisions and new
    analyses go to the copy). The photos are the session's, so the test must not change them:
    one that adds or edits a file takes `photos` and `analysed` (tests/helpers/tui.py)."""
    shutil.copytree(analysed_state, state_dir)
    return sample_library


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the real CLI in this process (environment isolated per test)."""
    for var in (
        "IMMICH_SIDECAR_CONFIG",
        "IMMICH_SIDECAR_STATE_DIR",
        "IMMICH_URL",
        "IMMICH_API_KEY",
        "IMMICH_API_KEY_FILE",
    ):
        monkeypatch.delenv(var, raising=False)

    def invoke(*argv: str, env: dict[str, str] | None = None) -> CliResult:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        capsys.readouterr()
        code = cli_run(list(argv))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke


@pytest.fixture(params=[m.value for m in Mode])
def immich(request: pytest.FixtureRequest) -> Iterator[FakeImmich]:
    """The test Immich in each emulated generation; a test fails on any spec violation."""
    fake = FakeImmich(Mode(request.param)).start()
    try:
        yield fake
    finally:
        fake.stop()
    assert fake.record.violations == [], "\n".join(fake.record.violations)


@pytest.fixture
def immich_v2() -> Iterator[FakeImmich]:
    fake = FakeImmich(Mode.V2_7).start()
    try:
        yield fake
    finally:
        fake.stop()
    assert fake.record.violations == [], "\n".join(fake.record.violations)
