"""Shared fixtures: real folders of real photographs, real SQLite files, the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from sidecar.cli.app import run as cli_run
from sidecar.cli.samples import build_samples
from sidecar.settings import Settings
from tests.fake_immich import FakeImmich, Mode

REPO = Path(__file__).resolve().parent.parent


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


READ_RETRY_S = 3.0  # tests meet a stopped or failing Immich: reads give up after this


def make_settings(state_dir: Path, **sections: Any) -> Settings:
    immich = {"read_retry_s": READ_RETRY_S, **sections.pop("immich", {})}
    data: dict[str, Any] = {"storage": {"state_dir": str(state_dir)}, "immich": immich, **sections}
    return Settings.model_validate(data)


@pytest.fixture
def settings(state_dir: Path) -> Settings:
    return make_settings(state_dir, scan={"batch_size": 7, "concurrency": 2})


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


def run_process(
    argv: Sequence[str],
    env: dict[str, str] | None = None,
    prefix: Sequence[str] = (),
    **kwargs: Any,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m sidecar ARGV` as a separate process (after `prefix`, e.g. setpriv)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH")}
    full_env.update(env or {})
    return subprocess.run(
        [*prefix, sys.executable, "-m", "sidecar", *argv],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,
    )


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


def without_root_powers() -> list[str]:
    """A command prefix under which file modes are enforced.

    Root bypasses file modes through two capabilities; CI runs as root, so the scan runs with
    them removed from its bounding set (it stays uid 0, so it can still reach its venv).
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): file modes cannot be enforced")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
